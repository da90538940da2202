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
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an {@link AttemptGroupPartition}: one row per request of the first submissions, its latest
 * outcome across attempts. The first submissions' input files give the requests (held as in {@link
 * TogetherPartitionReader}); then, in phases, each a {@link RowSource} that marks the ids it gives
 * a row:
 *
 * <ol>
 *   <li>the successes in the resubmissions' output files (a success from any attempt wins);
 *   <li>per attempt, latest first: its batches' output and error files, then its requests still
 *       without a row (pending, missing or failed with that batch);
 *   <li>the first submissions as a plain batch is read: result files, then the requests left.
 * </ol>
 *
 * The first submissions' custom_ids come from their records at the job path when the job has them
 * (else from their input files). When a first submission's input file is unknown or gone, rows are
 * not reconciled against it (ids seen are remembered instead), as for a single batch.
 */
final class AttemptGroupReader implements PartitionReader<InternalRow> {
  private static final Logger LOG = LoggerFactory.getLogger(AttemptGroupReader.class);

  private final AttemptGroupPartition group;
  private final int[] columns;
  private final List<BatchFiles> files = new ArrayList<>();
  private final ReadCounters counters = new ReadCounters();
  private final List<RowSource> sources = new ArrayList<>();
  private int at;
  private boolean started;
  private InternalRow current;

  /** The first batch's files: the task's metrics report its client. */
  private final BatchFiles metricsFiles;

  /** Reaches the custom_id records at the job path; null when the job has none. */
  private final JobFolder jobFolder;

  /** The decoding of the column parsed, or null when the job has no responseSchema. */
  private final ParsedContent parsed;

  AttemptGroupReader(
      AttemptGroupPartition group, int[] columns, ParsedContent parsed, JobFolder jobFolder) {
    this.group = group;
    this.columns = columns;
    this.parsed = parsed;
    this.jobFolder = jobFolder;
    this.metricsFiles =
        filesOf(group.firsts().isEmpty() ? group.resubmissions().get(0) : group.firsts().get(0));
  }

