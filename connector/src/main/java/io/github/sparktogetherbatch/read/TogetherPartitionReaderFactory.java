package io.github.sparktogetherbatch.read;

import io.github.sparktogetherbatch.codec.ParsedContent;
import io.github.sparktogetherbatch.codec.ResultSchema;
import io.github.sparktogetherbatch.manifest.JobFolder;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;

/**
 * Creates a {@link TogetherPartitionReader} per batch on the executors; carries the column list and
 * the job path's files (for the custom_id records).
 */
final class TogetherPartitionReaderFactory implements PartitionReaderFactory {
  private static final long serialVersionUID = 1L;

  /** The output columns, as positions in {@link ResultSchema#SCHEMA}. */
  private final int[] columns;

  /** The decoding of the column parsed, or null when the job has no responseSchema. */
  private final ParsedContent parsed;

  /** Reaches the job path's custom_id records; null when the read has no job path. */
  private final JobFolder jobFolder;

  TogetherPartitionReaderFactory(int[] columns, ParsedContent parsed, JobFolder jobFolder) {
    this.columns = columns.clone();
    this.parsed = parsed;
    this.jobFolder = jobFolder;
  }

  @Override
  public PartitionReader<InternalRow> createReader(InputPartition partition) {
    if (partition instanceof AttemptGroupPartition) {
      return new AttemptGroupReader((AttemptGroupPartition) partition, columns, parsed, jobFolder);
    }
    return new TogetherPartitionReader(
        (TogetherInputPartition) partition, columns, parsed, jobFolder);
  }
}
