package io.github.sparktogetherbatch.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparktogetherbatch.client.ConnectorVersion;
import io.github.sparktogetherbatch.exceptions.TogetherBatchException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A {@link JobManifest} as JSON (its format is described there); the API key is never written. */
final class ManifestJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ManifestJson() {}

  static ObjectNode toJson(JobManifest m) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("format", JobManifest.FORMAT);
    n.put(
        "formatVersion",
        m.streams().isEmpty() && m.carried().isEmpty()
            ? JobManifest.BATCH_FORMAT_VERSION
            : JobManifest.FORMAT_VERSION);
    n.put("jobId", m.jobId());
    n.put("createdAt", m.createdAt().toString());
    n.put("updatedAt", m.updatedAt().toString());
    n.put("endpoint", m.endpoint());
    n.put("model", m.model());
    n.put("connectorVersion", ConnectorVersion.get());
    if (m.responseSchema() != null) {
      n.put("responseSchema", m.responseSchema());
    }
    ArrayNode b = n.putArray("batches");
    for (BatchEntry e : m.batches()) {
      ObjectNode o = b.addObject();
      o.put("batchId", e.batchId());
      o.put("inputFileId", e.inputFileId());
      o.put("requests", e.requests());
      o.put("bytes", e.bytes());
      o.put("createdAt", e.createdAt() == null ? null : e.createdAt().toString());
      o.put("writeId", e.writeId());
      if (e.customIds() != null) {
        o.put("customIds", e.customIds());
      }
      putAttempt(o, e.attempt(), e.retryOf());
      putStream(o, e.stream());
    }
    ArrayNode p = n.putArray("pendingFiles");
    for (PendingFile f : m.pendingFiles()) {
      ObjectNode o = p.addObject();
      o.put("inputFileId", f.inputFileId());
      o.put("requests", f.requests());
      o.put("bytes", f.bytes());
      o.put("writeId", f.writeId());
      if (f.customIds() != null) {
        o.put("customIds", f.customIds());
      }
      putAttempt(o, f.attempt(), f.retryOf());
      putStream(o, f.stream());
    }
    if (!m.writeOptions().isEmpty()) {
      ObjectNode w = n.putObject("writeOptions");
      m.writeOptions().forEach(w::put);
    }
    if (!m.streams().isEmpty()) {
      ObjectNode q = n.putObject("streams");
      m.streams().forEach(q::put);
    }
    if (!m.carried().isEmpty()) {
      ArrayNode c = n.putArray("carried");
      for (CarriedFile f : m.carried()) {
        ObjectNode o = c.addObject();
        o.put("file", f.file());
        o.put("customIds", f.customIds());
        o.put("requests", f.requests());
        o.put("bytes", f.bytes());
        o.put("writeId", f.writeId());
        putStream(o, f.stream());
        o.put("carriedAt", f.carriedAt().toString());
      }
    }
    return n;
  }

  /** The streaming query and epoch, only on what a streaming write submitted. */
  private static void putStream(ObjectNode o, StreamEpoch stream) {
    if (stream != null) {
      o.put("queryId", stream.queryId());
      o.put("epoch", stream.epoch());
    }
  }

  private static StreamEpoch stream(JsonNode n) {
    return n.hasNonNull("queryId") && n.hasNonNull("epoch")
        ? new StreamEpoch(n.get("queryId").asText(), n.get("epoch").asLong())
        : null;
  }

  /** Attempt fields only for resubmissions, so first submissions read as before. */
  private static void putAttempt(ObjectNode o, int attempt, List<String> retryOf) {
    if (attempt > 1 || !retryOf.isEmpty()) {
      o.put("attempt", attempt);
      ArrayNode r = o.putArray("retryOf");
      retryOf.forEach(r::add);
    }
  }

  private static List<String> retryOf(JsonNode n) {
    List<String> out = new ArrayList<>();
    for (JsonNode id : n.path("retryOf")) {
      out.add(id.asText());
    }
    return out;
  }

  static JobManifest fromJson(JsonNode n, long version) throws IOException {
    if (!JobManifest.FORMAT.equals(n.path("format").asText())) {
      throw new IOException("not a spark-together-batch manifest");
    }
    int fv = n.path("formatVersion").asInt(-1);
    if (fv > JobManifest.FORMAT_VERSION) {
      throw new TogetherBatchException(
          "The job manifest has format version "
              + fv
              + ", newer than "
              + "this connector understands ("
              + JobManifest.FORMAT_VERSION
              + "): upgrade spark-together-batch.");
    }
    List<BatchEntry> batches = new ArrayList<>();
    for (JsonNode b : n.path("batches")) {
      batches.add(
          new BatchEntry(
                  b.path("batchId").asText(),
                  b.path("inputFileId").asText(null),
                  b.path("requests").asLong(-1),
                  b.path("bytes").asLong(-1),
                  b.hasNonNull("createdAt") ? Instant.parse(b.get("createdAt").asText()) : null,
                  b.path("writeId").asText(null),
                  b.path("attempt").asInt(1),
                  retryOf(b),
                  b.path("customIds").asText(null))
              .withStream(stream(b)));
    }
    Map<String, String> writeOptions = new TreeMap<>();
    n.path("writeOptions")
        .fields()
        .forEachRemaining(e -> writeOptions.put(e.getKey(), e.getValue().asText()));
    Map<String, Long> streams = new TreeMap<>();
    n.path("streams")
        .fields()
        .forEachRemaining(e -> streams.put(e.getKey(), e.getValue().asLong()));
    List<PendingFile> pending = new ArrayList<>();
    for (JsonNode f : n.path("pendingFiles")) {
      pending.add(
          new PendingFile(
                  f.path("inputFileId").asText(),
                  f.path("requests").asLong(-1),
                  f.path("bytes").asLong(-1),
                  f.path("writeId").asText(null),
                  f.path("attempt").asInt(1),
                  retryOf(f),
                  f.path("customIds").asText(null))
              .withStream(stream(f)));
    }
    List<CarriedFile> carried = new ArrayList<>();
    for (JsonNode c : n.path("carried")) {
      carried.add(
          new CarriedFile(
              c.path("file").asText(),
              c.path("customIds").asText(),
              c.path("requests").asLong(-1),
              c.path("bytes").asLong(-1),
              c.path("writeId").asText(null),
              stream(c),
              Instant.parse(c.path("carriedAt").asText())));
    }
    return JobManifest.of(
        version,
        n.path("jobId").asText(),
        Instant.parse(n.path("createdAt").asText()),
        Instant.parse(n.path("updatedAt").asText()),
        n.path("endpoint").asText(null),
        n.path("model").asText(null),
        n.path("responseSchema").asText(null),
        batches,
        pending,
        writeOptions,
        streams,
        carried);
  }
}
