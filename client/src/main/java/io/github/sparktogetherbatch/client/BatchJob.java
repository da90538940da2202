package io.github.sparktogetherbatch.client;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * One Together batch, as returned by {@code GET /batches/{id}}. Immutable. {@link #rawStatus()}
 * keeps the server's own word; {@link #status()} is its parsed form (unknown values are {@link
 * BatchStatus#UNKNOWN}, i.e. still running).
 */
public final class BatchJob implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String id;
  private final String userId;
  private final String inputFileId;
  private final long fileSizeBytes;
  private final String rawStatus;
  private final String endpoint;
  private final double progress;
  private final String modelId;
  private final String outputFileId;
  private final String errorFileId;
  private final String error;
  private final Instant createdAt;
  private final Instant completedAt;
  private final Instant jobDeadline;

  public BatchJob(
      String id,
      String userId,
      String inputFileId,
      long fileSizeBytes,
      String rawStatus,
      String endpoint,
      double progress,
      String modelId,
      String outputFileId,
      String errorFileId,
      String error,
      Instant createdAt,
      Instant completedAt,
      Instant jobDeadline) {
    this.id = Objects.requireNonNull(id, "id");
    this.userId = userId;
    this.inputFileId = inputFileId;
    this.fileSizeBytes = fileSizeBytes;
    this.rawStatus = rawStatus;
    this.endpoint = endpoint;
    this.progress = progress;
    this.modelId = modelId;
    this.outputFileId = outputFileId;
    this.errorFileId = errorFileId;
    this.error = error;
    this.createdAt = createdAt;
    this.completedAt = completedAt;
    this.jobDeadline = jobDeadline;
  }

  public String id() {
    return id;
  }

  public String userId() {
    return userId;
  }

  public String inputFileId() {
    return inputFileId;
  }

  public long fileSizeBytes() {
    return fileSizeBytes;
  }

  /** The status string exactly as the server sent it. */
  public String rawStatus() {
    return rawStatus;
  }

  public BatchStatus status() {
    return BatchStatus.parse(rawStatus);
  }

  public boolean isTerminal() {
    return status().isTerminal();
  }

  public String endpoint() {
    return endpoint;
  }

  /** Percent done, 0 to 100. */
  public double progress() {
    return progress;
  }

  public String modelId() {
    return modelId;
  }

  /** Null until the batch is terminal. */
  public String outputFileId() {
    return outputFileId;
  }

  /** Null until the batch is terminal. */
  public String errorFileId() {
    return errorFileId;
  }

  /** The job-level error message (a FAILED batch), or null. */
  public String error() {
    return error;
  }

  public Instant createdAt() {
    return createdAt;
  }

  public Instant completedAt() {
    return completedAt;
  }

  public Instant jobDeadline() {
    return jobDeadline;
  }

  @Override
  public String toString() {
    return "BatchJob{id="
        + id
        + ", status="
        + rawStatus
        + ", progress="
        + progress
        + ", inputFileId="
        + inputFileId
        + ", outputFileId="
        + outputFileId
        + ", errorFileId="
        + errorFileId
        + (error == null ? "" : ", error=" + error)
        + "}";
  }
}
