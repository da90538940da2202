package io.github.sparktogetherbatch.write;

import io.github.sparktogetherbatch.client.BatchJob;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The driver's batch creates for one write's files, {@code createsAtOnce} at a time, each result
 * taken in file order ({@link #await}). Each create is one {@code POST /v1/batches} that mostly
 * waits on Together (20 files one after the other cost the write 20 round trips after its tasks).
 * The first failure stops new creates; those already sent run to their end, so that a batch they
 * made is recorded in the manifest (a batch created but not recorded is still found by the next
 * append, by its input file). With one at a time everything runs on the caller's thread, as before.
 * Not thread-safe: used by the committing thread.
 */
final class BatchCreates implements AutoCloseable {
  private static final AtomicInteger THREADS = new AtomicInteger();

  /** What became of one file's create: its batch, its failure, or not sent after a failure. */
  record Outcome(BatchJob batch, RuntimeException failure) {
    static final Outcome NOT_SENT = new Outcome(null, null);

    boolean sent() {
      return batch != null || failure != null;
    }
  }

  private final Function<Integer, BatchJob> create;
  private final int count;
  private final int atOnce;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final ExecutorService pool;
  private final List<Future<Outcome>> futures = new ArrayList<>();

  /**
   * Creates for files {@code 0 .. count-1}, {@code create.apply(i)} making file {@code i}'s batch;
   * with more than one at a time they start at once on daemon threads named {@code threadName-N}.
   */
  BatchCreates(Function<Integer, BatchJob> create, int count, int atOnce, String threadName) {
    this.create = create;
    this.count = count;
    this.atOnce = Math.max(1, Math.min(atOnce, count));
    if (this.atOnce > 1) {
      pool =
          Executors.newFixedThreadPool(
              this.atOnce,
              r -> {
                Thread t = new Thread(r, threadName + "-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      for (int i = 0; i < count; i++) {
        int file = i;
        futures.add(pool.submit(() -> run(file)));
      }
    } else {
      pool = null;
    }
  }

  private Outcome run(int file) {
    if (stopped.get()) {
      return Outcome.NOT_SENT;
    }
    try {
      return new Outcome(create.apply(file), null);
    } catch (RuntimeException e) {
      stopped.set(true);
      return new Outcome(null, e);
    }
  }

  /** Sends no create not yet sent (after a failure to record a batch, say). */
  void stop() {
    stopped.set(true);
  }

  /**
   * File {@code i}'s outcome, waiting for it; call for {@code i = 0, 1, ...} in order. An interrupt
   * while waiting stops new creates, interrupts those under way and is kept on the thread; a create
   * it cut short counts as failed.
   */
  Outcome await(int i) {
    if (i < 0 || i >= count) {
      throw new IndexOutOfBoundsException(i);
    }
    if (pool == null) {
      return run(i);
    }
    Future<Outcome> f = futures.get(i);
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return f.get();
        } catch (InterruptedException e) {
          interrupted = true;
          stop();
          for (Future<Outcome> other : futures) {
            other.cancel(true);
          }
        } catch (CancellationException e) {
          return new Outcome(
              null, new IllegalStateException("the batch create was interrupted", e));
        } catch (ExecutionException e) {
          Throwable c = e.getCause();
          return new Outcome(
              null, c instanceof RuntimeException r ? r : new IllegalStateException(c));
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      stop();
      pool.shutdown();
    }
  }
}
