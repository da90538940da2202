package io.github.sparktogetherbatch.write;

import io.github.sparktogetherbatch.config.WriteConfig;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.DataWriterFactory;

/** Sent to executors: the parsed options, the resolved input mapping and the write's id. */
final class TogetherDataWriterFactory implements DataWriterFactory {
  private static final long serialVersionUID = 1L;

  private final WriteConfig config;
  private final InputMapping mapping;
  private final String writeId;

  TogetherDataWriterFactory(WriteConfig config, InputMapping mapping, String writeId) {
    this.config = config;
    this.mapping = mapping;
    this.writeId = writeId;
  }

  @Override
  public DataWriter<InternalRow> createWriter(int partitionId, long taskId) {
    return new TogetherDataWriter(config, mapping, writeId, partitionId, taskId);
  }

  @Override
  public String toString() {
    return "TogetherDataWriterFactory{write=" + writeId + ", " + mapping + "}";
  }
}
