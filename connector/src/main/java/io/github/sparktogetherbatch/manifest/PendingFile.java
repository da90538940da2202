package io.github.sparktogetherbatch.manifest;

import java.io.Serializable;
import java.util.List;

/**
 * An uploaded input file of a job that has no batch yet (recorded before batches are created:
 * {@link JobManifest#pendingFiles()}).
 */
public final class PendingFile implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String inputFileId;
  private final long requests;
  private final long bytes;
  private final String writeId;
  private final int attempt;
  private final List<String> retryOf;
  private final String customIds;
  private final StreamEpoch stream;

  public PendingFile(String inputFileId, long requests, long bytes, String writeId) {
    this(inputFileId, requests, bytes, writeId, 1, List.of(), null);
  }

  /**
   * @param customIds the file's custom_id record, relative to the job path, or null
   */
  public PendingFile(
      String inputFileId, long requests, long bytes, String writeId, String customIds) {
    this(inputFileId, requests, bytes, writeId, 1, List.of(), customIds);
  }

  /** A pending file of a resubmission: see {@link BatchEntry#attempt()}. */
  public PendingFile(
      String inputFileId,
      long requests,
      long bytes,
      String writeId,
      int attempt,
      List<String> retryOf) {
    this(inputFileId, requests, bytes, writeId, attempt, retryOf, null);
  }

  /** A pending file of a resubmission with its custom_id record (relative to the job path). */
  public PendingFile(
      String inputFileId,
      long requests,
      long bytes,
      String writeId,
      int attempt,
      List<String> retryOf,
      String customIds) {
    this(inputFileId, requests, bytes, writeId, attempt, retryOf, customIds, null);
  }

  private PendingFile(
      String inputFileId,
      long requests,
      long bytes,
      String writeId,
      int attempt,
      List<String> retryOf,
      String customIds,
      StreamEpoch stream) {
    this.inputFileId = inputFileId;
    this.requests = requests;
    this.bytes = bytes;
    this.writeId = writeId;
    this.attempt = attempt;
    this.retryOf = List.copyOf(retryOf);
    this.customIds = customIds;
    this.stream = stream;
  }

  /** This file as uploaded by a streaming query's epoch ({@code stream} may be null). */
  public PendingFile withStream(StreamEpoch stream) {
    return new PendingFile(
        inputFileId, requests, bytes, writeId, attempt, retryOf, customIds, stream);
  }

  /** The streaming query and epoch that uploaded it; null for a batch write's file. */
  public StreamEpoch stream() {
    return stream;
  }

  public int attempt() {
    return attempt;
  }

  public List<String> retryOf() {
    return retryOf;
  }

  /** The file's custom_id record, relative to the job path; null for older jobs. */
  public String customIds() {
    return customIds;
  }

  public String inputFileId() {
    return inputFileId;
  }

  public long requests() {
    return requests;
  }

  public long bytes() {
    return bytes;
  }

  public String writeId() {
    return writeId;
  }
}
