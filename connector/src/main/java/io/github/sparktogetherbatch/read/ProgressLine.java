package io.github.sparktogetherbatch.read;

import io.github.sparktogetherbatch.client.BatchJob;
import java.util.Locale;
import java.util.Map;

/**
 * The one-line summary of a wait: batches finished of total, requests done of total (from the
 * requests the job records per batch and each batch's percent), the job's percent, the time waited
 * and, once the percent has moved during the wait, an estimate of the time left at the rate seen so
 * far. Holds the first percent it saw to measure that rate.
 */
final class ProgressLine {
  private final String job;
  private final Map<String, Long> requestsPerBatch;
  private double firstPercent = -1;
  private long firstMillis;

  /**
   * @param requestsPerBatch requests of each batch as the job records them; a batch not in it (a
   *     read by batch id without the job) counts by its percent only
   */
  ProgressLine(String job, Map<String, Long> requestsPerBatch) {
    this.job = job;
    this.requestsPerBatch = Map.copyOf(requestsPerBatch);
  }

  String format(Map<String, BatchJob> state, long elapsedMillis) {
    int finished = 0;
    long requests = 0;
    double requestsDone = 0;
    double percentSum = 0;
    boolean allCounted = true;
    for (Map.Entry<String, BatchJob> e : state.entrySet()) {
      BatchJob b = e.getValue();
      boolean terminal = b != null && b.isTerminal();
      double pct = b == null ? 0 : terminal ? 100 : clamp(b.progress());
      finished += terminal ? 1 : 0;
      percentSum += pct;
      Long n = requestsPerBatch.get(e.getKey());
      if (n == null) {
        allCounted = false;
      } else {
        requests += n;
        requestsDone += n * pct / 100.0;
      }
    }
    double percent;
    if (allCounted && requests > 0) {
      percent = 100.0 * requestsDone / requests;
    } else {
      percent = state.isEmpty() ? 100 : percentSum / state.size();
    }
    StringBuilder sb = new StringBuilder("Together batches of ").append(job).append(": ");
    sb.append(finished).append('/').append(state.size()).append(" batches finished");
    if (allCounted && requests > 0) {
      sb.append(", ")
          .append(String.format(Locale.ROOT, "%,d/%,d", Math.round(requestsDone), requests))
          .append(" requests");
    }
    sb.append(String.format(Locale.ROOT, " (%.1f%%)", percent));
    sb.append(", ").append(BatchPoller.formatDuration(elapsedMillis)).append(" elapsed");
    String left = estimate(percent, elapsedMillis, finished == state.size());
    if (left != null) {
      sb.append(", about ").append(left).append(" left");
    }
    return sb.toString();
  }

  private String estimate(double percent, long elapsedMillis, boolean done) {
    if (firstPercent < 0) {
      firstPercent = percent;
      firstMillis = elapsedMillis;
      return null;
    }
    double moved = percent - firstPercent;
    long took = elapsedMillis - firstMillis;
    if (done || moved <= 0 || took <= 0) {
      return null;
    }
    double millisLeft = (100.0 - percent) * took / moved;
    return BatchPoller.formatDuration(Math.round(millisLeft));
  }

  private static double clamp(double pct) {
    return Double.isNaN(pct) ? 0 : Math.max(0, Math.min(100, pct));
  }
}
