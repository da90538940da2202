package io.github.sparktogetherbatch.read;

import io.github.sparktogetherbatch.client.BatchStatus;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.codec.DecodedResult;
import io.github.sparktogetherbatch.codec.RequestIds;
import io.github.sparktogetherbatch.codec.ResultDecoder;
import io.github.sparktogetherbatch.codec.ResultLines;
import io.github.sparktogetherbatch.codec.ResultRowBuilder;
import io.github.sparktogetherbatch.exceptions.TogetherApiException;
import io.github.sparktogetherbatch.exceptions.TogetherBatchException;
import io.github.sparktogetherbatch.metrics.ReadMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.unsafe.types.UTF8String;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one batch into rows on an executor, streaming its files with {@link
 * TogetherClient#openFileContent} (which resumes with {@code Range} after a broken download):
 *
 * <ol>
 *   <li>the input file's custom_ids (bodies skipped) into {@link SubmittedIds}: in file order, each
 *       with "has a row";
 *   <li>the output file, line by line: each line decoded straight into a row, unless its custom_id
 *       was not submitted (counted as unknown, logged, not returned) or already has a row (counted
 *       as duplicate, dropped);
 *   <li>the error file the same way; a custom_id found in both files keeps its output-file
 *       (success) row;
 *   <li>one row for every submitted custom_id still without one: {@code missing} (error_code {@code
 *       batch_expired}, {@code batch_cancelled} or {@code no_result}), or {@code failed} with
 *       {@code batch_failed} for a FAILED batch.
 * </ol>
 *
 * <p>Memory: only the batch's custom_ids are held, about 30 bytes per request ({@link
 * SubmittedIds}), so under 2 MB for Together's limit of 50,000 requests per batch; result lines are
 * decoded one at a time (one line in memory). When only {@code custom_id}/{@code batch_id} are
 * asked for, the rows are exactly the input file's ids and the result files are not downloaded at
 * all. A {@code pending} batch streams its input file and holds nothing.
 */
final class TogetherPartitionReader implements PartitionReader<InternalRow> {
  private static final Logger LOG = LoggerFactory.getLogger(TogetherPartitionReader.class);

  static final String BATCH_FAILED_CODE = "batch_failed";
  static final String NO_RESULT_CODE = "no_result";

  private enum Phase {
    START,
    STREAM_IDS,
    OUTPUT,
    ERRORS,
    REST,
    DONE
  }

  private final TogetherInputPartition part;
  private final int[] columns;
  private final boolean idsOnly;
  private final TogetherClient client;
  private final ResultDecoder decoder;
  private final DecodedResult result = new DecodedResult();
  private final ResultRowBuilder rows;
  private final UTF8String restCode;
  private final UTF8String restMessage;

  private Phase phase = Phase.START;

  /** The input stream was advanced once by {@link #start()}; {@link #peekedMore} is its answer. */
  private boolean peeked;

  private boolean peekedMore;

  /** Submitted custom_id → whether it has a row yet; null when the input file is unknown. */
  private SubmittedIds ids;

  /** Ids seen in result files when the input is unknown (no reconciliation possible). */
  private java.util.HashSet<String> seenWithoutInput;

  private RequestIds inputIds;
  private ResultLines lines;

  /** The next submitted id to check for a missing row. */
  private int rest = -1;

  private InternalRow current;

  private long succeeded;
  private long failed;
  private long missing;
  private long pending;
  private long unknown;
  private long unreadable;
  private long duplicates;
  private long inputWithoutId;
  private long promptTokens;
  private long completionTokens;
  private long totalTokens;

  TogetherPartitionReader(TogetherInputPartition part, int[] columns) {
    this.part = part;
    this.columns = columns;
    this.rows = new ResultRowBuilder(columns, part.batchId());
    this.idsOnly =
        part.inputFileId() != null
            && (!rows.needsResults() || part.mode() == TogetherInputPartition.Mode.PENDING);
    this.decoder = new ResultDecoder(rows.wantsContent(), rows.wantsResponse());
    this.client = new TogetherClient(part.client());
    if (part.mode() == TogetherInputPartition.Mode.FAILED_BATCH) {
      this.restCode = UTF8String.fromString(BATCH_FAILED_CODE);
      String e = part.batchError();
      this.restMessage =
          UTF8String.fromString(
              "Batch "
                  + part.batchId()
                  + " failed: "
                  + (e == null || e.isBlank() ? "Together gave no reason" : e));
    } else {
      BatchStatus s = BatchStatus.parse(part.batchStatus());
      this.restCode =
          UTF8String.fromString(
              s == BatchStatus.EXPIRED || s == BatchStatus.CANCELLED
                  ? "batch_" + s.name().toLowerCase(Locale.ROOT)
                  : NO_RESULT_CODE);
      this.restMessage =
          UTF8String.fromString(
              "Batch "
                  + part.batchId()
                  + " ended "
                  + part.batchStatus()
                  + " without a result for this request (it is in neither the "
                  + "output nor the error file).");
    }
  }

