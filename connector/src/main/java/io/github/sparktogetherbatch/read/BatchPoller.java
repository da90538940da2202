package io.github.sparktogetherbatch.read;

import io.github.sparktogetherbatch.client.BatchJob;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.exceptions.TogetherApiException;
import io.github.sparktogetherbatch.exceptions.TogetherJobException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits on the driver for a job's batches: polls every unfinished batch each {@code pollInterval}
 * until all are terminal (COMPLETED, FAILED, EXPIRED, CANCELLED) or {@code waitTimeout} passes,
 * logging one INFO line per poll with each batch's status, percent and the time waited (and telling
 * a {@link WaitProgress}, which shows a person the wait). Any status it does not know counts as
 * running. A transient API failure during a poll (after the client's own retries) is logged and the
 * batch polled again next time; any other API error ends the wait.
 */
final class BatchPoller {
  private static final Logger LOG = LoggerFactory.getLogger(BatchPoller.class);

  /** At most this many batches are named in one progress line. */
  private static final int MAX_LISTED = 20;

  private final TogetherClient client;
  private final long intervalMillis;
  private final long timeoutMillis;
  private final String job;
  private final WaitProgress progress;

  BatchPoller(TogetherClient client, Duration interval, Duration timeout, String job) {
    this(client, interval, timeout, job, WaitProgress.NONE);
  }

  /** A poller that also tells {@code progress} after each poll of {@link #awaitTerminal}. */
  BatchPoller(
      TogetherClient client,
      Duration interval,
      Duration timeout,
      String job,
      WaitProgress progress) {
    this.client = client;
    this.intervalMillis = Math.max(1, interval.toMillis());
    this.timeoutMillis = Math.max(0, timeout.toMillis());
    this.job = job;
    this.progress = progress;
  }

  /** Polls every batch once; the result is in the order of {@code batchIds}. */
  Map<String, BatchJob> pollOnce(List<String> batchIds) {
    Map<String, BatchJob> state = new LinkedHashMap<>();
    long start = System.nanoTime();
    for (String id : batchIds) {
      state.put(id, get(id));
    }
    logProgress(state, elapsedMillis(start));
    return state;
  }

  /**
   * Polls until every batch is terminal.
   *
   * @return each batch's last state, in the order of {@code batchIds}
   * @throws TogetherJobException naming the batches still running when {@code waitTimeout} passes
   *     (or the wait is interrupted)
   */
  Map<String, BatchJob> awaitTerminal(List<String> batchIds) {
    long start = System.nanoTime();
    Map<String, BatchJob> state = new LinkedHashMap<>();
    for (String id : batchIds) {
      state.put(id, null);
    }
    while (true) {
      for (Map.Entry<String, BatchJob> e : state.entrySet()) {
        BatchJob last = e.getValue();
        if (last != null && last.isTerminal()) {
          continue;
        }
        try {
          e.setValue(client.getBatch(e.getKey()));
        } catch (TogetherApiException ex) {
          if (!ex.isRetryable()) {
            throw cannotRead(e.getKey(), ex);
          }
          LOG.warn(
              "Could not poll batch {} ({}); trying again at the next poll",
              e.getKey(),
              ex.getMessage());
        }
      }
      long elapsed = elapsedMillis(start);
      logProgress(state, elapsed);
      List<String> running = unfinished(state);
      long left = timeoutMillis - elapsed;
      progress.update(state, elapsed, running.isEmpty() || left <= 0);
      if (running.isEmpty()) {
        return state;
      }
      if (left <= 0) {
        throw new TogetherJobException(
            "Timed out after "
                + formatDuration(elapsed)
                + " (option "
                + "'waitTimeout') waiting for "
                + running.size()
                + " of "
                + state.size()
                + " batch(es) "
                + "of "
                + job
                + ": "
                + describe(state, running)
                + ". They keep running at Together: "
                + "read again later, raise 'waitTimeout', or read with wait=false to get the finished "
                + "results now and the rest as pending.",
            running);
      }
      try {
        Thread.sleep(Math.min(intervalMillis, left));
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new TogetherJobException(
            "Interrupted while waiting for batch(es) "
                + String.join(", ", running)
                + " of "
                + job
                + ".",
            running,
            ie);
      }
    }
  }

  private BatchJob get(String batchId) {
    try {
      return client.getBatch(batchId);
    } catch (TogetherApiException e) {
      throw cannotRead(batchId, e);
    }
  }

  private TogetherJobException cannotRead(String batchId, TogetherApiException e) {
    return new TogetherJobException(
        "Cannot get the status of batch " + batchId + " of " + job + ": " + e.getMessage(),
        List.of(batchId),
        e);
  }

  /** The batches not (known to be) terminal. */
  static List<String> unfinished(Map<String, BatchJob> state) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, BatchJob> e : state.entrySet()) {
      if (e.getValue() == null || !e.getValue().isTerminal()) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  private void logProgress(Map<String, BatchJob> state, long elapsedMillis) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    int done = state.size() - unfinished(state).size();
    StringBuilder sb = new StringBuilder();
    int listed = 0;
    for (Map.Entry<String, BatchJob> e : state.entrySet()) {
      if (listed == MAX_LISTED) {
        sb.append(", ... and ").append(state.size() - MAX_LISTED).append(" more");
        break;
      }
      sb.append(listed == 0 ? "" : ", ")
          .append(e.getKey())
          .append(' ')
          .append(statusOf(e.getValue()));
      listed++;
    }
    LOG.info(
        "Together batches of {}: {}/{} finished after {}: {}",
        job,
        done,
        state.size(),
        formatDuration(elapsedMillis),
        sb);
  }

  private static String describe(Map<String, BatchJob> state, List<String> ids) {
    StringBuilder sb = new StringBuilder();
    for (String id : ids) {
      sb.append(sb.length() == 0 ? "" : ", ")
          .append(id)
          .append(" (")
          .append(statusOf(state.get(id)))
          .append(')');
    }
    return sb.toString();
  }

  private static String statusOf(BatchJob b) {
    if (b == null) {
      return "status unknown";
    }
    return b.rawStatus() + String.format(Locale.ROOT, " %.1f%%", b.progress());
  }

  private static long elapsedMillis(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000L;
  }

  /** {@code 850ms}, {@code 12.3s}, {@code 5m07s}, {@code 2h03m}. */
  static String formatDuration(long millis) {
    if (millis < 1000) {
      return millis + "ms";
    }
    if (millis < 60_000) {
      return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
    }
    long s = millis / 1000;
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
  }
}
