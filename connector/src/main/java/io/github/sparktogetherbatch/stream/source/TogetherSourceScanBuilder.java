package io.github.sparktogetherbatch.stream.source;

import io.github.sparktogetherbatch.config.ReadConfig;
import io.github.sparktogetherbatch.read.TogetherScanBuilder;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.types.StructType;

/**
 * The read of a job's results as a batch read or a stream: the batch read's {@link
 * TogetherScanBuilder}, whose scan also turns into a {@link TogetherMicroBatchStream}.
 */
public final class TogetherSourceScanBuilder
    implements ScanBuilder, SupportsPushDownRequiredColumns {
  private final TogetherScanBuilder read;
  private final ReadConfig config;

  public TogetherSourceScanBuilder(TogetherScanBuilder read, ReadConfig config) {
    this.read = read;
    this.config = config;
  }

  @Override
  public void pruneColumns(StructType requiredSchema) {
    read.pruneColumns(requiredSchema);
  }

  @Override
  public Scan build() {
    return new TogetherSourceScan(read.build(), read, config);
  }
}