  @Override
  public boolean next() throws IOException {
    while (true) {
      switch (phase) {
        case START:
          start();
          break;
        case STREAM_IDS:
          boolean more;
          if (peeked) {
            more = peekedMore;
            peeked = false;
          } else {
            try {
              more = inputIds.next();
            } catch (IOException e) {
              throw downloadFailed("input", part.inputFileId(), e);
            }
          }
          if (more) {
            String id = inputIds.id();
            if (id == null) {
              inputWithoutId++;
              continue;
            }
            current =
                part.mode() == TogetherInputPartition.Mode.PENDING ? pendingRow(id) : idRow(id);
            return true;
          }
          closeInput();
          phase = Phase.DONE;
          break;
        case OUTPUT:
        case ERRORS:
          if (nextResultLine()) {
            return true;
          }
          closeLines();
          if (phase == Phase.OUTPUT) {
            phase = Phase.ERRORS;
            openLines(part.errorFileId(), "error");
          } else {
            phase = Phase.REST;
            rest = ids == null ? -1 : 0;
          }
          break;
        case REST:
          while (rest >= 0 && rest < ids.size()) {
            int i = rest++;
            if (!ids.hasRow(i)) {
              current = restRow(ids.id(i));
              return true;
            }
          }
          rest = -1;
          ids = null;
          phase = Phase.DONE;
          break;
        case DONE:
        default:
          finish();
          return false;
      }
    }
  }

  @Override
  public InternalRow get() {
    return current;
  }

  private void start() throws IOException {
    LOG.debug(
        "Reading batch {} ({}, mode {}): input {}, output {}, error {}, columns {}",
        part.batchId(),
        part.batchStatus(),
        part.mode(),
        part.inputFileId(),
        part.outputFileId(),
        part.errorFileId(),
        columns.length);
    boolean pendingMode = part.mode() == TogetherInputPartition.Mode.PENDING;
    boolean inputKnown = part.inputFileId() != null;
    if (idsOnly) {
      try {
        // Jackson reads the first bytes on creation.
        inputIds = new RequestIds(open(part.inputFileId(), "input"));
        // Read the first request now, so that a deleted input file falls back to the results.
        peekedMore = inputIds.next();
        peeked = true;
        phase = Phase.STREAM_IDS;
        return;
      } catch (IOException e) {
        closeInput();
        if (pendingMode || !isGone(e)) {
          throw downloadFailed("input", part.inputFileId(), e);
        }
        inputKnown = false;
      }
    } else if (inputKnown) {
      ids = new SubmittedIds();
      try (RequestIds in = new RequestIds(open(part.inputFileId(), "input"))) {
        while (in.next()) {
          if (in.id() == null) {
            inputWithoutId++;
          } else {
            ids.add(in.id());
          }
        }
        LOG.debug("Batch {}: {} submitted requests", part.batchId(), ids.size());
      } catch (IOException e) {
        if (pendingMode || !isGone(e)) {
          throw downloadFailed("input", part.inputFileId(), e);
        }
        ids = null;
        inputKnown = false;
      }
    }
    if (!inputKnown) {
      LOG.warn(
          "Batch {}: its input file {} is unknown or no longer exists at Together; its results "
              + "are returned without reconciliation (no missing rows can be reported)",
          part.batchId(),
          part.inputFileId() == null ? "(none given)" : part.inputFileId());
      seenWithoutInput = new java.util.HashSet<>();
    }
    if (pendingMode) {
      // No input file known: nothing to list as pending.
      phase = Phase.DONE;
      return;
    }
    phase = Phase.OUTPUT;
    openLines(part.outputFileId(), "output");
  }

