package io.github.sparktogetherbatch.emulator.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparktogetherbatch.emulator.json.Json;
import java.io.BufferedReader;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Instant;

/** One batch job. Mutable fields are guarded by the record's monitor. */
public final class BatchRecord {
  static final String VALIDATING = "VALIDATING";
  static final String IN_PROGRESS = "IN_PROGRESS";
  static final String COMPLETED = "COMPLETED";
  public static final String FAILED = "FAILED";
  public static final String EXPIRED = "EXPIRED";
  static final String CANCELLED = "CANCELLED";
  static final String CANCELING = "CANCELING";

  final String id;
  final long seq;
  final String userId;
  final String inputFileId;
  final long fileSizeBytes;
  final Instant createdAt;
  final Instant jobDeadline;
  final String endpoint;

  /** model_id given on create, or null. */
  final String givenModelId;

  /** Private hard link (or copy) of the input taken at create time. */
  final Path input;

  // guarded by this
  String modelId;
  String status = VALIDATING;
  double progress;
  String outputFileId;
  String errorFileId;
  String error;
  Instant completedAt;
  long requests;
  long processed;
  boolean cancelRequested;
  long cancelRequestedNanos;
  String forcedStatus;
  String forcedError;
  boolean removed;

  /** Held by the control surface: the batch makes no progress until released. */
  boolean held;

  // worker-only state (one step at a time)
  BufferedReader reader;
  OutputStream out;
  OutputStream err;
  Path outTmp;
  Path errTmp;
  long outLines;
  long errLines;
  double budget;
  long lastNanos;

  BatchRecord(
      String id,
      long seq,
      String userId,
      String inputFileId,
      long fileSizeBytes,
      Instant createdAt,
      Instant jobDeadline,
      String endpoint,
      String givenModelId,
      String modelId,
      Path input) {
    this.id = id;
    this.seq = seq;
    this.userId = userId;
    this.inputFileId = inputFileId;
    this.fileSizeBytes = fileSizeBytes;
    this.createdAt = createdAt;
    this.jobDeadline = jobDeadline;
    this.endpoint = endpoint;
    this.givenModelId = givenModelId;
    this.modelId = modelId;
    this.input = input;
  }

  synchronized boolean isTerminal() {
    return isTerminal(status);
  }

  static boolean isTerminal(String s) {
    return COMPLETED.equals(s) || FAILED.equals(s) || EXPIRED.equals(s) || CANCELLED.equals(s);
  }

  /** The API's batch object (schema BatchJob). */
  public synchronized ObjectNode toJson() {
    ObjectNode o = Json.object();
    o.put("id", id);
    o.put("user_id", userId);
    o.put("input_file_id", inputFileId);
    o.put("file_size_bytes", fileSizeBytes);
    o.put("status", status);
    o.put("job_deadline", Timestamps.rfc3339(jobDeadline));
    o.put("created_at", Timestamps.rfc3339(createdAt));
    o.put("endpoint", endpoint);
    o.put("progress", progress);
    o.put("model_id", modelId);
    putNullable(o, "output_file_id", outputFileId);
    putNullable(o, "error_file_id", errorFileId);
    putNullable(o, "error", error);
    putNullable(o, "completed_at", completedAt == null ? null : Timestamps.rfc3339(completedAt));
    return o;
  }

  /** The control surface's view. */
  public synchronized ObjectNode toStateJson() {
    ObjectNode o = Json.object();
    o.put("id", id);
    o.put("status", status);
    o.put("input_file_id", inputFileId);
    o.put("requests", requests);
    o.put("processed", processed);
    putNullable(o, "output_file_id", outputFileId);
    putNullable(o, "error_file_id", errorFileId);
    o.put("progress", progress);
    putNullable(o, "error", error);
    o.put("held", held);
    return o;
  }

  private static void putNullable(ObjectNode o, String field, String value) {
    if (value == null) {
      o.putNull(field);
    } else {
      o.put(field, value);
    }
  }
}