  @Override
  public boolean next() throws IOException {
    if (!started) {
      started = true;
      start();
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
    return false;
  }

  @Override
  public InternalRow get() {
    return current;
  }

  private BatchFiles filesOf(TogetherInputPartition p) {
    BatchFiles f = new BatchFiles(p);
    files.add(f);
    return f;
  }

  private static ResultRowBuilder rowsOf(TogetherInputPartition p, int[] columns) {
    return new ResultRowBuilder(columns, p.batchId(), p.attempt(), p.prices());
  }

  private void start() throws IOException {
    List<TogetherInputPartition> firsts = group.firsts();
    SubmittedIds all = new SubmittedIds();
    int[] bounds = new int[firsts.size() + 1];
    boolean known = !firsts.isEmpty();
    for (int j = 0; j < firsts.size(); j++) {
      TogetherInputPartition p = firsts.get(j);
      bounds[j] = all.size();
      if (known && (p.inputFileId() != null || hasRecord(p))) {
        try (IdStream in = openIds(p)) {
          while (in.next()) {
            if (in.id() != null) {
              all.add(in.id());
            }
          }
        } catch (IOException | RuntimeException e) {
          if (!BatchFiles.isGone(e)) {
            throw e;
          }
          known = false;
        }
      } else {
        known = false;
      }
    }
    bounds[firsts.size()] = all.size();
    SubmittedIds submitted = known ? all : null;
    Set<String> seen = known ? null : new HashSet<>();
    if (!known) {
      LOG.warn(
          "Batches {}: an input file of a first submission is unknown or gone; results are "
              + "returned without reconciliation (no missing rows for the first submissions)",
          firsts);
    }
    ResultRowBuilder probe = new ResultRowBuilder(columns, "");
    ParsedContent parsing = parsed != null && probe.needsParsing() ? parsed.fresh() : null;
    this.parsing = parsing;
    ResultDecoder decoder =
        new ResultDecoder(
            probe.wantsContent() || parsing != null,
            probe.wantsReasoning(),
            probe.wantsToolCalls(),
            probe.wantsResponse());
    DecodedResult result = new DecodedResult();
    List<TogetherInputPartition> later = group.resubmissions();
    for (TogetherInputPartition p : later) {
      if (p.mode() != TogetherInputPartition.Mode.PENDING) {
        sources.add(resultRows(p, "output", submitted, seen, decoder, result).successesOnly());
      }
    }
    int i = 0;
    while (i < later.size()) {
      int attempt = later.get(i).attempt();
      int j = i;
      while (j < later.size() && later.get(j).attempt() == attempt) {
        j++;
      }
      for (TogetherInputPartition p : later.subList(i, j)) {
        if (p.mode() != TogetherInputPartition.Mode.PENDING) {
          sources.add(resultRows(p, "output", submitted, seen, decoder, result));
          sources.add(resultRows(p, "error", submitted, seen, decoder, result));
        }
      }
      for (TogetherInputPartition p : later.subList(i, j)) {
        sources.add(new ResubmittedRows(p, filesOf(p), submitted, seen, rowsOf(p, columns)));
      }
      i = j;
    }
    for (int k = 0; k < firsts.size(); k++) {
      TogetherInputPartition p = firsts.get(k);
      if (p.mode() != TogetherInputPartition.Mode.PENDING) {
        sources.add(resultRows(p, "output", submitted, seen, decoder, result));
        sources.add(resultRows(p, "error", submitted, seen, decoder, result));
      }
      if (submitted != null) {
        sources.add(
            new UnansweredRows(
                submitted, bounds[k], bounds[k + 1], p, rowsOf(p, columns), counters));
      }
    }
  }

  /** Decodes answers into parsed when the query needs it; else null. */
  private ParsedContent parsing;

  private boolean hasRecord(TogetherInputPartition p) {
    return jobFolder != null && p.idRecord() != null;
  }

  /**
   * A first submission's custom_ids: its record at the job path when it has one (and it is still
   * there), else its input file at Together.
   */
  private IdStream openIds(TogetherInputPartition p) throws IOException {
    if (hasRecord(p)) {
      try {
        return CustomIdRecord.reader(jobFolder.open(p.idRecord()));
      } catch (FileNotFoundException e) {
        if (p.inputFileId() == null) {
          throw e;
        }
        LOG.warn(
            "Batch {}: its custom_id record {} is gone; reconciling from its input file {}",
            p.batchId(),
            p.idRecord(),
            p.inputFileId());
      }
    }
    return new RequestIds(filesOf(p).open(p.inputFileId(), "input"));
  }

  private ResultFileRows resultRows(
      TogetherInputPartition p,
      String kind,
      SubmittedIds submitted,
      Set<String> seen,
      ResultDecoder decoder,
      DecodedResult result) {
    return new ResultFileRows(
        filesOf(p),
        p.batchId(),
        kind,
        kind.equals("output") ? p.outputFileId() : p.errorFileId(),
        submitted,
        seen,
        decoder,
        result,
        parsing,
        rowsOf(p, columns),
        counters);
  }

  /**
   * The requests of one resubmission still without a row once the result files of its attempt were
   * read: its recorded custom_ids (else its input file's), each pending, missing or failed with
   * this batch.
   */
  private final class ResubmittedRows implements RowSource {
    private final TogetherInputPartition part;
    private final BatchFiles batchFiles;
    private final SubmittedIds submitted;
    private final Set<String> seen;
    private final UnansweredRows outcome;
    private Iterator<String> recorded;
    private IdStream input;
    private InternalRow row;

    ResubmittedRows(
        TogetherInputPartition part,
        BatchFiles batchFiles,
        SubmittedIds submitted,
        Set<String> seen,
        ResultRowBuilder rows) {
      this.part = part;
      this.batchFiles = batchFiles;
      this.submitted = submitted;
      this.seen = seen;
      this.outcome = new UnansweredRows(new SubmittedIds(), 0, 0, part, rows, counters);
    }

    private String nextId() throws IOException {
      if (recorded == null && input == null) {
        if (part.recordedIds() != null) {
          recorded = part.recordedIds().iterator();
        } else if (hasRecord(part)) {
          input = CustomIdRecord.reader(jobFolder.open(part.idRecord()));
        } else if (part.inputFileId() != null) {
          input = new RequestIds(batchFiles.open(part.inputFileId(), "input"));
        } else {
          return null;
        }
      }
      if (recorded != null) {
        return recorded.hasNext() ? recorded.next() : null;
      }
      while (input.next()) {
        if (input.id() != null) {
          return input.id();
        }
      }
      return null;
    }

    @Override
    public boolean next() throws IOException {
      String id;
      while ((id = nextId()) != null) {
        if (submitted != null) {
          int i = submitted.indexOf(id);
          if (i < 0 || submitted.hasRow(i)) {
            continue;
          }
          submitted.markRow(i);
        } else if (!seen.add(id)) {
          continue;
        }
        row = outcome.rowFor(id);
        return true;
      }
      return false;
    }

    @Override
    public InternalRow row() {
      return row;
    }

    @Override
    public void close() {
      if (input != null) {
        try {
          input.close();
        } catch (IOException ignored) {
          // nothing left to read from it
        }
        input = null;
      }
    }
  }

  @Override
  public CustomTaskMetric[] currentMetricsValues() {
    return counters.metrics(metricsFiles.stats());
  }

  @Override
  public void close() {
    for (RowSource s : sources) {
      if (s != null) {
        s.close();
      }
    }
    sources.clear();
    for (BatchFiles f : files) {
      f.close();
    }
    files.clear();
  }
}
