package io.github.sparktogetherbatch.emulator.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparktogetherbatch.emulator.json.Json;
import java.nio.file.Path;

/**
 * One file known to the emulator. Content lives at {@link #path}, a name the emulator generated.
 */
public final class FileRecord {
  /**
   * {@code processing_status} of a file whose content has not been uploaded yet. Together's values
   * are upper case: {@code PENDING}, {@code QUEUED}, {@code RUNNING}, {@code COMPLETED}, {@code
   * FAILED}, {@code INVALID_FORMAT}; the emulator validates batch input when a batch runs, so it
   * shows only this one and {@link #COMPLETED}.
   */
  public static final String PENDING = "PENDING";

  /** {@code processing_status} of a file whose content is stored. */
  public static final String COMPLETED = "COMPLETED";

  public final String id;
  final long seq;
  public final String filename;
  public final String purpose;
  final String fileType;
  final long createdAt;
  public final Path path;
  public final String uploadKey;
  volatile long bytes;
  volatile long lines;
  volatile boolean uploaded;
  volatile boolean processed;
  volatile String sha256;
  volatile String etag;

  FileRecord(
      String id,
      long seq,
      String filename,
      String purpose,
      String fileType,
      long createdAt,
      Path path,
      String uploadKey) {
    this.id = id;
    this.seq = seq;
    this.filename = filename;
    this.purpose = purpose;
    this.fileType = fileType;
    this.createdAt = createdAt;
    this.path = path;
    this.uploadKey = uploadKey;
  }

  /** Whether content has been stored (by the signed PUT, a multipart upload, or a batch). */
  public boolean uploaded() {
    return uploaded;
  }

  /** Whether the file has been preprocessed (or needs no preprocessing). */
  public boolean processed() {
    return processed;
  }

  /** Marks the file preprocessed. */
  public void markProcessed() {
    processed = true;
  }

  /**
   * The ETag of the stored content: a checksum of its bytes in 32 hex digits, or its MD5 with MD5
   * ETags on ({@link FileStore#writeTemp}).
   */
  public String etag() {
    return etag;
  }

  /** The API's file object (schema FileResponse). */
  public ObjectNode toJson() {
    ObjectNode o = Json.object();
    o.put("id", id);
    o.put("object", "file");
    o.put("created_at", createdAt);
    o.put("filename", filename);
    o.put("bytes", bytes);
    o.put("purpose", purpose);
    o.put("FileType", fileType);
    o.put("Processed", processed);
    o.put("LineCount", uploaded ? lines : 0);
    o.put("processing_status", uploaded ? COMPLETED : PENDING);
    return o;
  }

  /** The control surface's view. */
  public ObjectNode toStateJson() {
    ObjectNode o = Json.object();
    o.put("id", id);
    o.put("purpose", purpose);
    o.put("bytes", bytes);
    o.put("lines", lines);
    o.put("filename", filename);
    o.put("uploaded", uploaded);
    o.put("processed", processed);
    return o;
  }
}
