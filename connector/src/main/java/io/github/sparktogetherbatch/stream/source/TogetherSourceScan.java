package io.github.sparktogetherbatch.stream.source;

import io.github.sparktogetherbatch.config.ReadConfig;
import io.github.sparktogetherbatch.manifest.HadoopConfs;
import io.github.sparktogetherbatch.read.TogetherScanBuilder;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.streaming.MicroBatchStream;
import org.apache.spark.sql.types.StructType;

/**
 * A scan of a job's results: {@link #toBatch()} is the batch read's scan, unchanged; {@link
 * #toMicroBatchStream} the streaming source, keeping its log under Spark's checkpoint folder for
 * this source.
 */
final class TogetherSourceScan implements Scan {
  private final Scan batch;
  private final TogetherScanBuilder read;
  private final ReadConfig config;

  TogetherSourceScan(Scan batch, TogetherScanBuilder read, ReadConfig config) {
    this.batch = batch;
    this.read = read;
    this.config = config;
  }

  @Override
  public StructType readSchema() {
    return batch.readSchema();
  }

  @Override
  public String description() {
    return batch.description();
  }

  @Override
  public Batch toBatch() {
    return batch.toBatch();
  }

  @Override
  public MicroBatchStream toMicroBatchStream(String checkpointLocation) {
    return new TogetherMicroBatchStream(
        config,
        read.finishedBatchPlanner(HadoopConfs.forSession(SparkSession.active())),
        HadoopConfs.forSession(SparkSession.active()),
        checkpointLocation);
  }

  @Override
  public CustomMetric[] supportedCustomMetrics() {
    return batch.supportedCustomMetrics();
  }

  @Override
  public CustomTaskMetric[] reportDriverMetrics() {
    return batch.reportDriverMetrics();
  }

  @Override
  public String toString() {
    return batch.toString();
  }
}
