package io.github.sparktogetherbatch.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads Together's JSON objects leniently: a file ({@link FileObject}), a batch ({@link BatchJob})
 * and their timestamps. Unknown fields are ignored, missing ones get defaults; only a missing or
 * unsafe id fails.
 */
final class TogetherObjects {
  /** TogetherClient's logger: the client logs under one name, whichever part of it speaks. */
  private static final Logger LOG = LoggerFactory.getLogger(TogetherClient.class);

  private TogetherObjects() {}

  /** A file object; the type is read from {@code FileType} or {@code file_type}. */
  static FileObject file(JsonNode n, Operation op) {
    String id = textOrNull(n.get("id"));
    if (id == null) {
      throw ApiErrors.permanent(op.label() + " answered a file object without an id", op)
          .statusCode(200)
          .responseBody(ApiErrors.truncate(n.toString()))
          .build();
    }
    SafeIds.check("file", id, op);
    String type = textOrNull(n.get("FileType"));
    if (type == null) {
      type = textOrNull(n.get("file_type"));
    }
    return new FileObject(
        id,
        textOrNull(n.get("filename")),
        n.path("bytes").asLong(-1),
        textOrNull(n.get("purpose")),
        n.path("created_at").asLong(0),
        type,
        n.path("Processed").asBoolean(false),
        textOrNull(n.get("processing_status")));
  }

  /** A model of the model list; prices absent or not numbers read as NaN. */
  static ModelObject model(JsonNode n, Operation op) {
    String id = textOrNull(n.get("id"));
    if (id == null) {
      throw ApiErrors.permanent(op.label() + " answered a model without an id", op)
          .statusCode(200)
          .responseBody(ApiErrors.truncate(n.toString()))
          .build();
    }
    JsonNode pricing = n.path("pricing");
    return new ModelObject(
        id,
        textOrNull(n.get("type")),
        textOrNull(n.get("display_name")),
        price(pricing.get("input")),
        price(pricing.get("output")));
  }

  private static double price(JsonNode n) {
    return n != null && n.isNumber() ? n.asDouble() : Double.NaN;
  }

  /** A batch object; empty result file ids read as null, the error as its message. */
  static BatchJob batch(JsonNode n, Operation op) {
    String id = textOrNull(n.get("id"));
    if (id == null) {
      throw ApiErrors.permanent(op.label() + " answered a batch object without an id", op)
          .statusCode(200)
          .responseBody(ApiErrors.truncate(n.toString()))
          .build();
    }
    SafeIds.check("batch", id, op);
    String error = null;
    JsonNode err = n.get("error");
    if (err != null && !err.isNull()) {
      error =
          err.isTextual()
              ? err.asText()
              : err.has("message") ? err.get("message").asText() : err.toString();
    }
    double progress = n.path("progress").asDouble(0.0);
    return new BatchJob(
        id,
        textOrNull(n.get("user_id")),
        textOrNull(n.get("input_file_id")),
        n.path("file_size_bytes").asLong(-1),
        textOrNull(n.get("status")),
        textOrNull(n.get("endpoint")),
        progress,
        textOrNull(n.get("model_id")),
        emptyToNull(textOrNull(n.get("output_file_id"))),
        emptyToNull(textOrNull(n.get("error_file_id"))),
        error,
        instant(n.get("created_at")),
        instant(n.get("completed_at")),
        instant(n.get("job_deadline")));
  }

  /** RFC 3339 with any fraction length, with Z or an offset; also epoch seconds; else null. */
  static Instant instant(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isNumber()) {
      double s = n.asDouble();
      return Instant.ofEpochMilli((long) (s * 1000));
    }
    String t = n.asText().trim();
    if (t.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(t, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return LocalDateTime.parse(t.replace(' ', 'T'), DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e2) {
        LOG.debug("Unreadable timestamp '{}'", t);
        return null;
      }
    }
  }

  /** A value node's text, any other node as JSON, or null. */
  static String textOrNull(JsonNode n) {
    return n == null || n.isNull() || n.isMissingNode()
        ? null
        : n.isValueNode() ? n.asText() : n.toString();
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
