package io.github.sparktogetherbatch.client;

import java.io.Serializable;
import java.util.Objects;

/** A file in Together's Files API (an uploaded batch input, or a batch's output or error file). */
public final class FileObject implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String id;
  private final String filename;
  private final long bytes;
  private final String purpose;
  private final long createdAt;
  private final String fileType;
  private final boolean processed;
  private final String processingStatus;

  public FileObject(
      String id,
      String filename,
      long bytes,
      String purpose,
      long createdAt,
      String fileType,
      boolean processed) {
    this(id, filename, bytes, purpose, createdAt, fileType, processed, null);
  }

  /**
   * @param processingStatus Together's {@code processing_status}, any case (null when absent); kept
   *     in upper case, as Together's SDKs type it ({@code PENDING}, ..., {@code INVALID_FORMAT})
   */
  public FileObject(
      String id,
      String filename,
      long bytes,
      String purpose,
      long createdAt,
      String fileType,
      boolean processed,
      String processingStatus) {
    this.id = Objects.requireNonNull(id, "id");
    this.filename = filename;
    this.bytes = bytes;
    this.purpose = purpose;
    this.createdAt = createdAt;
    this.fileType = fileType;
    this.processed = processed;
    this.processingStatus =
        processingStatus == null || processingStatus.isBlank()
            ? null
            : processingStatus.trim().toUpperCase(java.util.Locale.ROOT);
  }

  public String id() {
    return id;
  }

  public String filename() {
    return filename;
  }

  /** Size in bytes as the server reports it (-1 when absent). */
  public long bytes() {
    return bytes;
  }

  public String purpose() {
    return purpose;
  }

  /** Unix seconds. */
  public long createdAt() {
    return createdAt;
  }

  public String fileType() {
    return fileType;
  }

  /**
   * Whether the file is ready: the {@code Processed} flag, or a {@code processing_status} of {@code
   * COMPLETED} in any case.
   */
  public boolean processed() {
    return processed || "COMPLETED".equals(processingStatus);
  }

  /** {@code processing_status} in upper case, or null when the server sent none. */
  public String processingStatus() {
    return processingStatus;
  }

  @Override
  public String toString() {
    return "FileObject{id="
        + id
        + ", filename="
        + filename
        + ", bytes="
        + bytes
        + ", purpose="
        + purpose
        + "}";
  }
}
