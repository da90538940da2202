package io.github.sparktogetherbatch.emulator.routes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparktogetherbatch.emulator.http.HttpRequest;
import io.github.sparktogetherbatch.emulator.json.Json;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.LongAdder;

/**
 * What clients sent: how many requests matched each route template, and the request headers of the
 * most recent signed-URL PUTs (what a storage service would see).
 */
final class RequestLog {
  private static final int MAX_UPLOAD_HEADER_RECORDS = 1000;

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private final Deque<ObjectNode> uploadHeaders = new ConcurrentLinkedDeque<>();

  void count(String template) {
    counts.computeIfAbsent(template, k -> new LongAdder()).increment();
  }

  long requestCount(String template) {
    LongAdder a = counts.get(template);
    return a == null ? 0 : a.sum();
  }

  /** Keeps the headers of a signed-URL PUT, names in lower case; the last 1,000 are kept. */
  void recordUploadHeaders(HttpRequest req) {
    ObjectNode h = Json.object();
    for (Map.Entry<String, List<String>> e : req.headerMap().entrySet()) {
      ArrayNode values = h.putArray(e.getKey());
      e.getValue().forEach(values::add);
    }
    uploadHeaders.addLast(h);
    while (uploadHeaders.size() > MAX_UPLOAD_HEADER_RECORDS) {
      uploadHeaders.pollFirst();
    }
  }

  /** Request counts by route template, in template order. */
  ObjectNode countsJson() {
    ObjectNode rq = Json.object();
    for (Map.Entry<String, LongAdder> e : new TreeMap<>(counts).entrySet()) {
      rq.put(e.getKey(), e.getValue().sum());
    }
    return rq;
  }

  /** The recorded PUT headers, oldest first. */
  ArrayNode uploadHeadersJson() {
    ArrayNode uh = Json.array();
    uploadHeaders.forEach(uh::add);
    return uh;
  }

  void clear() {
    counts.clear();
    uploadHeaders.clear();
  }
}
