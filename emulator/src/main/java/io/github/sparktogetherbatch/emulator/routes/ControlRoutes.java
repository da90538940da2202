package io.github.sparktogetherbatch.emulator.routes;

import static io.github.sparktogetherbatch.emulator.routes.RequestBodies.MAX_FORM;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparktogetherbatch.emulator.batch.BatchEngine;
import io.github.sparktogetherbatch.emulator.batch.BatchRecord;
import io.github.sparktogetherbatch.emulator.fault.FaultRegistry;
import io.github.sparktogetherbatch.emulator.http.HttpRequest;
import io.github.sparktogetherbatch.emulator.http.HttpResponse;
import io.github.sparktogetherbatch.emulator.json.Json;
import io.github.sparktogetherbatch.emulator.model.FailOnceMemory;
import io.github.sparktogetherbatch.emulator.store.FileRecord;
import io.github.sparktogetherbatch.emulator.store.FileStore;
import java.io.IOException;
import java.util.List;

/**
 * The control surface under {@code /_emulator/}, not part of Together's API (no auth, JSON, errors
 * as {@code {"error": "<message>"}}): state, faults, config, reset, forcing a batch to expire or
 * fail, and holding batches (no progress until released) to finish them in any order.
 */
public final class ControlRoutes {
  private final FileStore files;
  private final BatchEngine batches;
  private final BatchRoutes batchRoutes;
  private final FileRoutes fileRoutes;
  private final FaultRegistry faults;
  private final FailOnceMemory failOnce;
  private final RequestLog log;

  ControlRoutes(
      FileStore files,
      BatchEngine batches,
      BatchRoutes batchRoutes,
      FileRoutes fileRoutes,
      FaultRegistry faults,
      FailOnceMemory failOnce,
      RequestLog log) {
    this.files = files;
    this.batches = batches;
    this.batchRoutes = batchRoutes;
    this.fileRoutes = fileRoutes;
    this.faults = faults;
    this.failOnce = failOnce;
    this.log = log;
  }

  /** Answers a request whose path starts with {@code /_emulator/}, given as decoded segments. */
  HttpResponse handle(HttpRequest req, List<String> segs) throws IOException {
    String path = String.join("/", segs.subList(1, segs.size()));
    String method = req.method;
    try {
      if (path.equals("state") && method.equals("GET")) {
        return HttpResponse.json(200, state());
      }
      if (path.equals("faults")) {
        switch (method) {
          case "GET":
            return HttpResponse.json(200, faults.toJson());
          case "POST":
            {
              JsonNode spec = Json.parseOrNull(RequestBodies.read(req, MAX_FORM));
              if (spec == null) {
                return controlError(400, "expected a JSON fault");
              }
              if (spec.isArray()) {
                ArrayNode out = Json.array();
                for (JsonNode s : spec) {
                  out.add(faults.arm(s).toJson());
                }
                return HttpResponse.json(200, out);
              }
              return HttpResponse.json(200, faults.arm(spec).toJson());
            }
          case "DELETE":
            faults.clear();
            return HttpResponse.json(200, Json.object().put("cleared", true));
          default:
            return controlError(405, "method not allowed");
        }
      }
      if (path.equals("config")) {
        if (method.equals("POST")) {
          JsonNode c = Json.parseOrNull(RequestBodies.read(req, MAX_FORM));
          if (c == null || !c.isObject()) {
            return controlError(400, "expected a JSON object");
          }
          configure(c);
        } else if (!method.equals("GET")) {
          return controlError(405, "method not allowed");
        }
        return HttpResponse.json(200, config());
      }
      if (path.equals("reset") && method.equals("POST")) {
        reset();
        return HttpResponse.json(200, Json.object().put("reset", true));
      }
      if (path.equals("release") && method.equals("POST")) {
        return HttpResponse.json(200, Json.object().put("released", batches.releaseAll()));
      }
      if (segs.size() == 4
          && segs.get(1).equals("batches")
          && method.equals("POST")
          && (segs.get(3).equals("hold") || segs.get(3).equals("release"))) {
        BatchRecord b = batches.get(segs.get(2));
        if (b == null) {
          return controlError(404, "batch not found: " + segs.get(2));
        }
        return HttpResponse.json(200, batches.hold(b, segs.get(3).equals("hold")).toStateJson());
      }
      if (segs.size() == 4
          && segs.get(1).equals("batches")
          && method.equals("POST")
          && (segs.get(3).equals("expire") || segs.get(3).equals("fail"))) {
        BatchRecord b = batches.get(segs.get(2));
        if (b == null) {
          return controlError(404, "batch not found: " + segs.get(2));
        }
        String message = null;
        if (segs.get(3).equals("fail")) {
          byte[] raw = RequestBodies.read(req, MAX_FORM);
          JsonNode j = raw.length == 0 ? null : Json.parseOrNull(raw);
          message = j == null ? null : Json.text(j, "error");
          if (message == null) {
            message = "Batch job failed (emulated)";
          }
          return HttpResponse.json(200, batches.forceEnd(b, BatchRecord.FAILED, message).toJson());
        }
        return HttpResponse.json(200, batches.forceEnd(b, BatchRecord.EXPIRED, null).toJson());
      }
      return controlError(404, "unknown control route: " + method + " /" + String.join("/", segs));
    } catch (IllegalArgumentException e) {
      return controlError(400, e.getMessage());
    } catch (BatchEngine.StateException e) {
      return controlError(409, e.getMessage());
    }
  }

