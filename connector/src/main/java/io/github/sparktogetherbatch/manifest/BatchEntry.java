package io.github.sparktogetherbatch.manifest;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;

/** One batch of a job ({@link JobManifest#batches()}). */
public final class BatchEntry implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String batchId;
  private final String inputFileId;
  private final long requests;
  private final long bytes;
  private final Instant createdAt;
  private final String writeId;
  private final int attempt;
  private final List<String> retryOf;
  private final String customIds;
  private final StreamEpoch stream;

  public BatchEntry(
      String batchId,
      String inputFileId,
      long requests,
      long bytes,
      Instant createdAt,
      String writeId) {
    this(batchId, inputFileId, requests, bytes, createdAt, writeId, 1, List.of(), null);
  }

  /**
   * @param customIds the input file's custom_id record, relative to the job path, or null
   */
  public BatchEntry(
      String batchId,
      String inputFileId,
      long requests,
      long bytes,
      Instant createdAt,
      String writeId,
      String customIds) {
    this(batchId, inputFileId, requests, bytes, createdAt, writeId, 1, List.of(), customIds);
  }

  /**
   * @param attempt 1 for a first submission, n + 1 for a resubmission of attempt n's requests
   * @param retryOf the batches whose requests this one submits again (empty for attempt 1)
   */
  public BatchEntry(
      String batchId,
      String inputFileId,
      long requests,
      long bytes,
      Instant createdAt,
      String writeId,
      int attempt,
      List<String> retryOf) {
    this(batchId, inputFileId, requests, bytes, createdAt, writeId, attempt, retryOf, null);
  }

  /**
   * @param attempt 1 for a first submission, n + 1 for a resubmission of attempt n's requests
   * @param retryOf the batches whose requests this one submits again (empty for attempt 1)
   * @param customIds the input file's custom_id record, relative to the job path, or null
   */
  public BatchEntry(
      String batchId,
      String inputFileId,
      long requests,
      long bytes,
      Instant createdAt,
      String writeId,
      int attempt,
      List<String> retryOf,
      String customIds) {
    this(
        batchId,
        inputFileId,
        requests,
        bytes,
        createdAt,
        writeId,
        attempt,
        retryOf,
        customIds,
        null);
  }

  private BatchEntry(
      String batchId,
      String inputFileId,
      long requests,
      long bytes,
      Instant createdAt,
      String writeId,
      int attempt,
      List<String> retryOf,
      String customIds,
      StreamEpoch stream) {
    this.batchId = batchId;
    this.inputFileId = inputFileId;
    this.requests = requests;
    this.bytes = bytes;
    this.createdAt = createdAt;
    this.writeId = writeId;
    this.attempt = attempt;
    this.retryOf = List.copyOf(retryOf);
    this.customIds = customIds;
    this.stream = stream;
  }

  /** This batch as submitted by a streaming query's epoch ({@code stream} may be null). */
  public BatchEntry withStream(StreamEpoch stream) {
    return new BatchEntry(
        batchId,
        inputFileId,
        requests,
        bytes,
        createdAt,
        writeId,
        attempt,
        retryOf,
        customIds,
        stream);
  }

  /** The streaming query and epoch that submitted it; null for a batch write's batch. */
  public StreamEpoch stream() {
    return stream;
  }

  /** The batch for a pending file, with that file's attempt and custom_id record. */
  public static BatchEntry forPending(PendingFile p, String batchId, Instant createdAt) {
    return new BatchEntry(
            batchId,
            p.inputFileId(),
            p.requests(),
            p.bytes(),
            createdAt,
            p.writeId(),
            p.attempt(),
            p.retryOf(),
            p.customIds())
        .withStream(p.stream());
  }

  /** 1 for a first submission, n + 1 for a resubmission of attempt n's requests. */
  public int attempt() {
    return attempt;
  }

  /** The batches whose requests this one submits again (empty for attempt 1). */
  public List<String> retryOf() {
    return retryOf;
  }

  /** The input file's custom_id record, relative to the job path; null for older jobs. */
  public String customIds() {
    return customIds;
  }

  public String batchId() {
    return batchId;
  }

  public String inputFileId() {
    return inputFileId;
  }

  /** Requests (lines) in the input file. */
  public long requests() {
    return requests;
  }

  public long bytes() {
    return bytes;
  }

  public Instant createdAt() {
    return createdAt;
  }

  /** The Spark write (query id) that submitted it. */
  public String writeId() {
    return writeId;
  }
}
