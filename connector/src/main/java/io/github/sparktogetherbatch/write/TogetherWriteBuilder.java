package io.github.sparktogetherbatch.write;

import io.github.sparktogetherbatch.config.WriteConfig;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.WriteBuilder;

/** Placeholder: the write side is being built (issue 3). */
public final class TogetherWriteBuilder implements WriteBuilder {
  private final LogicalWriteInfo info;
  private final WriteConfig config;

  public TogetherWriteBuilder(LogicalWriteInfo info, WriteConfig config) {
    this.info = info;
    this.config = config;
  }
}
