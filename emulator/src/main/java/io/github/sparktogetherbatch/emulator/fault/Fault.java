package io.github.sparktogetherbatch.emulator.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparktogetherbatch.emulator.api.RouteTable;
import io.github.sparktogetherbatch.emulator.json.Json;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** One armed fault: its route template, its action and the action's parameters, validated. */
public final class Fault {
  static final Set<String> ACTIONS = Set.of("status", "truncate", "reset", "delay", "location");

  final long id;
  final String route;
  final String action;
  int remaining; // -1 = unlimited

  /** Applies to every {@code every}-th matching request only (1 = each). */
  final int every;

  long seen;
  final int status;
  final Long retryAfterSeconds;
  final Long retryAfterMs;
  final Long rateLimitResetSeconds;
  final Map<String, String> headers;
  final String body;
  final String contentType;
  final long bodySize;
  final long millis;
  final long afterBytes;
  final String location;
  final String phase;
  final ObjectNode spec;

  Fault(long id, ObjectNode spec) {
    this.id = id;
    this.spec = spec;
    this.route = req(spec, "route");
    if (!RouteTable.TEMPLATES.contains(route)) {
      throw new IllegalArgumentException(
          "unknown route template '" + route + "'; known: " + RouteTable.TEMPLATES);
    }
    String a = Json.text(spec, "action");
    if (a == null) {
      if (!spec.has("status")) {
        throw new IllegalArgumentException("a fault needs \"status\" or \"action\"");
      }
      a = "status";
    }
    if (!ACTIONS.contains(a)) {
      throw new IllegalArgumentException("unknown action '" + a + "'; known: " + ACTIONS);
    }
    this.action = a;
    this.remaining = spec.has("times") ? spec.get("times").asInt() : 1;
    if (remaining == 0 || remaining < -1) {
      throw new IllegalArgumentException("\"times\" must be positive, or -1 for every request");
    }
    this.every = spec.has("every") ? spec.get("every").asInt() : 1;
    if (every < 1) {
      throw new IllegalArgumentException("\"every\" must be a positive integer");
    }
    this.status = spec.path("status").asInt(0);
    if (action.equals("status") && (status < 200 || status > 599)) {
      throw new IllegalArgumentException("\"status\" must be an HTTP status between 200 and 599");
    }
    this.retryAfterSeconds =
        spec.has("retryAfterSeconds") ? spec.get("retryAfterSeconds").asLong() : null;
    this.retryAfterMs = spec.has("retryAfterMs") ? spec.get("retryAfterMs").asLong() : null;
    this.rateLimitResetSeconds =
        spec.has("rateLimitResetSeconds") ? spec.get("rateLimitResetSeconds").asLong() : null;
    if (rateLimitResetSeconds != null && rateLimitResetSeconds < 0) {
      throw new IllegalArgumentException("\"rateLimitResetSeconds\" must not be negative");
    }
    Map<String, String> h = new LinkedHashMap<>();
    JsonNode hn = spec.get("headers");
    if (hn != null) {
      if (!hn.isObject()) {
        throw new IllegalArgumentException("\"headers\" must be an object");
      }
      Iterator<Map.Entry<String, JsonNode>> it = hn.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        String v = e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString();
        if (e.getKey().isEmpty()
            || e.getKey().matches(".*[\\s:].*")
            || v.contains("\r")
            || v.contains("\n")) {
          throw new IllegalArgumentException("invalid header " + e.getKey());
        }
        h.put(e.getKey(), v);
      }
    }
    this.headers = h;
    this.body = Json.text(spec, "body");
    this.contentType = Json.text(spec, "contentType");
    this.bodySize = spec.has("bodySize") ? spec.get("bodySize").asLong() : -1;
    this.millis = spec.path("millis").asLong(0);
    if (action.equals("delay") && millis <= 0) {
      throw new IllegalArgumentException("a delay needs positive \"millis\"");
    }
    this.afterBytes = spec.has("afterBytes") ? spec.get("afterBytes").asLong() : -1;
    this.location = Json.text(spec, "location");
    if (action.equals("location")) {
      if (!route.equals("POST /v1/files")) {
        throw new IllegalArgumentException("the location action applies to POST /v1/files only");
      }
      if (location == null || location.contains("\r") || location.contains("\n")) {
        throw new IllegalArgumentException("the location action needs a \"location\"");
      }
    }
    String ph = Json.text(spec, "phase");
    if (ph != null && !ph.equals("request") && !ph.equals("response")) {
      throw new IllegalArgumentException("\"phase\" must be \"request\" or \"response\"");
    }
    this.phase = ph;
  }

  private static String req(JsonNode n, String field) {
    String v = Json.text(n, field);
    if (v == null) {
      throw new IllegalArgumentException("missing \"" + field + "\"");
    }
    return v;
  }

  /** The fault as armed, with its id, action and remaining uses. */
  public ObjectNode toJson() {
    ObjectNode o = spec.deepCopy();
    o.put("id", id);
    o.put("action", action);
    o.put("remaining", remaining);
    return o;
  }
}
