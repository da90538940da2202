package io.github.sparktogetherbatch.read;

import io.github.sparktogetherbatch.codec.ParsedContent;
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

  /** The decoding of the column parsed, or null when the job has no responseSchema. */
  private final ParsedContent parsed;

  TogetherPartitionReaderFactory(int[] columns, ParsedContent parsed) {
    this.columns = columns.clone();
    this.parsed = parsed;
  }

  @Override
  public PartitionReader<InternalRow> createReader(InputPartition partition) {
    return new TogetherPartitionReader((TogetherInputPartition) partition, columns, parsed);
  }
}
