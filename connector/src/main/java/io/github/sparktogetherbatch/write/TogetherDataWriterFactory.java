package io.github.sparktogetherbatch.write;

import io.github.sparktogetherbatch.codec.InputMapping;
import io.github.sparktogetherbatch.config.WriteConfig;
import io.github.sparktogetherbatch.ids.DigestFiles;
import io.github.sparktogetherbatch.manifest.JobFolder;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.DataWriterFactory;

/**
 * Sent to executors: the parsed options, the resolved input mapping, the write's id and, when ids
 * come from a column, where large tasks leave their custom_id digests; the job path's files ({@link
 * JobFolder}: custom_id records, small files to pack, the write's markers).
 */
final class TogetherDataWriterFactory implements DataWriterFactory {
  private static final long serialVersionUID = 1L;

  private final WriteConfig config;
  private final InputMapping mapping;
  private final String writeId;
  private final DigestFiles digestFiles;
  private final JobFolder jobFolder;

  TogetherDataWriterFactory(
      WriteConfig config,
      InputMapping mapping,
      String writeId,
      DigestFiles digestFiles,
      JobFolder jobFolder) {
    this.config = config;
    this.mapping = mapping;
    this.writeId = writeId;
    this.digestFiles = digestFiles;
    this.jobFolder = jobFolder;
  }

  @Override
  public DataWriter<InternalRow> createWriter(int partitionId, long taskId) {
    return new TogetherDataWriter(
        config, mapping, writeId, partitionId, taskId, digestFiles, jobFolder);
  }

  @Override
  public String toString() {
    return "TogetherDataWriterFactory{write=" + writeId + ", " + mapping + "}";
  }
}
