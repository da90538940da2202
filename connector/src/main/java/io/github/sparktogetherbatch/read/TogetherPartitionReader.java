package io.github.sparktogetherbatch.read;

import io.github.sparktogetherbatch.codec.CustomIdRecord;
import io.github.sparktogetherbatch.codec.DecodedResult;
import io.github.sparktogetherbatch.codec.IdStream;
import io.github.sparktogetherbatch.codec.ParsedContent;
import io.github.sparktogetherbatch.codec.RequestIds;
import io.github.sparktogetherbatch.codec.ResultDecoder;
import io.github.sparktogetherbatch.codec.ResultRowBuilder;
import io.github.sparktogetherbatch.manifest.JobFolder;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one batch into rows on an executor, streaming its files ({@link BatchFiles}) in phases,
 * each a {@link RowSource}:
 *
 * <ol>
 *   <li>the batch's custom_ids into {@link SubmittedIds}, in input-file order, each with "has a
 *       row": from the batch's custom_id record at the job path, or, for jobs written before such
 *       records (or when it is gone), from the input file itself (bodies skipped);
 *   <li>the output file, then the error file ({@link ResultFileRows}): each line decoded straight
 *       into a row, reconciled against the submitted ids;
 *   <li>one row for every submitted custom_id still without one ({@link UnansweredRows}).
 * </ol>
 *
 * A batch still running, or a query that reads only {@code custom_id}/{@code batch_id}, needs the
 * input file alone ({@link InputIdRows}). A job with a responseSchema has each answer decoded
 * ({@link ParsedContent}) only when the query reads {@code parsed} or a column decoding can change
 * (status, error_code, error_message). Rows are built by the codec's {@link ResultRowBuilder};
 * counts go to {@link ReadCounters}.
 *
 * <p>Memory: only the batch's custom_ids are held, about 30 bytes per request ({@link
 * SubmittedIds}), so under 2 MB for Together's limit of 50,000 requests per batch; result lines are
 * decoded one at a time (one line in memory). A {@code pending} batch streams its input file and
 * holds nothing.
 */
final class TogetherPartitionReader implements PartitionReader<InternalRow> {
  private static final Logger LOG = LoggerFactory.getLogger(TogetherPartitionReader.class);

  private final TogetherInputPartition part;
  private final int[] columns;
  private final boolean idsOnly;
  private final BatchFiles files;
  private final JobFolder jobFolder;
  private final ResultRowBuilder rows;
  private final ReadCounters counters = new ReadCounters();

  /** The phases still to read, in order; each is dropped once read. */
  private final List<RowSource> sources = new ArrayList<>();

  private int at;
  private boolean started;
  private boolean finished;
  private InternalRow current;

  /** Decodes answers into parsed (and checks them) when the query needs it; else null. */
  private final ParsedContent parsing;

  TogetherPartitionReader(TogetherInputPartition part, int[] columns) {
    this(part, columns, null, null);
  }

  /**
   * @param parsed the decoding of the column parsed, or null when the job has no responseSchema
   * @param jobFolder reaches the batch's custom_id record at the job path; null to reconcile from
   *     the input file
   */
  TogetherPartitionReader(
      TogetherInputPartition part, int[] columns, ParsedContent parsed, JobFolder jobFolder) {
    this.part = part;
    this.columns = columns;
    this.jobFolder = part.idRecord() == null ? null : jobFolder;
    this.rows = new ResultRowBuilder(columns, part.batchId(), part.attempt(), part.prices());
    this.parsing = parsed != null && rows.needsParsing() ? parsed.fresh() : null;
    this.idsOnly =
        (part.inputFileId() != null || this.jobFolder != null)
            && (!rows.needsResults() || part.mode() == TogetherInputPartition.Mode.PENDING);
    this.files = new BatchFiles(part);
  }

