package io.github.sparktogetherbatch.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/**
 * One file known to the emulator. Content lives at {@link #path}, a name the emulator generated.
 */
final class FileRecord {
  final String id;
  final long seq;
  final String filename;
  final String purpose;
  final String fileType;
  final long createdAt;
  final Path path;
  final String uploadKey;
  volatile long bytes;
  volatile long lines;
  volatile boolean uploaded;
  volatile boolean processed;
  volatile String sha256;
  volatile String md5;

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

  /** The API's file object (schema FileResponse). */
  ObjectNode toJson() {
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
    if (processed) {
      o.put("processing_status", "completed");
    }
    return o;
  }

  /** The control surface's view. */
  ObjectNode toStateJson() {
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
