package io.github.sparktogetherbatch.read;

import io.github.sparktogetherbatch.codec.DecodedResult;
import io.github.sparktogetherbatch.codec.ParsedContent;
import io.github.sparktogetherbatch.codec.ResultDecoder;
import io.github.sparktogetherbatch.codec.ResultLines;
import io.github.sparktogetherbatch.codec.ResultRowBuilder;
import java.io.IOException;
import java.util.Set;
import org.apache.spark.sql.catalyst.InternalRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rows of one result file (output or error), line by line: each line decoded straight into a
 * row, unless it has no readable custom_id (unreadable), its custom_id was not submitted (unknown,
 * not returned) or already has a row (a duplicate, dropped). The output file is read first, so a
 * custom_id found in both files keeps its output-file (success) row. The file is opened on the
 * first call of {@link #next}.
 */
final class ResultFileRows implements RowSource {
  private static final Logger LOG = LoggerFactory.getLogger(ResultFileRows.class);

  private final BatchFiles files;
  private final String batchId;
  private final String kind;
  private final String fileId;
  private final SubmittedIds submitted;
  private final Set<String> seenWithoutInput;
  private final ResultDecoder decoder;
  private final DecodedResult result;
  private final ParsedContent parsing;
  private final ResultRowBuilder rows;
  private final ReadCounters counters;
  private ResultLines lines;
  private boolean opened;
  private boolean successesOnly;
  private InternalRow current;

  /**
   * @param kind {@code output} or {@code error}
   * @param fileId null when the batch has no such file
   * @param submitted the batch's custom_ids, marked as they get a row; null when the input file is
   *     unknown
   * @param seenWithoutInput the ids that have a row when {@code submitted} is null, else null
   * @param parsing decodes each answer into parsed (failing those that do not fit), or null
   */
  ResultFileRows(
      BatchFiles files,
      String batchId,
      String kind,
      String fileId,
      SubmittedIds submitted,
      Set<String> seenWithoutInput,
      ResultDecoder decoder,
      DecodedResult result,
      ParsedContent parsing,
      ResultRowBuilder rows,
      ReadCounters counters) {
    this.files = files;
    this.batchId = batchId;
    this.kind = kind;
    this.fileId = fileId;
    this.submitted = submitted;
    this.seenWithoutInput = seenWithoutInput;
    this.decoder = decoder;
    this.result = result;
    this.parsing = parsing;
    this.rows = rows;
    this.counters = counters;
  }

  /**
   * Makes this source return successes only, leaving failures for a later pass (a success from any
   * attempt of a request wins over its failures).
   */
  ResultFileRows successesOnly() {
    this.successesOnly = true;
    return this;
  }

  @Override
  public boolean next() throws IOException {
    if (!opened) {
      opened = true;
      if (fileId != null) {
        lines = new ResultLines(files.open(fileId, kind));
      }
    }
    if (lines == null) {
      return false;
    }
    while (true) {
      try {
        if (!lines.next()) {
          return false;
        }
      } catch (IOException e) {
        throw files.downloadFailed(kind, fileId, e);
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
        counters.unreadable++;
        if (LOG.isDebugEnabled()) {
          LOG.debug("Batch {}: unreadable {} line ({})", batchId, kind, outcome);
        }
        continue;
      }
      if (successesOnly && result.failed()) {
        continue;
      }
      String id = result.customId();
      if (submitted != null) {
        int i = submitted.indexOf(id);
        if (i < 0) {
          counters.unknown++;
          continue;
        }
        if (submitted.hasRow(i)) {
          counters.duplicates++;
          continue;
        }
        submitted.markRow(i);
      } else if (!seenWithoutInput.add(id)) {
        counters.duplicates++;
        continue;
      }
      if (parsing != null) {
        parsing.apply(result);
        counters.parsed++;
      }
      counters.result(result);
      current = rows.result(result);
      return true;
    }
  }

  @Override
  public InternalRow row() {
    return current;
  }

  @Override
  public void close() {
    if (lines != null) {
      try {
        lines.close();
      } catch (IOException ignored) {
        // nothing left to read from it
      }
      lines = null;
    }
  }
}
