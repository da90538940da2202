package io.github.sparktogetherbatch.emulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each fault kind, observed the way a client would observe it. */
class FaultsTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();
  static final Api api = EMU.api();

  private static byte[] sample() {
    return Api.jsonl(
        List.of(
            Api.chatLine("a", "emulator/echo", "hello there"),
            Api.chatLine("b", "emulator/echo", "general kenobi")));
  }

  @Test
  void statusWithRetryAfterAppliesToTheFirstNRequests() {
    String file = api.upload(sample());
    EMU.emulator()
        .armFault(
            "{\"route\":\"POST /v1/batches\",\"status\":429,\"times\":2,\"retryAfterSeconds\":1}");
    for (int i = 0; i < 2; i++) {
      HttpResponse<byte[]> r =
          api.postJson(
              "/batches",
              Api.M.createObjectNode()
                  .put("input_file_id", file)
                  .put("endpoint", "/v1/chat/completions"));
      assertEquals(429, r.statusCode());
      assertEquals("1", r.headers().firstValue("retry-after").orElseThrow());
      assertTrue(Api.json(r).get("error").isTextual(), "batches envelope");
    }
    api.createBatch(file, "/v1/chat/completions");
    assertEquals(3, EMU.emulator().requestCount("POST /v1/batches"));
    assertEquals(
        1, EMU.emulator().state().get("batches").size(), "faulted requests create nothing");
    assertEquals(0, Api.ok(api.get("/_emulator/faults"), 200).size(), "used up");
  }

  @Test
  void rateLimitResetHeaderAloneOrWithRetryAfter() {
    EMU.emulator()
        .armFault(
            "[{\"route\":\"GET /v1/batches/{id}\",\"status\":429,\"rateLimitResetSeconds\":7},"
                + "{\"route\":\"POST /v1/chat/completions\",\"status\":429,"
                + "\"rateLimitResetSeconds\":3,\"retryAfterSeconds\":2}]");
    HttpResponse<byte[]> alone = api.get("/batches/some-id");
    assertEquals(429, alone.statusCode());
    assertEquals("7", alone.headers().firstValue("x-ratelimit-reset").orElseThrow());
    assertTrue(alone.headers().firstValue("retry-after").isEmpty(), "no Retry-After");
    assertTrue(alone.headers().firstValue("retry-after-ms").isEmpty());
    assertTrue(Api.json(alone).get("error").isTextual(), "batches envelope");
    HttpResponse<byte[]> both =
        api.postJson("/chat/completions", Api.chatLine("x", "emulator/echo", "x").get("body"));
    assertEquals(429, both.statusCode());
    assertEquals("3", both.headers().firstValue("x-ratelimit-reset").orElseThrow());
    assertEquals("2", both.headers().firstValue("retry-after").orElseThrow());
    JsonNode error = Api.json(both).get("error");
    assertEquals("dynamic_request_limited", error.get("type").asText());
    assertTrue(error.get("message").asText().contains("rate limited"), error::toString);
    assertEquals(
        400,
        api.post(
                "/_emulator/faults",
                "application/json",
                "{\"route\":\"GET /v1/files\",\"status\":429,\"rateLimitResetSeconds\":-1}")
            .statusCode());
  }

  @Test
  void overloaded503LooksLikeTogethers() {
    EMU.emulator()
        .armFault(
            "[{\"route\":\"POST /v1/chat/completions\",\"status\":503},"
                + "{\"route\":\"GET /v1/files\",\"status\":503},"
                + "{\"route\":\"GET /v1/batches\",\"status\":503}]");
    for (HttpResponse<byte[]> r :
        List.of(
            api.postJson("/chat/completions", Api.chatLine("x", "emulator/echo", "x").get("body")),
            api.get("/files"))) {
      assertEquals(503, r.statusCode());
      JsonNode error = Api.json(r).get("error");
      assertEquals(
          "The server is overloaded or not ready yet. Please try again later.",
          error.get("message").asText());
      assertEquals("server_error", error.get("type").asText());
      assertEquals("service_unavailable", error.get("code").asText());
    }
    HttpResponse<byte[]> batches = api.get("/batches");
    assertEquals(503, batches.statusCode());
    assertTrue(Api.json(batches).get("error").asText().contains("overloaded"));
  }

  @Test
  void everyNthRequestOnlyAndFallThroughToLaterFaults() {
    EMU.emulator()
        .armFault(
            "[{\"route\":\"GET /v1/files\",\"status\":429,\"every\":3,\"times\":2},"
                + "{\"route\":\"GET /v1/files\",\"status\":503,\"times\":1}]");
    int[] codes = new int[8];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = api.get("/files").statusCode();
    }
    // 1st: not the every-3 fault's turn, the next fault (503) applies; 3rd and 6th: 429.
    assertArrayEquals(new int[] {503, 200, 429, 200, 200, 429, 200, 200}, codes);
    assertEquals(0, EMU.emulator().state().get("faults").size(), "both used up");
    assertThrows(
        IllegalArgumentException.class,
        () -> EMU.emulator().armFault("{\"route\":\"GET /v1/files\",\"status\":429,\"every\":0}"));
  }

  @Test
  void uploadPutHeadersAreRecorded() {
    api.upload(sample());
    JsonNode h = EMU.emulator().state().get("uploadHeaders");
    assertEquals(1, h.size());
    assertTrue(h.get(0).has("content-length"), h.toString());
    assertTrue(h.get(0).has("host"), h.toString());
    EMU.emulator().reset();
    assertEquals(0, EMU.emulator().state().get("uploadHeaders").size());
  }

  @Test
  void filesFaultsUseTheFilesEnvelope() {
    EMU.emulator().armFault("{\"route\":\"GET /v1/files\",\"status\":500}");
    HttpResponse<byte[]> r = api.get("/files");
    assertEquals(500, r.statusCode());
    JsonNode e = Api.json(r).get("error");
    assertEquals("server_error", e.get("type").asText());
    assertTrue(e.get("message").isTextual());
    EMU.emulator().armFault("{\"route\":\"PUT /_upload/{id}\",\"status\":503}");
    HttpResponse<byte[]> init = api.initiate(Api.UploadStyle.FORM, "batch-api", "a.jsonl");
    HttpResponse<byte[]> put =
        api.send(
            HttpRequest.newBuilder(URI.create(init.headers().firstValue("location").orElseThrow()))
                .PUT(BodyPublishers.ofByteArray(sample()))
                .build());
    assertEquals(503, put.statusCode());
    assertTrue(Api.text(put).startsWith("<?xml"), "storage errors are XML");
  }

  @Test
  void customHeadersBodyAndLargeBodies() {
    EMU.emulator()
        .armFault(
            "{\"route\":\"GET /v1/files\",\"status\":503,\"retryAfterMs\":250,"
                + "\"headers\":{\"x-should-retry\":\"false\"},\"body\":\"upstream overloaded\","
                + "\"contentType\":\"text/plain\"}");
    HttpResponse<byte[]> r = api.get("/files");
    assertEquals(503, r.statusCode());
    assertEquals("false", r.headers().firstValue("x-should-retry").orElseThrow());
    assertEquals("250", r.headers().firstValue("retry-after-ms").orElseThrow());
    assertEquals("text/plain", r.headers().firstValue("content-type").orElseThrow());
    assertEquals("upstream overloaded", Api.text(r));

    EMU.emulator()
        .armFault("{\"route\":\"GET /v1/batches/{id}\",\"status\":500,\"bodySize\":10485760}");
    HttpResponse<byte[]> big = api.get("/batches/whatever");
    assertEquals(500, big.statusCode());
    assertEquals(10_485_760, big.body().length);
    assertEquals(200, api.get("/files").statusCode(), "connection still usable");
  }

  @Test
  void truncateIsAShortRead() throws IOException {
    byte[] content = sample();
    String file = api.upload(content);
    EMU.emulator().armFault("{\"route\":\"GET /v1/files/{id}/content\",\"action\":\"truncate\"}");
    try (RawHttp raw = EMU.raw()) {
      raw.write(
          "GET /v1/files/"
              + file
              + "/content HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n\r\n");
      RawHttp.Response r = raw.read();
      assertEquals(200, r.status);
      assertEquals(content.length, r.contentLength);
      assertTrue(r.shortRead);
      assertEquals(content.length / 2, r.body.length);
    }
    EMU.emulator()
        .armFault(
            "{\"route\":\"GET /v1/files/{id}/content\",\"action\":\"truncate\",\"afterBytes\":5}");
    try (RawHttp raw = EMU.raw()) {
      raw.write(
          "GET /v1/files/"
              + file
              + "/content HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n\r\n");
      RawHttp.Response r = raw.read();
      assertEquals(5, r.body.length);
      assertEquals(-1, raw.in.read(), "then a clean end of stream");
    }
    // java.net.http notices too
    EMU.emulator().armFault("{\"route\":\"GET /v1/files/{id}/content\",\"action\":\"truncate\"}");
    assertThrows(UncheckedIOException.class, () -> api.get("/files/" + file + "/content"));
    // resuming with Range after a short read gives the rest
    HttpResponse<byte[]> rest =
        api.send(
            api.req("/files/" + file + "/content")
                .header("Range", "bytes=" + content.length / 2 + "-")
                .GET()
                .build());
    assertEquals(206, rest.statusCode());
    assertArrayEquals(
        java.util.Arrays.copyOfRange(content, content.length / 2, content.length), rest.body());
  }

  @Test
  void resetIsAnIOException() throws IOException {
    String file = api.upload(sample());
    EMU.emulator().armFault("{\"route\":\"GET /v1/files/{id}/content\",\"action\":\"reset\"}");
    UncheckedIOException e =
        assertThrows(UncheckedIOException.class, () -> api.get("/files/" + file + "/content"));
    assertTrue(e.getCause() instanceof IOException);
    // raw: a reset, not a clean end of stream
    EMU.emulator().armFault("{\"route\":\"GET /v1/files/{id}\",\"action\":\"reset\"}");
    try (RawHttp raw = EMU.raw()) {
      raw.write(
          "GET /v1/files/" + file + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n\r\n");
      assertThrows(
          java.net.SocketException.class,
          () -> {
            raw.read();
            raw.in.read();
          });
    }
    assertArrayEquals(sample(), api.content(file), "next request fine");
  }

  @Test
  void resetDuringUploadLeavesNothingAndReplayWorks() {
    byte[] big = new byte[4 * 1024 * 1024];
    java.util.Arrays.fill(big, (byte) 'a');
    HttpResponse<byte[]> init = api.initiate(Api.UploadStyle.FORM, "batch-api", "a.jsonl");
    String location = init.headers().firstValue("location").orElseThrow();
    String id = init.headers().firstValue("x-together-file-id").orElseThrow();
    EMU.emulator().armFault("{\"route\":\"PUT /_upload/{id}\",\"action\":\"reset\"}");
    assertThrows(
        UncheckedIOException.class,
        () ->
            api.send(
                HttpRequest.newBuilder(URI.create(location))
                    .PUT(BodyPublishers.ofByteArray(big))
                    .build()));
    assertEquals(0, Api.ok(api.get("/files/" + id), 200).get("bytes").asLong());
    HttpResponse<byte[]> replay =
        api.send(
            HttpRequest.newBuilder(URI.create(location))
                .PUT(BodyPublishers.ofByteArray(big))
                .build());
    assertEquals(200, replay.statusCode());
    assertEquals(big.length, Api.ok(api.get("/files/" + id), 200).get("bytes").asLong());
  }

  @Test
  void resetAfterProcessingLosesOnlyTheResponse() {
    String file = api.upload(sample());
    // default phase for a small-body route: processed, then the response is cut by a reset
    EMU.emulator().armFault("{\"route\":\"POST /v1/batches\",\"action\":\"reset\"}");
    assertThrows(
        UncheckedIOException.class,
        () ->
            api.postJson(
                "/batches",
                Api.M.createObjectNode()
                    .put("input_file_id", file)
                    .put("endpoint", "/v1/chat/completions")));
    assertEquals(
        1,
        Api.ok(api.get("/batches"), 200).size(),
        "the batch exists although the client saw an error");
    // request phase: reset before processing
    EMU.emulator()
        .armFault("{\"route\":\"POST /v1/batches\",\"action\":\"reset\",\"phase\":\"request\"}");
    assertThrows(
        UncheckedIOException.class,
        () ->
            api.postJson(
                "/batches",
                Api.M.createObjectNode()
                    .put("input_file_id", file)
                    .put("endpoint", "/v1/chat/completions")));
    assertEquals(1, Api.ok(api.get("/batches"), 200).size());
    // an empty-body response (the PUT's 200) is cut inside its head
    HttpResponse<byte[]> init = api.initiate(Api.UploadStyle.FORM, "batch-api", "a.jsonl");
    EMU.emulator()
        .armFault("{\"route\":\"PUT /_upload/{id}\",\"action\":\"reset\",\"phase\":\"response\"}");
    assertThrows(
        UncheckedIOException.class,
        () ->
            api.send(
                HttpRequest.newBuilder(
                        URI.create(init.headers().firstValue("location").orElseThrow()))
                    .PUT(BodyPublishers.ofByteArray(sample()))
                    .build()));
  }

  @Test
  void delaySlowsTheAnswer() {
    EMU.emulator().armFault("{\"route\":\"GET /v1/files\",\"action\":\"delay\",\"millis\":1200}");
    long t0 = System.nanoTime();
    assertEquals(200, api.get("/files").statusCode());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms >= 1190, "took " + ms);
    long t1 = System.nanoTime();
    api.get("/files");
    assertTrue((System.nanoTime() - t1) / 1_000_000 < 1000, "only once");
    // a client timeout shorter than the delay
    EMU.emulator()
        .armFault(
            "{\"route\":\"GET /v1/files\",\"action\":\"delay\",\"millis\":1500,\"phase\":\"response\"}");
    assertThrows(
        UncheckedIOException.class,
        () -> api.send(api.req("/files").timeout(java.time.Duration.ofMillis(200)).GET().build()));
  }

  @Test
  void hostileLocation() {
    EMU.emulator()
        .armFault(
            "{\"route\":\"POST /v1/files\",\"action\":\"location\",\"location\":\"http://example.com/x\"}");
    HttpResponse<byte[]> r = api.initiate(Api.UploadStyle.FORM, "batch-api", "a.jsonl");
    assertEquals(302, r.statusCode());
    assertEquals("http://example.com/x", r.headers().firstValue("location").orElseThrow());
    assertTrue(r.headers().firstValue("x-together-file-id").isPresent());
  }

  @Test
  void faultListAndValidation() {
    Api.ok(
        api.post(
            "/_emulator/faults",
            "application/json",
            "{\"route\":\"GET /v1/batches\",\"status\":502,\"times\":-1}"),
        200);
    Api.ok(
        api.post(
            "/_emulator/faults",
            "application/json",
            "[{\"route\":\"GET /v1/files\",\"status\":500},{\"route\":\"GET /v1/files\",\"status\":501}]"),
        200);
    JsonNode list = Api.ok(api.get("/_emulator/faults"), 200);
    assertEquals(3, list.size());
    assertEquals(-1, list.get(0).get("remaining").asInt());
    for (int i = 0; i < 3; i++) {
      assertEquals(502, api.get("/batches").statusCode(), "times -1 repeats");
    }
    assertEquals(500, api.get("/files").statusCode(), "first armed first");
    assertEquals(501, api.get("/files").statusCode());
    assertEquals(200, api.get("/files").statusCode());
    Api.ok(api.delete("/_emulator/faults"), 200);
    assertEquals(200, api.get("/batches").statusCode());

    assertEquals(
        400,
        api.post(
                "/_emulator/faults", "application/json", "{\"route\":\"GET /nope\",\"status\":500}")
            .statusCode());
    assertEquals(
        400,
        api.post(
                "/_emulator/faults",
                "application/json",
                "{\"route\":\"GET /v1/files\",\"action\":\"explode\"}")
            .statusCode());
    assertEquals(
        400,
        api.post("/_emulator/faults", "application/json", "{\"route\":\"GET /v1/files\"}")
            .statusCode());
    assertEquals(400, api.post("/_emulator/faults", "application/json", "not json").statusCode());
    assertThrows(
        IllegalArgumentException.class,
        () -> EMU.emulator().armFault("{\"route\":\"GET /v1/files\",\"status\":42}"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            EMU.emulator()
                .armFault(
                    "{\"route\":\"GET /v1/files\",\"action\":\"location\",\"location\":\"x\"}"));
    EMU.emulator().armFault("{\"route\":\"GET /v1/files\",\"status\":500}");
    EMU.emulator().clearFaults();
    assertEquals(200, api.get("/files").statusCode());
  }

  @Test
  void stateCountsRequestsPerRouteTemplate() {
    String file = api.upload(sample());
    String batch = api.createBatch(file, "/v1/chat/completions").get("id").asText();
    JsonNode done = api.waitTerminal(batch);
    api.content(done.get("output_file_id").asText());
    api.get("/batches");
    api.get("/files/nope");
    api.get("/nope");
    JsonNode state = Api.ok(api.get("/_emulator/state"), 200);
    JsonNode req = state.get("requests");
    assertEquals(1, req.get("POST /v1/files").asLong());
    assertEquals(1, req.get("PUT /_upload/{id}").asLong());
    assertEquals(1, req.get("POST /v1/files/{id}/preprocess").asLong());
    assertEquals(1, req.get("POST /v1/batches").asLong());
    assertEquals(1, req.get("GET /v1/files/{id}/content").asLong());
    assertEquals(1, req.get("GET /v1/batches").asLong());
    assertEquals(1, req.get("GET /v1/files/{id}").asLong());
    assertTrue(req.get("GET /v1/batches/{id}").asLong() >= 1);
    assertEquals(req.size(), 8, req::toString);
    JsonNode f = state.get("files").get(0);
    assertEquals(file, f.get("id").asText());
    assertEquals(2, f.get("lines").asLong());
    assertTrue(f.get("uploaded").asBoolean());
    JsonNode b = state.get("batches").get(0);
    assertEquals(batch, b.get("id").asText());
    assertEquals("COMPLETED", b.get("status").asText());
    assertEquals(2, b.get("requests").asLong());
    assertEquals(file, b.get("input_file_id").asText());
    assertEquals(done.get("output_file_id").asText(), b.get("output_file_id").asText());
  }
}