  private static HttpResponse controlError(int status, String message) {
    return HttpResponse.json(status, Json.object().put("error", message));
  }

  private void configure(JsonNode c) {
    JsonNode rps = c.get("requestsPerSecond");
    if (rps != null) {
      if (!rps.isNumber()) {
        throw new IllegalArgumentException("requestsPerSecond must be a number");
      }
      batches.setRequestsPerSecond(rps.asDouble());
    }
    JsonNode vm = c.get("validatingMillis");
    if (vm != null) {
      if (!vm.isIntegralNumber()) {
        throw new IllegalArgumentException("validatingMillis must be an integer");
      }
      batches.setValidatingMillis(vm.asLong());
    }
    JsonNode nul = c.get("nullEmptyBatchList");
    if (nul != null) {
      batchRoutes.setNullEmptyBatchList(nul.asBoolean());
    }
    JsonNode hold = c.get("holdNewBatches");
    if (hold != null) {
      if (!hold.isBoolean()) {
        throw new IllegalArgumentException("holdNewBatches must be true or false");
      }
      batches.setHoldNewBatches(hold.asBoolean());
    }
    JsonNode serve = c.get("serveInputFiles");
    if (serve != null) {
      if (!serve.isBoolean()) {
        throw new IllegalArgumentException("serveInputFiles must be true or false");
      }
      fileRoutes.setServeInputFiles(serve.asBoolean());
    }
  }

  /** Whether {@code GET /v1/files/{id}/content} serves {@code batch-api} input files. */
  public void setServeInputFiles(boolean serve) {
    fileRoutes.setServeInputFiles(serve);
  }

  private ObjectNode config() {
    ObjectNode o = Json.object();
    o.put("requestsPerSecond", batches.requestsPerSecond());
    o.put("validatingMillis", batches.validatingMillis());
    o.put("nullEmptyBatchList", batchRoutes.nullEmptyBatchList());
    o.put("serveInputFiles", fileRoutes.serveInputFiles());
    o.put("holdNewBatches", batches.holdNewBatches());
    return o;
  }

  /** The state view of {@code GET /_emulator/state}. */
  public ObjectNode state() {
    ObjectNode root = Json.object();
    ArrayNode fa = root.putArray("files");
    for (FileRecord r : files.list()) {
      fa.add(r.toStateJson());
    }
    ArrayNode ba = root.putArray("batches");
    for (BatchRecord b : batches.listNewestFirst()) {
      ba.add(b.toStateJson());
    }
    root.set("requests", log.countsJson());
    root.set("faults", faults.toJson());
    root.set("config", config());
    root.set("uploadHeaders", log.uploadHeadersJson());
    return root;
  }

  /** How many requests matched a route template. */
  public long requestCount(String template) {
    return log.requestCount(template);
  }

  /**
   * Clears faults, batches, files, request counts, recorded upload headers and the memory of {@code
   * !!fail-once!!} requests, stops holding new batches, and serves input files again if the
   * emulator was started so.
   */
  public void reset() {
    faults.clear();
    batches.setHoldNewBatches(false);
    batches.clear();
    files.clear();
    log.clear();
    failOnce.clear();
    fileRoutes.resetServeInputFiles();
  }
}
