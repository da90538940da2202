package io.github.sparktogetherbatch.stream;

import io.github.sparktogetherbatch.write.EpochWrite;
import org.apache.spark.sql.connector.write.streaming.StreamingWrite;

/**
 * The streaming sink's entry point: {@code df.writeStream().format("together-batch")...start(path)}
 * turns each micro-batch into requests of batches of the job at {@code path}, through the batch
 * write's tasks and manifest protocol ({@link EpochWrite}), committed once per epoch.
 */
public final class StreamSink {
  private StreamSink() {}

  /** Spark's {@code StreamingWrite} for one micro-batch's write. */
  public static StreamingWrite streamingWrite(EpochWrite epochWrite) {
    return new TogetherStreamingWrite(epochWrite);
  }
}
