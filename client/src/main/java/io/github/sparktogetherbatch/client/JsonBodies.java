package io.github.sparktogetherbatch.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;

/**
 * Reads a successful answer's body as JSON and writes request bodies. A body that is not JSON is
 * the server's answer (a proxy's HTML page, say), not a fault to retry: it fails at once, naming
 * the option to check.
 */
final class JsonBodies {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private final ApiErrors errors;

  JsonBodies(ApiErrors errors) {
    this.errors = errors;
  }

  /** The body as JSON; an absent, empty or non-JSON body fails. */
  JsonNode read(ClassicHttpResponse response, Operation op) throws IOException {
    HttpEntity entity = response.getEntity();
    if (entity == null) {
      throw ApiErrors.permanent(
              op.label()
                  + " answered HTTP "
                  + response.getCode()
                  + " with an empty body where JSON was expected",
              op)
          .statusCode(response.getCode())
          .requestId(ApiErrors.requestId(response))
          .build();
    }
    return parse(readAll(entity), response, op);
  }

  /** JSON, with an absent or empty body or a literal null read as NullNode. */
  JsonNode readOrEmpty(ClassicHttpResponse response, Operation op) throws IOException {
    HttpEntity entity = response.getEntity();
    if (entity == null) {
      return MAPPER.nullNode();
    }
    byte[] bytes = readAll(entity);
    if (bytes.length == 0) {
      return MAPPER.nullNode();
    }
    return parse(bytes, response, op);
  }

  /**
   * A list answer: a bare array, {@code {"data": [...]}}, or an empty body / literal null (an empty
   * list), each element read by {@code parse}.
   */
  <T> List<T> readList(
      ClassicHttpResponse response, Operation op, BiFunction<JsonNode, Operation, T> parse)
      throws IOException {
    JsonNode body = readOrEmpty(response, op);
    JsonNode data = body.isArray() ? body : body.path("data");
    List<T> out = new ArrayList<>();
    if (data.isArray()) {
      for (JsonNode n : data) {
        out.add(parse.apply(n, op));
      }
    }
    return out;
  }

  static byte[] write(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] readAll(HttpEntity entity) throws IOException {
    try (InputStream in = entity.getContent()) {
      return in.readAllBytes();
    }
  }

  private JsonNode parse(byte[] bytes, ClassicHttpResponse response, Operation op) {
    try {
      JsonNode n = MAPPER.readTree(bytes);
      if (n == null || n.isMissingNode()) {
        throw new IOException("empty body");
      }
      return n;
    } catch (IOException e) {
      String sample =
          new String(
              bytes,
              0,
              Math.min(bytes.length, ApiErrors.MAX_ERROR_BODY_CHARS),
              StandardCharsets.UTF_8);
      throw ApiErrors.permanent(
              op.label()
                  + " answered HTTP "
                  + response.getCode()
                  + " with a body that is not JSON. Check that 'baseUrl' points at Together's API.",
              op)
          .statusCode(response.getCode())
          .requestId(ApiErrors.requestId(response))
          .responseBody(errors.redact(sample))
          .build();
    }
  }
}
