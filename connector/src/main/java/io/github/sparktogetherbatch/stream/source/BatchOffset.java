package io.github.sparktogetherbatch.stream.source;

import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.connector.read.streaming.Offset;

/**
 * The source's offset: how many entries of the {@link FinishedBatchLog} were emitted up to here, as
 * {@code {"finishedBatches":n}}. Batches finish in any order; the log fixes one order, so a number
 * is enough.
 */
final class BatchOffset extends Offset {
  private static final Pattern JSON =
      Pattern.compile("\\s*\\{\\s*\"finishedBatches\"\\s*:\\s*(\\d+)\\s*}\\s*");

  private final long finished;

  BatchOffset(long finished) {
    if (finished < 0) {
      throw new IllegalArgumentException("negative offset " + finished);
    }
    this.finished = finished;
  }

  /** The number of log entries emitted up to this offset. */
  long finished() {
    return finished;
  }

  static BatchOffset parse(String json) {
    Matcher m = JSON.matcher(json);
    if (!m.matches()) {
      throw new TogetherConfigException(
          "The checkpoint holds the offset '"
              + json
              + "', which is not an offset of the together-batch source (expected"
              + " {\"finishedBatches\":n}). Use a new checkpointLocation for this query.");
    }
    return new BatchOffset(Long.parseLong(m.group(1)));
  }

  @Override
  public String json() {
    return "{\"finishedBatches\":" + finished + "}";
  }
}
