package io.github.sparktogetherbatch.read;

import io.github.sparktogetherbatch.config.ReadConfig;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;

/** Placeholder: the read side is being built (issue 4). */
public final class TogetherScanBuilder implements ScanBuilder {
  private final ReadConfig config;

  public TogetherScanBuilder(ReadConfig config) {
    this.config = config;
  }

  @Override
  public Scan build() {
    throw new UnsupportedOperationException("Reading is not implemented yet: " + config.path());
  }
}
