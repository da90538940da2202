package io.github.sparktogetherbatch.read;

import io.github.sparktogetherbatch.codec.ResultSchema;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;

/**
 * Creates a {@link TogetherPartitionReader} per batch on the executors; carries the column list.
 */
final class TogetherPartitionReaderFactory implements PartitionReaderFactory {
  private static final long serialVersionUID = 1L;

  /** The output columns, as positions in {@link ResultSchema#SCHEMA}. */
  private final int[] columns;

  TogetherPartitionReaderFactory(int[] columns) {
    this.columns = columns.clone();
  }

  @Override
  public PartitionReader<InternalRow> createReader(InputPartition partition) {
    if (partition instanceof AttemptGroupPartition) {
      return new AttemptGroupReader((AttemptGroupPartition) partition, columns);
    }
    return new TogetherPartitionReader((TogetherInputPartition) partition, columns);
  }
}
