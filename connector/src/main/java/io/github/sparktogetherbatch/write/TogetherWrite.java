package io.github.sparktogetherbatch.write;

import io.github.sparktogetherbatch.codec.InputMapping;
import io.github.sparktogetherbatch.config.WriteConfig;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import io.github.sparktogetherbatch.metrics.WriteMetrics;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.write.BatchWrite;
import org.apache.spark.sql.connector.write.Write;
import org.apache.spark.sql.connector.write.streaming.StreamingWrite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A planned write of a DataFrame as Together batches to one job path. */
final class TogetherWrite implements Write {
  private static final Logger LOG = LoggerFactory.getLogger(TogetherWrite.class);
  private final WriteConfig config;
  private final InputMapping mapping;
  private final boolean truncate;
  private final String queryId;
  private final Function<EpochWrite, StreamingWrite> streaming;
  private final String writeId = UUID.randomUUID().toString();
  private final AtomicLong batchesCreated = new AtomicLong();
  private final AtomicLong httpRetries = new AtomicLong();
  private TogetherBatchWrite batchWrite;

  TogetherWrite(
      WriteConfig config,
      InputMapping mapping,
      boolean truncate,
      String queryId,
      Function<EpochWrite, StreamingWrite> streaming) {
    this.config = config;
    this.mapping = mapping;
    this.truncate = truncate;
    this.queryId = queryId;
    this.streaming = streaming;
  }

  @Override
  public String description() {
    return "together-batch "
        + (truncate ? "overwrite of " : "write to ")
        + config.path()
        + " ("
        + mapping.endpoint()
        + (mapping.model() == null ? "" : ", model " + mapping.model())
        + ")";
  }

  @Override
  public synchronized BatchWrite toBatch() {
    if (batchWrite == null) {
      if (!config.maxCarryDelay().isZero()) {
        LOG.warn(
            "Option 'maxCarryDelay' applies to streaming writes only; the batch write to {} "
                + "submits its rows (and any rows the job carries) now",
            config.path());
      }
      batchWrite =
          new TogetherBatchWrite(config, mapping, writeId, truncate, batchesCreated, httpRetries);
    }
    return batchWrite;
  }

  /**
   * One micro-batch of a streaming query (Spark plans a write per micro-batch, with the query's
   * persistent id). Append output mode only: complete mode arrives here as a truncate, which would
   * replace the job, cancelling its batches, at every micro-batch.
   */
  @Override
  public StreamingWrite toStreaming() {
    if (truncate) {
      throw new TogetherConfigException(
          "A streaming query adds requests to the together-batch job at "
              + config.path()
              + " and never replaces it: use outputMode(\"append\") (complete mode would "
              + "cancel and replace the job's batches at every micro-batch).");
    }
    if (streaming == null) {
      throw new UnsupportedOperationException("This write is not part of a streaming query");
    }
    String epochWriteId = WriteFileNames.streamingWriteId(queryId);
    TogetherBatchWrite write =
        new TogetherBatchWrite(config, mapping, epochWriteId, false, batchesCreated, httpRetries);
    return streaming.apply(new EpochWrite(write, queryId, config.path()));
  }

  @Override
  public CustomMetric[] supportedCustomMetrics() {
    return WriteMetrics.supported();
  }

  /**
   * Driver-side metric values (batches created, HTTP retries of the whole write). Spark 4.x
   * declares and calls this method on {@code Write}; on Spark 3.5 it is a plain method (hence no
   * {@code @Override}).
   */
  public CustomTaskMetric[] reportDriverMetrics() {
    return new CustomTaskMetric[] {
      WriteMetrics.value(WriteMetrics.BATCHES_CREATED, batchesCreated.get()),
      WriteMetrics.value(WriteMetrics.HTTP_RETRIES, httpRetries.get())
    };
  }

  String writeId() {
    return writeId;
  }

  @Override
  public String toString() {
    return description();
  }
}
