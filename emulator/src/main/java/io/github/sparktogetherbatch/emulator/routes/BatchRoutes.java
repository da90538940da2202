package io.github.sparktogetherbatch.emulator.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparktogetherbatch.emulator.api.ErrorEnvelopes;
import io.github.sparktogetherbatch.emulator.batch.BatchEngine;
import io.github.sparktogetherbatch.emulator.batch.BatchRecord;
import io.github.sparktogetherbatch.emulator.http.HttpRequest;
import io.github.sparktogetherbatch.emulator.http.HttpResponse;
import io.github.sparktogetherbatch.emulator.json.Json;
import io.github.sparktogetherbatch.emulator.model.DeterministicModel;
import io.github.sparktogetherbatch.emulator.store.FileRecord;
import io.github.sparktogetherbatch.emulator.store.FileStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The Batches routes: create (checks the request and its input file, then starts the batch), list
 * (newest first), get and cancel. Every error is {@code {"error": "<message>"}}.
 */
final class BatchRoutes {
  private static final List<String> ENDPOINTS = DeterministicModel.BATCH_ENDPOINTS;

  private final FileStore files;
  private final BatchEngine batches;
  private volatile boolean nullEmptyBatchList;

  BatchRoutes(FileStore files, BatchEngine batches, boolean nullEmptyBatchList) {
    this.files = files;
    this.batches = batches;
    this.nullEmptyBatchList = nullEmptyBatchList;
  }

  /** Whether an empty batch list is answered as {@code null} rather than {@code []}. */
  boolean nullEmptyBatchList() {
    return nullEmptyBatchList;
  }

  void setNullEmptyBatchList(boolean nullEmptyBatchList) {
    this.nullEmptyBatchList = nullEmptyBatchList;
  }

  /** {@code POST /v1/batches}: 201 {@code {"job": batch, "warning"?}}. */
  HttpResponse create(HttpRequest req) throws IOException {
    if (!RequestBodies.isJson(req)) {
      return ErrorEnvelopes.batches(400, "Content-Type must be application/json");
    }
    JsonNode body = Json.parseOrNull(RequestBodies.read(req, RequestBodies.MAX_JSON));
    if (body == null || !body.isObject()) {
      return ErrorEnvelopes.batches(400, "Invalid request body: expected a JSON object");
    }
    String inputFileId = Json.text(body, "input_file_id");
    if (inputFileId == null || inputFileId.isEmpty()) {
      return ErrorEnvelopes.batches(400, "input_file_id is required");
    }
    String endpoint = Json.text(body, "endpoint");
    if (endpoint == null || endpoint.isEmpty()) {
      return ErrorEnvelopes.batches(400, "endpoint is required");
    }
    if (!ENDPOINTS.contains(endpoint)) {
      return ErrorEnvelopes.batches(
          400,
          "Invalid endpoint '" + endpoint + "': must be one of " + String.join(", ", ENDPOINTS));
    }
    JsonNode window = body.get("completion_window");
    if (window != null
        && !window.isNull()
        && !(window.isTextual() && window.asText().equals("24h"))) {
      return ErrorEnvelopes.batches(400, "completion_window must be \"24h\"");
    }
    JsonNode priority = body.get("priority");
    if (priority != null && !priority.isNull() && !priority.isIntegralNumber()) {
      return ErrorEnvelopes.batches(400, "priority must be an integer");
    }
    JsonNode modelNode = body.get("model_id");
    String modelId = null;
    if (modelNode != null && !modelNode.isNull()) {
      if (!modelNode.isTextual() || modelNode.asText().isEmpty()) {
        return ErrorEnvelopes.batches(400, "model_id must be a non-empty string");
      }
      modelId = modelNode.asText();
    }
    FileRecord input = files.get(inputFileId);
    if (input == null) {
      return ErrorEnvelopes.batches(400, "Input file not found: " + inputFileId);
    }
    if (!input.uploaded()) {
      return ErrorEnvelopes.batches(
          400, "Input file " + inputFileId + " has no content: upload it first");
    }
    if (!"batch-api".equals(input.purpose)) {
      return ErrorEnvelopes.batches(
          400,
          "Input file "
              + inputFileId
              + " has purpose '"
              + input.purpose
              + "'; batch input files must be uploaded with purpose 'batch-api'");
    }
    BatchRecord b = batches.create(input, endpoint, modelId);
    ObjectNode root = Json.object();
    root.set("job", b.toJson());
    batches.start(b);
    if (!input.processed()) {
      root.put(
          "warning",
          "Input file "
              + inputFileId
              + " was not preprocessed; it is validated when the "
              + "batch starts");
    }
    return HttpResponse.json(201, root);
  }

  /** {@code GET /v1/batches}: a bare array, newest first. */
  HttpResponse list() {
    List<BatchRecord> list = batches.listNewestFirst();
    if (list.isEmpty() && nullEmptyBatchList) {
      return HttpResponse.bytes(
          200, "application/json", "null".getBytes(StandardCharsets.US_ASCII));
    }
    ArrayNode arr = Json.array();
    for (BatchRecord b : list) {
      arr.add(b.toJson());
    }
    return HttpResponse.json(200, arr);
  }

  /** {@code GET /v1/batches/{id}}: the bare batch. */
  HttpResponse get(String id) {
    BatchRecord b = batches.get(id);
    return b == null
        ? ErrorEnvelopes.batches(404, "Batch job not found: " + id)
        : HttpResponse.json(200, b.toJson());
  }

  /** {@code POST /v1/batches/{id}/cancel}: the batch, now {@code CANCELING}. */
  HttpResponse cancel(String id) {
    BatchRecord b = batches.get(id);
    if (b == null) {
      return ErrorEnvelopes.batches(404, "Batch job not found: " + id);
    }
    try {
      return HttpResponse.json(200, batches.cancel(b).toJson());
    } catch (BatchEngine.StateException e) {
      return ErrorEnvelopes.batches(400, e.getMessage());
    }
  }
}
