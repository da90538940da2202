package io.github.sparktogetherbatch.read;

import io.github.sparktogetherbatch.client.ClientStats;
import io.github.sparktogetherbatch.codec.DecodedResult;
import io.github.sparktogetherbatch.metrics.ReadMetrics;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one partition reader counted: rows by status, tokens, and the result lines it did not
 * return. Reported as the task's {@link ReadMetrics} and, at the end, in one summary per batch
 * (DEBUG) with a WARN for each kind of line it dropped.
 */
final class ReadCounters {
  private static final Logger LOG = LoggerFactory.getLogger(ReadCounters.class);

  long succeeded;
  long failed;
  long missing;
  long pending;

  /** Result lines whose custom_id is not in the batch's input file. */
  long unknown;

  /** Result lines without a readable custom_id. */
  long unreadable;

  /** Result lines for a custom_id that already had a row. */
  long duplicates;

  /** Requests of the input file without a custom_id. */
  long inputWithoutId;

  /** Result lines whose content was decoded with the job's responseSchema. */
  long parsed;

  long promptTokens;
  long completionTokens;
  long totalTokens;

  /** Counts a row made from a result line: its status and tokens. */
  void result(DecodedResult r) {
    if (r.failed()) {
      failed++;
    } else {
      succeeded++;
    }
    if (r.promptTokens() != null) {
      promptTokens += r.promptTokens();
    }
    if (r.completionTokens() != null) {
      completionTokens += r.completionTokens();
    }
    if (r.totalTokens() != null) {
      totalTokens += r.totalTokens();
    }
  }

  /** The task's metric values. */
  CustomTaskMetric[] metrics(ClientStats client) {
    return new CustomTaskMetric[] {
      ReadMetrics.task(ReadMetrics.ROWS_SUCCEEDED, succeeded),
      ReadMetrics.task(ReadMetrics.ROWS_FAILED, failed),
      ReadMetrics.task(ReadMetrics.ROWS_MISSING, missing),
      ReadMetrics.task(ReadMetrics.ROWS_PENDING, pending),
      ReadMetrics.task(ReadMetrics.UNKNOWN_RESULTS, unknown + unreadable),
      ReadMetrics.task(ReadMetrics.DUPLICATE_RESULTS, duplicates),
      ReadMetrics.task(ReadMetrics.PROMPT_TOKENS, promptTokens),
      ReadMetrics.task(ReadMetrics.COMPLETION_TOKENS, completionTokens),
      ReadMetrics.task(ReadMetrics.TOTAL_TOKENS, totalTokens),
      ReadMetrics.task(ReadMetrics.BYTES_DOWNLOADED, client.bytesDownloaded()),
      ReadMetrics.task(ReadMetrics.DOWNLOAD_RESUMES, client.downloadResumes()),
      ReadMetrics.task(ReadMetrics.HTTP_RETRIES, client.retries()),
      ReadMetrics.task(ReadMetrics.ANSWERS_PARSED, parsed),
    };
  }

  /** Logs what the batch's read came to, once it has read everything. */
  void logSummary(TogetherInputPartition part, ClientStats client) {
    LOG.debug(
        "Batch {} read: {} succeeded, {} failed, {} missing, {} pending, {} bytes downloaded",
        part.batchId(),
        succeeded,
        failed,
        missing,
        pending,
        client.bytesDownloaded());
    if (unknown > 0) {
      LOG.warn(
          "Batch {}: {} result line(s) name a custom_id that is not in the batch's input file "
              + "{}; they are not returned (metric '{}')",
          part.batchId(),
          unknown,
          part.inputFileId(),
          ReadMetrics.UNKNOWN_RESULTS);
    }
    if (unreadable > 0) {
      LOG.warn(
          "Batch {}: {} line(s) without a readable custom_id were skipped",
          part.batchId(),
          unreadable);
    }
    if (inputWithoutId > 0) {
      LOG.warn(
          "Batch {}: {} request(s) of input file {} have no custom_id and get no row",
          part.batchId(),
          inputWithoutId,
          part.inputFileId());
    }
    if (duplicates > 0) {
      LOG.warn(
          "Batch {}: {} duplicate result(s) for a custom_id that already had a row were "
              + "dropped (an output-file success wins over an error-file line)",
          part.batchId(),
          duplicates);
    }
  }
}
