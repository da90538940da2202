package io.github.sparktogetherbatch.write;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.connector.write.WriterCommitMessage;

/**
 * What one task uploaded: its input files (id, name, requests, bytes) and, when ids come from a
 * column, the sorted {@link IdDigest}s of its custom_ids, so the driver can find duplicates across
 * tasks before it creates any batch.
 */
final class TogetherWriterCommitMessage implements WriterCommitMessage {
  private static final long serialVersionUID = 1L;

  /** One uploaded batch input file. */
  record UploadedFile(String fileId, String fileName, long requests, long bytes)
      implements Serializable {}

  private final int partitionId;
  private final long taskId;
  private final int attemptNumber;
  private final List<UploadedFile> files;
  private final long[] idDigests;
  private final long httpRetries;

  TogetherWriterCommitMessage(int partitionId, long taskId, int attemptNumber,
      List<UploadedFile> files, long[] idDigests) {
    this(partitionId, taskId, attemptNumber, files, idDigests, 0);
  }

  TogetherWriterCommitMessage(int partitionId, long taskId, int attemptNumber,
      List<UploadedFile> files, long[] idDigests, long httpRetries) {
    this.partitionId = partitionId;
    this.taskId = taskId;
    this.attemptNumber = attemptNumber;
    this.files = List.copyOf(files);
    this.idDigests = idDigests;
    this.httpRetries = httpRetries;
  }

  int partitionId() {
    return partitionId;
  }

  long taskId() {
    return taskId;
  }

  int attemptNumber() {
    return attemptNumber;
  }

  List<UploadedFile> files() {
    return files;
  }

  /** Sorted digests of this task's custom_ids; null when ids are derived (unique by design). */
  long[] idDigests() {
    return idDigests;
  }

  /** HTTP requests the task's uploads repeated after a transient fault. */
  long httpRetries() {
    return httpRetries;
  }

  long requests() {
    long n = 0;
    for (UploadedFile f : files) {
      n += f.requests();
    }
    return n;
  }

  @Override
  public String toString() {
    return "TogetherWriterCommitMessage{partition=" + partitionId + ", task=" + taskId
        + ", attempt=" + attemptNumber + ", files=" + files + "}";
  }
}
