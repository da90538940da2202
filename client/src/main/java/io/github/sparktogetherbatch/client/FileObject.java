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

  public FileObject(
      String id,
      String filename,
      long bytes,
      String purpose,
      long createdAt,
      String fileType,
      boolean processed) {
    this.id = Objects.requireNonNull(id, "id");
    this.filename = filename;
    this.bytes = bytes;
    this.purpose = purpose;
    this.createdAt = createdAt;
    this.fileType = fileType;
    this.processed = processed;
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

  public boolean processed() {
    return processed;
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
