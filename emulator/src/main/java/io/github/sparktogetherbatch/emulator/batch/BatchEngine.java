package io.github.sparktogetherbatch.emulator.batch;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.github.sparktogetherbatch.emulator.json.Json;
import io.github.sparktogetherbatch.emulator.model.FailOnceMemory;
import io.github.sparktogetherbatch.emulator.store.FileRecord;
import io.github.sparktogetherbatch.emulator.store.FileStore;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs batches through their lifecycle: {@code VALIDATING} (at least the configured time, then
 * {@link InputValidator}), {@code IN_PROGRESS} in chunks of up to {@value #CHUNK} lines at the
 * configured rate per batch, then a terminal status ({@code FAILED} at once, with an error file,
 * when requests target a model batches cannot use); cancel, expiry, forced ends and removal are
 * taken at the next step. Batches take turns on a pool of two threads; {@link BatchWorker} does
 * each batch's file work.
 */
public final class BatchEngine implements Closeable {
  private static final System.Logger LOG = System.getLogger(BatchEngine.class.getName());

  static final int CHUNK = 1000;
  private static final long CANCEL_SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(150);
  private static final long MAX_POLL_MILLIS = 50;

  private final BatchWorker worker;
  private final Path batchDir;
  private final String userId;
  private final ScheduledThreadPoolExecutor exec;
  private final ConcurrentHashMap<String, BatchRecord> batches = new ConcurrentHashMap<>();
  private final AtomicLong seq = new AtomicLong();
  private volatile double requestsPerSecond;
  private volatile long validatingMillis;
  private volatile boolean holdNewBatches;

  /** An engine keeping its batch files under {@code dataDir}. */
  public BatchEngine(
      FileStore files,
      FailOnceMemory failOnce,
      Path dataDir,
      String userId,
      double requestsPerSecond,
      long validatingMillis)
      throws IOException {
    this.worker = new BatchWorker(files, failOnce);
    this.batchDir = Files.createDirectories(dataDir.resolve("batches"));
    this.userId = userId;
    this.requestsPerSecond = requestsPerSecond;
    this.validatingMillis = validatingMillis;
    AtomicInteger n = new AtomicInteger();
    this.exec =
        new ScheduledThreadPoolExecutor(
            2,
            r -> {
              Thread t = new Thread(r, "together-emulator-batch-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    exec.setRemoveOnCancelPolicy(true);
  }

  public double requestsPerSecond() {
    return requestsPerSecond;
  }

  public void setRequestsPerSecond(double rps) {
    this.requestsPerSecond = rps;
  }

  public long validatingMillis() {
    return validatingMillis;
  }

  public void setValidatingMillis(long millis) {
    this.validatingMillis = Math.max(0, millis);
  }

  /** Whether batches created from now on are held ({@link #hold}) until released. */
  public boolean holdNewBatches() {
    return holdNewBatches;
  }

  public void setHoldNewBatches(boolean hold) {
    this.holdNewBatches = hold;
  }

  /**
   * Holds or releases a batch (control surface): a held batch keeps its status and progress until
   * released, so that tests can finish batches in any order. Cancel, expire and fail still end it.
   *
   * @throws StateException if the batch is already terminal
   */
  public BatchRecord hold(BatchRecord b, boolean hold) throws StateException {
    synchronized (b) {
      if (hold && b.isTerminal()) {
        throw new StateException("Batch job " + b.id + " is already " + b.status);
      }
      b.held = hold;
      return b;
    }
  }

  /** Releases every held batch; returns how many were held. */
  public int releaseAll() {
    int n = 0;
    for (BatchRecord b : batches.values()) {
      synchronized (b) {
        if (b.held) {
          b.held = false;
          n++;
        }
      }
    }
    return n;
  }

  /** Creates a batch over an uploaded input file; {@link #start} runs it. */
  public BatchRecord create(FileRecord input, String endpoint, String givenModelId)
      throws IOException {
    long n = seq.incrementAndGet();
    Path link = batchDir.resolve("b" + n + "-input.jsonl");
    synchronized (input) {
      try {
        Files.createLink(link, input.path);
      } catch (IOException | UnsupportedOperationException e) {
        Files.copy(input.path, link);
      }
    }
    String model = givenModelId;
    if (model == null) {
      model = peekModel(link);
    }
    Instant created = Timestamps.nowMicros();
    Instant deadline =
        created
            .plus(Duration.ofHours(24))
            .minusNanos(1000L * ThreadLocalRandom.current().nextInt(2, 10));
    BatchRecord b =
        new BatchRecord(
            UUID.randomUUID().toString(),
            n,
            userId,
            input.id,
            Files.size(link),
            created,
            deadline,
            endpoint,
            givenModelId,
            model == null ? "" : model,
            link);
    b.held = holdNewBatches;
    batches.put(b.id, b);
    return b;
  }

  /** Starts processing a created batch. */
  public void start(BatchRecord b) {
    submit(b, 0);
  }

  /** body.model of the first line, or null. Streams: a huge first line is skipped, not held. */
  static String peekModel(Path file) {
    try (InputStream in = Files.newInputStream(file);
        JsonParser p = Json.FACTORY.createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.getCurrentName();
        JsonToken t = p.nextToken();
        if ("body".equals(name) && t == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.getCurrentName();
            JsonToken v = p.nextToken();
            if ("model".equals(field)) {
              return v == JsonToken.VALUE_STRING ? p.getText() : null;
            }
            p.skipChildren();
          }
          return null;
        }
        p.skipChildren();
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The batch with this id, or null. */
  public BatchRecord get(String id) {
    return id == null ? null : batches.get(id);
  }

  /** Every batch, newest first. */
  public List<BatchRecord> listNewestFirst() {
    List<BatchRecord> out = new ArrayList<>(batches.values());
    out.sort(Comparator.comparingLong((BatchRecord b) -> b.seq).reversed());
    return out;
  }

  /** Thrown when a batch is in the wrong state for an operation. */
  public static final class StateException extends Exception {
    private static final long serialVersionUID = 1L;

    StateException(String message) {
      super(message);
    }
  }

  /** Requests cancellation: the batch shows CANCELING, then CANCELLED shortly after. */
  public BatchRecord cancel(BatchRecord b) throws StateException {
    synchronized (b) {
      if (b.isTerminal()) {
        throw new StateException(
            "Batch job " + b.id + " cannot be cancelled: its status is " + b.status);
      }
      if (!b.cancelRequested) {
        b.cancelRequested = true;
        b.cancelRequestedNanos = System.nanoTime();
        b.status = BatchRecord.CANCELING;
      }
      return b;
    }
  }

  /** Ends a running batch as EXPIRED or FAILED (control surface); waits until it is terminal. */
  public BatchRecord forceEnd(BatchRecord b, String status, String error) throws StateException {
    synchronized (b) {
      if (b.isTerminal()) {
        throw new StateException("Batch job " + b.id + " is already " + b.status);
      }
      b.forcedStatus = status;
      b.forcedError = error;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!b.isTerminal()) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          throw new StateException("Batch job " + b.id + " did not stop in time");
        }
        try {
          b.wait(Math.min(left, 100));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StateException("interrupted");
        }
      }
      return b;
    }
  }

  /** Forgets every batch; running ones stop at their next step. */
  public void clear() {
    for (BatchRecord b : new ArrayList<>(batches.values())) {
      synchronized (b) {
        b.removed = true;
        if (b.isTerminal()) {
          BatchWorker.deleteQuietly(b.input);
        }
      }
      batches.remove(b.id);
    }
  }

  private void submit(BatchRecord b, long delayMillis) {
    try {
      if (delayMillis <= 0) {
        exec.execute(() -> step(b));
      } else {
        exec.schedule(() -> step(b), delayMillis, TimeUnit.MILLISECONDS);
      }
    } catch (RejectedExecutionException e) {
      // shutting down
    }
  }

  private void step(BatchRecord b) {
    long next;
    try {
      next = doStep(b);
    } catch (Throwable t) {
      LOG.log(Level.ERROR, "batch " + b.id + " failed", t);
      synchronized (b) {
        if (!b.isTerminal()) {
          finish(b, BatchRecord.FAILED, "Internal error while processing the batch");
        }
      }
      next = -1;
    }
    if (next >= 0) {
      submit(b, next);
    }
  }

  /** One unit of work. Returns the delay before the next step, or -1 when the batch is done. */
  private long doStep(BatchRecord b) throws IOException {
    String status;
    synchronized (b) {
      if (b.removed) {
        worker.release(b);
        return -1;
      }
      if (b.isTerminal()) {
        return -1;
      }
      if (b.forcedStatus != null) {
        finish(b, b.forcedStatus, b.forcedError);
        return -1;
      }
      if (b.cancelRequested) {
        long waited = System.nanoTime() - b.cancelRequestedNanos;
        if (waited >= CANCEL_SETTLE_NANOS) {
          finish(b, BatchRecord.CANCELLED, null);
          return -1;
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(CANCEL_SETTLE_NANOS - waited));
      }
      if (Instant.now().isAfter(b.jobDeadline)) {
        finish(b, BatchRecord.EXPIRED, null);
        return -1;
      }
      if (b.held) {
        return MAX_POLL_MILLIS;
      }
      status = b.status;
    }
    if (BatchRecord.VALIDATING.equals(status)) {
      long wait = validatingMillis - Duration.between(b.createdAt, Instant.now()).toMillis();
      if (wait > 0) {
        return Math.min(wait, MAX_POLL_MILLIS);
      }
      InputValidator.Validation v = InputValidator.validate(b.input, b.givenModelId);
      synchronized (b) {
        if (b.removed || b.forcedStatus != null || b.cancelRequested) {
          return 0;
        }
        if (v.error != null) {
          finish(b, BatchRecord.FAILED, v.error);
          return -1;
        }
        if (!v.notForBatch.isEmpty()) {
          String error =
              (v.notForBatch.size() == 1 ? "Model " : "Models ")
                  + String.join(", ", v.notForBatch)
                  + (v.notForBatch.size() == 1 ? " is" : " are")
                  + " not available for batch processing";
          b.requests = v.lines;
          worker.rejectAll(b, v.notForBatch, error);
          finish(b, BatchRecord.FAILED, error);
          return -1;
        }
        b.requests = v.lines;
        if ((b.modelId == null || b.modelId.isEmpty()) && v.firstModel != null) {
          b.modelId = v.firstModel;
        }
        worker.open(b);
        b.lastNanos = System.nanoTime();
        b.budget = 0;
        b.status = BatchRecord.IN_PROGRESS;
      }
      return 0;
    }
    // IN_PROGRESS
    int allowed = CHUNK;
    double rps = requestsPerSecond;
    if (rps > 0) {
      long now = System.nanoTime();
      b.budget = Math.min(CHUNK, b.budget + (now - b.lastNanos) / 1e9 * rps);
      b.lastNanos = now;
      allowed = (int) Math.floor(b.budget);
      if (allowed <= 0) {
        long ms = (long) Math.ceil((1 - b.budget) / rps * 1000);
        return Math.max(1, Math.min(ms, MAX_POLL_MILLIS));
      }
      b.budget -= allowed;
    } else {
      b.lastNanos = System.nanoTime();
      b.budget = 0;
    }
    BatchWorker.Chunk chunk = worker.answer(b, allowed);
    synchronized (b) {
      b.processed += chunk.answered();
      if (b.requests > 0) {
        b.progress = Math.min(100.0, b.processed * 100.0 / b.requests);
      }
      if (b.removed || b.forcedStatus != null || b.cancelRequested) {
        return 0;
      }
      if (chunk.endOfInput() || b.processed >= b.requests) {
        finish(b, BatchRecord.COMPLETED, null);
        return -1;
      }
    }
    return 0;
  }

  /** Moves a batch to a terminal status. Caller holds the batch's monitor. */
  private void finish(BatchRecord b, String status, String error) {
    if (!worker.storeResults(b, status)) {
      status = BatchRecord.FAILED;
      error = "Internal error while storing results";
    }
    if (BatchRecord.COMPLETED.equals(status)) {
      b.progress = 100.0;
    }
    b.status = status;
    b.error = error;
    b.completedAt = Timestamps.nowMicros();
    BatchWorker.deleteQuietly(b.input);
    b.notifyAll();
  }

  @Override
  public void close() {
    exec.shutdownNow();
    try {
      exec.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (BatchRecord b : batches.values()) {
      synchronized (b) {
        worker.release(b);
      }
    }
  }
}
