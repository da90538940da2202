package io.github.sparktogetherbatch.manifest;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * Requests of a small streaming epoch that wait at the job path to share a batch with later epochs
 * ({@link JobManifest#carried()}): one JSONL file of whole request lines and its custom_id record,
 * both named relative to the job path ({@link JobFolder#CARRIED_DIR}), not yet uploaded.
 */
public final class CarriedFile implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String file;
  private final String customIds;
  private final long requests;
  private final long bytes;
  private final String writeId;
  private final StreamEpoch stream;
  private final Instant carriedAt;

  /**
   * @param file the JSONL file, relative to the job path
   * @param customIds its custom_id record, relative to the job path
   * @param stream the epoch whose rows it holds
   * @param carriedAt when the manifest first recorded them (the delay counts from here)
   */
  public CarriedFile(
      String file,
      String customIds,
      long requests,
      long bytes,
      String writeId,
      StreamEpoch stream,
      Instant carriedAt) {
    this.file = Objects.requireNonNull(file, "file");
    this.customIds = Objects.requireNonNull(customIds, "customIds");
    this.requests = requests;
    this.bytes = bytes;
    this.writeId = writeId;
    this.stream = stream;
    this.carriedAt = Objects.requireNonNull(carriedAt, "carriedAt");
  }

  public String file() {
    return file;
  }

  public String customIds() {
    return customIds;
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

  /** The streaming query and epoch the rows came from (null only in hand-made manifests). */
  public StreamEpoch stream() {
    return stream;
  }

  public Instant carriedAt() {
    return carriedAt;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CarriedFile
        && ((CarriedFile) o).file.equals(file)
        && ((CarriedFile) o).customIds.equals(customIds)
        && ((CarriedFile) o).requests == requests
        && ((CarriedFile) o).bytes == bytes
        && Objects.equals(((CarriedFile) o).writeId, writeId)
        && Objects.equals(((CarriedFile) o).stream, stream)
        && ((CarriedFile) o).carriedAt.equals(carriedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(file, customIds, requests, bytes, writeId, stream, carriedAt);
  }

  @Override
  public String toString() {
    return "carried " + file + " (" + requests + " requests, " + stream + ")";
  }
}