  /** Reads result lines until one yields a row; false at the end of the current file. */
  private boolean nextResultLine() throws IOException {
    if (lines == null) {
      return false;
    }
    String kind = phase == Phase.OUTPUT ? "output" : "error";
    while (true) {
      try {
        if (!lines.next()) {
          return false;
        }
      } catch (IOException e) {
        throw downloadFailed(
            kind, phase == Phase.OUTPUT ? part.outputFileId() : part.errorFileId(), e);
      }
      if (lines.isBlank()) {
        continue;
      }
      ResultDecoder.Outcome outcome =
          decoder.decode(lines.bytes(), lines.offset(), lines.length(), result);
      if (outcome == ResultDecoder.Outcome.MALFORMED) {
        // Bytes that are not UTF-8 fail the byte parser; decoded with replacement characters,
        // as a text reader would, the line may still be a result.
        outcome = decoder.decode(lines.asString(), result);
      }
      if (outcome != ResultDecoder.Outcome.OK) {
        unreadable++;
        if (LOG.isDebugEnabled()) {
          LOG.debug("Batch {}: unreadable {} line ({})", part.batchId(), kind, outcome);
        }
        continue;
      }
      String id = result.customId();
      if (ids != null) {
        int i = ids.indexOf(id);
        if (i < 0) {
          unknown++;
          continue;
        }
        if (ids.hasRow(i)) {
          duplicates++;
          continue;
        }
        ids.markRow(i);
      } else if (!seenWithoutInput.add(id)) {
        duplicates++;
        continue;
      }
      current = resultRow();
      return true;
    }
  }

  private InternalRow resultRow() {
    DecodedResult r = result;
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
    return rows.result(r);
  }

  /** A row for a submitted request without a result: missing, or failed (FAILED batch). */
  private InternalRow restRow(String id) {
    if (part.mode() == TogetherInputPartition.Mode.FAILED_BATCH) {
      failed++;
      return rows.failed(id, restCode, restMessage);
    }
    missing++;
    return rows.missing(id, restCode, restMessage);
  }

  private InternalRow pendingRow(String id) {
    pending++;
    return rows.pending(id);
  }

  /** A row when only ids are asked for: same columns, nothing but ids. */
  private InternalRow idRow(String id) {
    return rows.idOnly(id);
  }

  private InputStream open(String fileId, String kind) {
    try {
      return client.openFileContent(fileId);
    } catch (RuntimeException e) {
      throw new TogetherBatchException(
          "Cannot download the "
              + kind
              + " file "
              + fileId
              + " of batch "
              + part.batchId()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private void openLines(String fileId, String kind) {
    if (fileId == null) {
      lines = null;
      return;
    }
    lines = new ResultLines(open(fileId, kind));
  }

  /** Whether the file is gone (HTTP 404/410), not merely unreachable. */
  private static boolean isGone(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof TogetherApiException) {
        int code = ((TogetherApiException) c).statusCode();
        return code == 404 || code == 410;
      }
    }
    return false;
  }

  private TogetherBatchException downloadFailed(String kind, String fileId, IOException e) {
    if (e instanceof com.fasterxml.jackson.core.JsonProcessingException
        || e.getMessage() != null && e.getMessage().endsWith("is not a JSON object")) {
      return new TogetherBatchException(
          "The "
              + kind
              + " file "
              + fileId
              + " of batch "
              + part.batchId()
              + " is not valid JSONL: "
              + e.getMessage(),
          e);
    }
    return new TogetherBatchException(
        "Reading the "
            + kind
            + " file "
            + fileId
            + " of batch "
            + part.batchId()
            + " failed: "
            + e.getMessage()
            + ". The batch's results stay at Together; "
            + "run the read again.",
        e);
  }

  private void closeLines() {
    if (lines != null) {
      try {
        lines.close();
      } catch (IOException ignored) {
        // nothing left to read from it
      }
      lines = null;
    }
  }

  private void closeInput() {
    if (inputIds != null) {
      try {
        inputIds.close();
      } catch (IOException ignored) {
        // nothing left to read from it
      }
      inputIds = null;
    }
  }

  private boolean finished;

  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    LOG.debug(
        "Batch {} read: {} succeeded, {} failed, {} missing, {} pending, {} bytes downloaded",
        part.batchId(),
        succeeded,
        failed,
        missing,
        pending,
        client.stats().bytesDownloaded());
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

  @Override
  public CustomTaskMetric[] currentMetricsValues() {
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
      ReadMetrics.task(ReadMetrics.BYTES_DOWNLOADED, client.stats().bytesDownloaded()),
      ReadMetrics.task(ReadMetrics.DOWNLOAD_RESUMES, client.stats().downloadResumes()),
      ReadMetrics.task(ReadMetrics.HTTP_RETRIES, client.stats().retries()),
    };
  }

  @Override
  public void close() {
    closeLines();
    closeInput();
    ids = null;
    client.close();
  }

  /** For tests: counters of this reader. */
  long unknownResults() {
    return unknown;
  }
}