  @Override
  public boolean next() throws IOException {
    if (!started) {
      start();
      started = true;
    }
    while (at < sources.size()) {
      RowSource s = sources.get(at);
      if (s.next()) {
        current = s.row();
        return true;
      }
      s.close();
      sources.set(at++, null);
    }
    finish();
    return false;
  }

  @Override
  public InternalRow get() {
    return current;
  }

  /** Reads what the batch needs first (its input file) and lines up the phases. */
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
    boolean inputKnown = part.inputFileId() != null || jobFolder != null;
    SubmittedIds submitted = null;
    if (idsOnly) {
      try {
        // Read the first request now, so that a deleted input file falls back to the results.
        sources.add(
            InputIdRows.open(
                this::openIds, files, part.inputFileId(), pendingMode, rows, counters));
        return;
      } catch (IOException e) {
        if (pendingMode || !BatchFiles.isGone(e)) {
          throw files.downloadFailed("input", part.inputFileId(), e);
        }
        inputKnown = false;
      }
    } else if (inputKnown) {
      try {
        submitted = readSubmitted();
      } catch (IOException e) {
        if (pendingMode || !BatchFiles.isGone(e)) {
          throw files.downloadFailed("input", part.inputFileId(), e);
        }
        inputKnown = false;
      }
    }
    Set<String> seenWithoutInput = null;
    if (!inputKnown) {
      LOG.warn(
          "Batch {}: its input file {} is unknown or no longer exists at Together; its results "
              + "are returned without reconciliation (no missing rows can be reported)",
          part.batchId(),
          part.inputFileId() == null ? "(none given)" : part.inputFileId());
      seenWithoutInput = new HashSet<>();
    }
    if (pendingMode) {
      // No input file known: nothing to list as pending.
      return;
    }
    ResultDecoder decoder =
        new ResultDecoder(
            rows.wantsContent() || parsing != null,
            rows.wantsReasoning(),
            rows.wantsToolCalls(),
            rows.wantsResponse());
    DecodedResult result = new DecodedResult();
    for (String kind : new String[] {"output", "error"}) {
      sources.add(
          new ResultFileRows(
              files,
              part.batchId(),
              kind,
              kind.equals("output") ? part.outputFileId() : part.errorFileId(),
              submitted,
              seenWithoutInput,
              decoder,
              result,
              parsing,
              rows,
              counters));
    }
    if (submitted != null) {
      sources.add(new UnansweredRows(submitted, part, rows, counters));
    }
  }

  /**
   * The batch's custom_ids, in input-file order: from its record at the job path when the job has
   * one, else (older jobs, a record gone) from the input file at Together.
   */
  private IdStream openIds() throws IOException {
    if (jobFolder != null) {
      try {
        return CustomIdRecord.reader(jobFolder.open(part.idRecord()));
      } catch (FileNotFoundException e) {
        if (part.inputFileId() == null) {
          throw e;
        }
        LOG.warn(
            "Batch {}: its custom_id record {} is gone; reconciling from its input file {}",
            part.batchId(),
            part.idRecord(),
            part.inputFileId());
      }
    }
    return new RequestIds(files.open(part.inputFileId(), "input"));
  }

  /** The batch's custom_ids, in file order. */
  private SubmittedIds readSubmitted() throws IOException {
    SubmittedIds ids = new SubmittedIds();
    try (IdStream in = openIds()) {
      while (in.next()) {
        if (in.id() == null) {
          counters.inputWithoutId++;
        } else {
          ids.add(in.id());
        }
      }
    }
    LOG.debug("Batch {}: {} submitted requests", part.batchId(), ids.size());
    return ids;
  }

  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    counters.logSummary(part, files.stats());
  }

  @Override
  public CustomTaskMetric[] currentMetricsValues() {
    return counters.metrics(files.stats());
  }

  @Override
  public void close() {
    for (RowSource s : sources) {
      if (s != null) {
        s.close();
      }
    }
    sources.clear();
    files.close();
  }

  /** For tests: result lines whose custom_id was not submitted. */
  long unknownResults() {
    return counters.unknown;
  }
}
