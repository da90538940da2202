package io.github.sparktogetherbatch.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/** A tiny test client over java.net.http (redirects never followed). */
final class Api {
  static final ObjectMapper M = new ObjectMapper();
  static final String KEY = "test-key";
  static final Set<String> TERMINAL = Set.of("COMPLETED", "FAILED", "EXPIRED", "CANCELLED");

  /** How POST /files carries its fields. */
  enum UploadStyle {
    FORM,
    MULTIPART_FIELDS,
    QUERY,
    QUERY_AND_FORM,
    UPLOAD_ENDPOINT
  }

  private final Supplier<TogetherEmulator> emulator;
  final HttpClient http;
  String key = KEY;

  /** A client of the emulator the supplier gives when a request is made. */
  Api(Supplier<TogetherEmulator> emulator) {
    this.emulator = emulator;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  HttpResponse<byte[]> send(HttpRequest req) {
    try {
      return http.send(req, BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<java.io.InputStream> send2(HttpRequest req) {
    try {
      return http.send(req, BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpRequest.Builder req(String pathOrUrl) {
    String base = emulator.get().baseUrl();
    String root = base.substring(0, base.length() - "/v1".length());
    String url =
        pathOrUrl.startsWith("http")
            ? pathOrUrl
            : pathOrUrl.startsWith("/_") ? root + pathOrUrl : base + pathOrUrl;
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
    if (!pathOrUrl.startsWith("/_") && !pathOrUrl.startsWith("http") && key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return b;
  }

  HttpResponse<byte[]> get(String path) {
    return send(req(path).GET().build());
  }

  HttpResponse<byte[]> delete(String path) {
    return send(req(path).DELETE().build());
  }

  HttpResponse<byte[]> post(String path, String contentType, String body) {
    HttpRequest.Builder b =
        req(path).POST(body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return send(b.build());
  }

  HttpResponse<byte[]> postJson(String path, Object body) {
    try {
      return post(path, "application/json", M.writeValueAsString(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode json(HttpResponse<byte[]> r) {
    try {
      return M.readTree(r.body());
    } catch (IOException e) {
      throw new AssertionError(
          "not JSON (" + r.statusCode() + "): " + new String(r.body(), StandardCharsets.UTF_8), e);
    }
  }

  static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  static JsonNode ok(HttpResponse<byte[]> r, int status) {
    assertEquals(status, r.statusCode(), () -> "unexpected status; body: " + text(r));
    return json(r);
  }

  // ------------------------------------------------------------------ upload

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Step A of the redirect flow in a style; returns the 302 response. */
  HttpResponse<byte[]> initiate(UploadStyle style, String purpose, String fileName) {
    String form = "purpose=" + enc(purpose) + "&file_name=" + enc(fileName) + "&file_type=jsonl";
    switch (style) {
      case FORM:
        return post("/files", "application/x-www-form-urlencoded", form);
      case QUERY:
        return send(req("/files?" + form).POST(BodyPublishers.noBody()).build());
      case QUERY_AND_FORM:
        return send(
            req("/files?" + form)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString(form))
                .build());
      case MULTIPART_FIELDS:
        {
          Multipart mp =
              new Multipart()
                  .field("purpose", purpose)
                  .field("file_name", fileName)
                  .field("file_type", "jsonl");
          return send(
              req("/files").header("Content-Type", mp.contentType()).POST(mp.publisher()).build());
        }
      default:
        throw new IllegalArgumentException(style.toString());
    }
  }

  /** Uploads content and returns the file id (redirect flow, or POST /files/upload). */
  String upload(byte[] content, UploadStyle style, boolean preprocess) {
    if (style == UploadStyle.UPLOAD_ENDPOINT) {
      Multipart mp =
          new Multipart()
              .field("purpose", "batch-api")
              .field("file_name", "input.jsonl")
              .file("file", "input.jsonl", content)
              .field("file_type", "jsonl");
      JsonNode f =
          ok(
              send(
                  req("/files/upload")
                      .header("Content-Type", mp.contentType())
                      .POST(mp.publisher())
                      .build()),
              200);
      assertEquals(content.length, f.get("bytes").asLong());
      return f.get("id").asText();
    }
    HttpResponse<byte[]> r = initiate(style, "batch-api", "input.jsonl");
    assertEquals(302, r.statusCode(), () -> text(r));
    String location = r.headers().firstValue("location").orElseThrow();
    String id = r.headers().firstValue("x-together-file-id").orElseThrow();
    HttpResponse<byte[]> put =
        send(
            HttpRequest.newBuilder(URI.create(location))
                .header("Content-Type", "application/octet-stream")
                .PUT(BodyPublishers.ofByteArray(content))
                .build());
    assertEquals(200, put.statusCode(), () -> text(put));
    JsonNode f =
        preprocess
            ? ok(post("/files/" + id + "/preprocess", null, null), 200)
            : ok(get("/files/" + id), 200);
    assertEquals(id, f.get("id").asText());
    assertEquals(content.length, f.get("bytes").asLong());
    return id;
  }

  String upload(byte[] content) {
    return upload(content, UploadStyle.FORM, true);
  }

  // ------------------------------------------------------------------ batches

  JsonNode createBatch(String fileId, String endpoint) {
    ObjectNode body =
        M.createObjectNode()
            .put("input_file_id", fileId)
            .put("endpoint", endpoint)
            .put("completion_window", "24h");
    JsonNode created = ok(postJson("/batches", body), 201);
    assertNotNull(created.get("job"), "201 body has a job");
    return created.get("job");
  }

  JsonNode batch(String id) {
    return ok(get("/batches/" + id), 200);
  }

  JsonNode waitFor(String batchId, Set<String> statuses, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode b;
    do {
      b = batch(batchId);
      if (statuses.contains(b.get("status").asText())) {
        return b;
      }
      sleep(10);
    } while (System.nanoTime() < deadline);
    fail("batch " + batchId + " did not reach " + statuses + "; last: " + b);
    return b;
  }

  JsonNode waitTerminal(String batchId) {
    return waitFor(batchId, TERMINAL, Duration.ofSeconds(60));
  }

  byte[] content(String fileId) {
    HttpResponse<byte[]> r = get("/files/" + fileId + "/content");
    assertEquals(200, r.statusCode(), () -> text(r));
    return r.body();
  }

  static List<JsonNode> lines(byte[] jsonl) {
    List<JsonNode> out = new ArrayList<>();
    String s = new String(jsonl, StandardCharsets.UTF_8);
    if (s.isEmpty()) {
      return out;
    }
    assertTrue(s.endsWith("\n"), "JSONL ends with a newline");
    for (String line : s.split("\n")) {
      try {
        out.add(M.readTree(line));
      } catch (IOException e) {
        throw new AssertionError("bad line: " + line, e);
      }
    }
    return out;
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------ inputs

  static ObjectNode chatLine(String customId, String model, String userText) {
    ObjectNode line = M.createObjectNode().put("custom_id", customId);
    ObjectNode body = line.putObject("body");
    if (model != null) {
      body.put("model", model);
    }
    body.putArray("messages").addObject().put("role", "user").put("content", userText);
    return line;
  }

  static byte[] jsonl(List<? extends JsonNode> lines) {
    StringBuilder sb = new StringBuilder();
    for (JsonNode l : lines) {
      sb.append(l.toString()).append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  static String randomId() {
    return UUID.randomUUID().toString();
  }

  /** A multipart/form-data body builder. */
  static final class Multipart {
    private final String boundary = "----emu" + UUID.randomUUID().toString().replace("-", "");
    private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

    Multipart field(String name, String value) {
      write(
          "--"
              + boundary
              + "\r\nContent-Disposition: form-data; name=\""
              + name
              + "\"\r\n\r\n"
              + value
              + "\r\n");
      return this;
    }

    Multipart file(String name, String filename, byte[] content) {
      write(
          "--"
              + boundary
              + "\r\nContent-Disposition: form-data; name=\""
              + name
              + "\"; filename=\""
              + filename
              + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
      out.writeBytes(content);
      write("\r\n");
      return this;
    }

    private void write(String s) {
      out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    String contentType() {
      return "multipart/form-data; boundary=" + boundary;
    }

    byte[] bytes() {
      java.io.ByteArrayOutputStream copy = new java.io.ByteArrayOutputStream();
      copy.writeBytes(out.toByteArray());
      copy.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
      return copy.toByteArray();
    }

    BodyPublisher publisher() {
      return BodyPublishers.ofByteArray(bytes());
    }
  }
}
