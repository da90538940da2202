package io.github.sparktogetherbatch.write;

import io.github.sparktogetherbatch.ids.TaskIds;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.connector.write.WriterCommitMessage;

/**
 * What one task uploaded: its input files (id, name, requests, bytes, custom_id record), the small
 * files it left at the job path for the driver to pack ({@link SmallFilePacker}), and, when ids
 * come from a column, where the sorted digests of its custom_ids are, so the driver can find
 * duplicates across tasks before it creates any batch ({@link
 * io.github.sparktogetherbatch.ids.WriteDuplicateCheck}): in this message when there are few enough
 * (64 KB), else in a file next to the job ({@link io.github.sparktogetherbatch.ids.DigestFiles}).
 */
final class TogetherWriterCommitMessage implements WriterCommitMessage, TaskIds {
  private static final long serialVersionUID = 1L;

  /**
   * One uploaded batch input file.
   *
   * @param customIds its custom_id record, relative to the job path (as the manifest names it)
   * @param record the same record's absolute path
   */
  record UploadedFile(
      String fileId, String fileName, long requests, long bytes, String customIds, String record)
      implements Serializable {}

  /**
   * A small staged file copied to the job path for the driver to pack into a shared batch.
   *
   * @param path the staged JSONL at the job path (absolute)
   * @param record its custom_id record at the job path (absolute)
   */
  record SmallFile(String path, String record, String fileName, long requests, long bytes)
      implements Serializable {}

  private final int partitionId;
  private final long taskId;
  private final int attemptNumber;
  private final List<UploadedFile> files;
  private final List<SmallFile> small;
  private final long[] idDigests;
  private final String digestFile;
  private final long idCount;
  private final long httpRetries;
  private long stagedRequests;
  private long stagedBytes;

  /**
   * @param idDigests the sorted digests, when they travel in the message
   * @param digestFile else the file that holds them, sorted; both null when ids are derived
   */
  TogetherWriterCommitMessage(
      int partitionId,
      long taskId,
      int attemptNumber,
      List<UploadedFile> files,
      List<SmallFile> small,
      long[] idDigests,
      String digestFile,
      long idCount,
      long httpRetries) {
    this.partitionId = partitionId;
    this.taskId = taskId;
    this.attemptNumber = attemptNumber;
    this.files = List.copyOf(files);
    this.small = List.copyOf(small);
    this.idDigests = idDigests;
    this.digestFile = digestFile;
    this.idCount = idCount;
    this.httpRetries = httpRetries;
  }

  @Override
  public int partitionId() {
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

  /** The small files the task left at the job path for the driver to pack. */
  List<SmallFile> small() {
    return small;
  }

  @Override
  public List<String> idRecords() {
    List<String> out = new ArrayList<>(files.size() + small.size());
    for (UploadedFile f : files) {
      out.add(f.record());
    }
    for (SmallFile f : small) {
      out.add(f.record());
    }
    return out;
  }

  /** Sorted digests of this task's custom_ids when they travel in the message, else null. */
  @Override
  public long[] idDigests() {
    return idDigests;
  }

  /** The file holding this task's sorted digests when they did not fit the message, else null. */
  @Override
  public String digestFile() {
    return digestFile;
  }

  /** How many custom_ids (digests) the task wrote. */
  @Override
  public long idCount() {
    return idCount;
  }

  /** HTTP requests the task's uploads repeated after a transient fault. */
  long httpRetries() {
    return httpRetries;
  }

  /** A dry run's task: what it encoded and staged (nothing is uploaded). */
  TogetherWriterCommitMessage withStaged(long requests, long bytes) {
    this.stagedRequests = requests;
    this.stagedBytes = bytes;
    return this;
  }

  long stagedRequests() {
    return stagedRequests;
  }

  long stagedBytes() {
    return stagedBytes;
  }

  long requests() {
    long n = 0;
    for (UploadedFile f : files) {
      n += f.requests();
    }
    for (SmallFile f : small) {
      n += f.requests();
    }
    return n;
  }

  @Override
  public String toString() {
    return "TogetherWriterCommitMessage{partition="
        + partitionId
        + ", task="
        + taskId
        + ", attempt="
        + attemptNumber
        + ", files="
        + files
        + ", small="
        + small
        + "}";
  }
}
