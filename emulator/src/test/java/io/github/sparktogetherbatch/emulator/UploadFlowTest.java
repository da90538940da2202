package io.github.sparktogetherbatch.emulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparktogetherbatch.emulator.Api.UploadStyle;
import io.github.sparktogetherbatch.emulator.model.DeterministicModel;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The whole flow in every upload style, and the upload/download edge cases. */
class UploadFlowTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();
  static final Api api = EMU.api();

  static List<JsonNode> mixedInput() {
    List<JsonNode> in = new ArrayList<>();
    in.add(Api.chatLine("ok-1", "emulator/echo", "Hello, world!"));
    in.add(
        Api.chatLine(
            "ok-2", "meta-llama/Llama-3.3-70B-Instruct-Turbo", "What is the capital of France?"));
    ObjectNode limited =
        Api.chatLine("ok-3-length", "Qwen/Qwen2.5-7B-Instruct-Turbo", "one two three four five");
    ((ObjectNode) limited.get("body")).put("max_tokens", 3);
    in.add(limited);
    in.add(Api.chatLine("bad-model", "no-such/model", "hi"));
    in.add(Api.chatLine("fail-obj", "emulator/echo", "please !!fail!! now"));
    in.add(Api.chatLine("fail-str", "emulator/echo", "please !!fail-string!! now"));
    in.add(Api.chatLine("fail-resp", "emulator/echo", "please !!fail-response!! now"));
    ObjectNode noMessages = Api.M.createObjectNode().put("custom_id", "no-messages");
    noMessages.putObject("body").put("model", "emulator/echo");
    in.add(noMessages);
    ObjectNode openAiStyle = Api.chatLine("openai-style", "emulator/echo", "tolerated keys");
    openAiStyle.put("method", "POST").put("url", "/v1/chat/completions");
    in.add(openAiStyle);
    return in;
  }

  static Stream<Arguments> styles() {
    List<Arguments> out = new ArrayList<>();
    for (UploadStyle s : UploadStyle.values()) {
      out.add(Arguments.of(s, true));
      if (s != UploadStyle.UPLOAD_ENDPOINT) {
        out.add(Arguments.of(s, false));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}, preprocess={1}")
  @MethodSource("styles")
  void fullFlow(UploadStyle style, boolean preprocess) {
    List<JsonNode> input = mixedInput();
    byte[] content = Api.jsonl(input);
    String fileId = api.upload(content, style, preprocess);
    assertTrue(fileId.startsWith("file-"));

    JsonNode file = Api.ok(api.get("/files/" + fileId), 200);
    assertEquals("batch-api", file.get("purpose").asText());
    assertEquals("jsonl", file.get("FileType").asText());
    assertEquals("file", file.get("object").asText());
    assertTrue(file.get("created_at").isIntegralNumber());

    JsonNode job = api.createBatch(fileId, DeterministicModel.CHAT_COMPLETIONS);
    String batchId = job.get("id").asText();
    assertTrue(
        batchId.matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"),
        batchId);
    assertEquals(
        "emulator/echo", job.get("model_id").asText(), "model_id filled from the first line");
    assertEquals(content.length, job.get("file_size_bytes").asLong());
    assertTrue(job.get("output_file_id").isNull());
    assertTrue(job.get("error_file_id").isNull());
    assertTrue(job.get("completed_at").isNull());

    JsonNode done = api.waitTerminal(batchId);
    assertEquals("COMPLETED", done.get("status").asText());
    assertEquals(100.0, done.get("progress").asDouble());
    assertTrue(done.get("error").isNull());
    assertTrue(done.get("completed_at").isTextual());
    String out = done.get("output_file_id").asText();
    String err = done.get("error_file_id").asText();

    // listed, and downloadable
    JsonNode list = Api.ok(api.get("/files"), 200).get("data");
    List<String> ids = new ArrayList<>();
    list.forEach(f -> ids.add(f.get("id").asText()));
    assertTrue(ids.containsAll(List.of(fileId, out, err)), ids::toString);
    assertEquals("batch-generated", Api.ok(api.get("/files/" + out), 200).get("purpose").asText());
    JsonNode batches = Api.ok(api.get("/batches"), 200);
    assertTrue(batches.isArray());
    assertEquals(batchId, batches.get(0).get("id").asText());

    Results.Counts c =
        Results.verify(
            DeterministicModel.CHAT_COMPLETIONS,
            input,
            api.content(out),
            api.content(err),
            null,
            true);
    assertEquals(4, c.succeeded);
    assertEquals(5, c.failed);

    // delete
    JsonNode del = Api.ok(api.delete("/files/" + fileId), 200);
    assertEquals(fileId, del.get("id").asText());
    assertEquals("file", del.get("object").asText());
    assertTrue(del.get("deleted").asBoolean());
    assertEquals(404, api.get("/files/" + fileId).statusCode());
    assertEquals(404, api.delete("/files/" + fileId).statusCode());
    assertEquals(404, api.get("/files/" + fileId + "/content").statusCode());
  }

  @Test
  void redirectHeadersAndSignedPut() throws Exception {
    HttpResponse<byte[]> r = api.initiate(UploadStyle.FORM, "batch-api", "x.jsonl");
    assertEquals(302, r.statusCode());
    String location = r.headers().firstValue("Location").orElseThrow();
    String id = r.headers().firstValue("X-Together-File-Id").orElseThrow();
    assertTrue(
        id.matches("file-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"), id);
    assertTrue(location.contains("/_upload/") && location.contains("X-Amz-Signature="), location);
    assertFalse(location.contains("/v1/"), "the signed URL is not an API route");
    byte[] data = "{\"custom_id\":\"a\",\"body\":{}}\n".getBytes(StandardCharsets.UTF_8);

    // an Authorization header is refused, as storage refuses a second auth mechanism
    HttpResponse<byte[]> withAuth =
        api.send(
            HttpRequest.newBuilder(URI.create(location))
                .header("Authorization", "Bearer " + Api.KEY)
                .PUT(BodyPublishers.ofByteArray(data))
                .build());
    assertEquals(400, withAuth.statusCode());
    assertTrue(Api.text(withAuth).contains("<Code>InvalidArgument</Code>"));

    // a chunked body (no Content-Length) is refused with 411
    HttpResponse<byte[]> chunked =
        api.send(
            HttpRequest.newBuilder(URI.create(location))
                .PUT(BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(data)))
                .build());
    assertEquals(411, chunked.statusCode());
    assertTrue(Api.text(chunked).contains("MissingContentLength"));

    // no Content-Length at all (raw)
    URI u = URI.create(location);
    try (RawHttp raw = EMU.raw()) {
      raw.write(
          "PUT "
              + u.getRawPath()
              + "?"
              + u.getRawQuery()
              + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertEquals(411, raw.read().status);
    }

    // a tampered signature is refused with 403
    HttpResponse<byte[]> tampered =
        api.send(
            HttpRequest.newBuilder(
                    URI.create(
                        location.replaceAll("X-Amz-Signature=[0-9a-f]{4}", "X-Amz-Signature=ffff")))
                .PUT(BodyPublishers.ofByteArray(data))
                .build());
    assertEquals(403, tampered.statusCode());

    // nothing stored so far
    assertEquals(0, Api.ok(api.get("/files/" + id), 200).get("bytes").asLong());

    // the real PUT: exactly 200; a replayed PUT overwrites
    HttpResponse<byte[]> put =
        api.send(
            HttpRequest.newBuilder(URI.create(location))
                .PUT(BodyPublishers.ofByteArray(new byte[] {'x'}))
                .build());
    assertEquals(200, put.statusCode());
    HttpResponse<byte[]> put2 =
        api.send(
            HttpRequest.newBuilder(URI.create(location))
                .PUT(BodyPublishers.ofByteArray(data))
                .build());
    assertEquals(200, put2.statusCode());
    assertTrue(put2.headers().firstValue("etag").isPresent());
    assertArrayEquals(data, api.content(id));
    assertEquals(data.length, Api.ok(api.get("/files/" + id), 200).get("bytes").asLong());
    assertEquals(6, EMU.emulator().requestCount("PUT /_upload/{id}"));
  }

  @Test
  void expectContinueGetsAnInterimResponse() throws Exception {
    HttpResponse<byte[]> r = api.initiate(UploadStyle.FORM, "batch-api", "x.jsonl");
    URI u = URI.create(r.headers().firstValue("Location").orElseThrow());
    String id = r.headers().firstValue("X-Together-File-Id").orElseThrow();
    byte[] data = "{\"custom_id\":\"a\",\"body\":{}}\n".getBytes(StandardCharsets.UTF_8);
    try (RawHttp raw = EMU.raw()) {
      raw.write(
          "PUT "
              + u.getRawPath()
              + "?"
              + u.getRawQuery()
              + " HTTP/1.1\r\nHost: x\r\nContent-Length: "
              + data.length
              + "\r\nExpect: 100-continue\r\n\r\n");
      RawHttp.Response cont = raw.read();
      assertEquals(100, cont.status);
      raw.write(data);
      assertEquals(200, raw.read().status);
      // keep-alive: a second request on the same connection
      raw.write("GET /v1/files/" + id + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n\r\n");
      RawHttp.Response f = raw.read();
      assertEquals(200, f.status);
      assertEquals(data.length, Api.M.readTree(f.body).get("bytes").asLong());
    }
    // refused before the body: no 100, a final answer, and the connection closes
    try (RawHttp raw = EMU.raw()) {
      raw.write(
          "PUT "
              + u.getRawPath()
              + "?"
              + u.getRawQuery()
              + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k"
              + "\r\nContent-Length: 1000000\r\nExpect: 100-continue\r\n\r\n");
      RawHttp.Response resp = raw.read();
      assertEquals(400, resp.status);
      assertEquals("close", resp.header("connection"));
    }
  }

  @Test
  void chunkedFormBodyAndUnknownRoutes() throws Exception {
    String form = "purpose=batch-api&file_name=c.jsonl&file_type=jsonl";
    HttpResponse<byte[]> r =
        api.send(
            api.req("/files")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    BodyPublishers.ofInputStream(
                        () ->
                            new java.io.ByteArrayInputStream(
                                form.getBytes(StandardCharsets.UTF_8))))
                .build());
    assertEquals(302, r.statusCode(), () -> Api.text(r));

    assertEquals(404, api.get("/nope").statusCode());
    assertEquals("not_found", Api.json(api.get("/nope")).get("error").get("code").asText());
    assertEquals(404, api.get("/files/").statusCode(), "no trailing-slash leniency");
    assertEquals(
        405, api.send(api.req("/files").PUT(BodyPublishers.noBody()).build()).statusCode());
    assertEquals(405, api.send(api.req("/batches/x").DELETE().build()).statusCode());
    assertTrue(Api.json(api.send(api.req("/batches/x").DELETE().build())).get("error").isTextual());
  }

  @Test
  void rawProtocolEdges() throws Exception {
    try (RawHttp raw = EMU.raw()) {
      // absolute-form target, then pipelined requests on one connection
      raw.write(
          "GET http://127.0.0.1:"
              + EMU.emulator().port()
              + "/v1/files HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n\r\n"
              + "GET /v1/batches HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n\r\n");
      assertEquals(200, raw.read().status);
      RawHttp.Response second = raw.read();
      assertEquals(200, second.status);
      assertEquals("[]", second.text());
      // chunked request body with an extension and a trailer
      String chunked =
          "POST /v1/files HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n"
              + "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "11;ext=1\r\npurpose=batch-api\r\n"
              + "12\r\n&file_name=a.jsonl\r\n0\r\nX-Trailer: y\r\n\r\n";
      raw.write(chunked);
      assertEquals(302, raw.read().status);
      // HTTP/1.0 closes after the response
      raw.write("GET /v1/files HTTP/1.0\r\nAuthorization: Bearer k\r\n\r\n");
      RawHttp.Response last = raw.read();
      assertEquals(200, last.status);
      assertEquals("close", last.header("connection"));
    }
    try (RawHttp raw = EMU.raw()) {
      raw.write("BROKEN\r\n\r\n");
      assertEquals(400, raw.read().status);
    }
    try (RawHttp raw = EMU.raw()) {
      raw.write("GET /v1/files HTTP/2.0\r\n\r\n");
      assertEquals(505, raw.read().status);
    }
  }

  @Test
  void missingOrInvalidFields() {
    HttpResponse<byte[]> noPurpose =
        api.post("/files", "application/x-www-form-urlencoded", "file_name=a.jsonl");
    assertEquals(400, noPurpose.statusCode());
    assertEquals("purpose", Api.json(noPurpose).get("error").get("param").asText());
    HttpResponse<byte[]> badPurpose =
        api.post("/files", "application/x-www-form-urlencoded", "purpose=nope&file_name=a.jsonl");
    assertEquals(400, badPurpose.statusCode());
    HttpResponse<byte[]> noName =
        api.post("/files", "application/x-www-form-urlencoded", "purpose=batch-api");
    assertEquals(400, noName.statusCode());
    HttpResponse<byte[]> badType =
        api.post(
            "/files",
            "application/x-www-form-urlencoded",
            "purpose=batch-api&file_name=a&file_type=xml");
    assertEquals(400, badType.statusCode());
    Api.Multipart mp =
        new Api.Multipart().field("purpose", "batch-api").field("file_name", "a.jsonl");
    HttpResponse<byte[]> noFile =
        api.send(
            api.req("/files/upload")
                .header("Content-Type", mp.contentType())
                .POST(mp.publisher())
                .build());
    assertEquals(400, noFile.statusCode());
    assertEquals("file", Api.json(noFile).get("error").get("param").asText());
  }

  @Test
  void multipartInitiateIgnoresAFilePart() {
    // some clients send an empty file part along with the fields
    Api.Multipart mp =
        new Api.Multipart()
            .field("purpose", "batch-api")
            .field("file_name", "a.jsonl")
            .file("file", "a.jsonl", new byte[0]);
    HttpResponse<byte[]> r =
        api.send(
            api.req("/files")
                .header("Content-Type", mp.contentType())
                .POST(mp.publisher())
                .build());
    assertEquals(302, r.statusCode(), () -> Api.text(r));
  }

  @Test
  void duplicateChecksumIs409WithTheExistingFileId() throws Exception {
    byte[] content = Api.jsonl(List.of(Api.chatLine("a", "emulator/echo", "x")));
    String first = api.upload(content);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    HttpResponse<byte[]> r =
        api.post(
            "/files",
            "application/x-www-form-urlencoded",
            "purpose=batch-api&file_name=a.jsonl&file_type=jsonl&checksum=" + sha);
    assertEquals(409, r.statusCode());
    assertEquals(first, Api.json(r).get("file_id").asText());
    HttpResponse<byte[]> other =
        api.post(
            "/files",
            "application/x-www-form-urlencoded",
            "purpose=batch-api&file_name=a.jsonl&file_type=jsonl&checksum=" + "0".repeat(64));
    assertEquals(302, other.statusCode());
  }

  @Test
  void rangeResumeAndEmptyFiles() throws Exception {
    byte[] content =
        Api.jsonl(
            List.of(
                Api.chatLine("a", "emulator/echo", "hello"),
                Api.chatLine("b", "emulator/echo", "world")));
    String id = api.upload(content);
    HttpResponse<byte[]> partial =
        api.send(api.req("/files/" + id + "/content").header("Range", "bytes=10-").GET().build());
    assertEquals(206, partial.statusCode());
    assertEquals(
        "bytes 10-" + (content.length - 1) + "/" + content.length,
        partial.headers().firstValue("content-range").orElseThrow());
    assertArrayEquals(java.util.Arrays.copyOfRange(content, 10, content.length), partial.body());
    HttpResponse<byte[]> head =
        api.send(api.req("/files/" + id + "/content").header("Range", "bytes=0-1").GET().build());
    assertEquals(206, head.statusCode());
    assertEquals(2, head.body().length);
    assertEquals(
        "bytes 0-1/" + content.length, head.headers().firstValue("content-range").orElseThrow());
    HttpResponse<byte[]> past =
        api.send(
            api.req("/files/" + id + "/content")
                .header("Range", "bytes=" + content.length + "-")
                .GET()
                .build());
    assertEquals(416, past.statusCode());
    assertEquals(
        "bytes */" + content.length, past.headers().firstValue("content-range").orElseThrow());
    HttpResponse<byte[]> full = api.get("/files/" + id + "/content");
    assertEquals(
        "application/octet-stream", full.headers().firstValue("content-type").orElseThrow());
    assertArrayEquals(content, full.body());

    // all succeed -> the error file exists and is empty
    JsonNode done =
        api.waitTerminal(
            api.createBatch(id, DeterministicModel.CHAT_COMPLETIONS).get("id").asText());
    String err = done.get("error_file_id").asText();
    HttpResponse<byte[]> empty = api.get("/files/" + err + "/content");
    assertEquals(200, empty.statusCode());
    assertEquals("0", empty.headers().firstValue("content-length").orElseThrow());
    assertEquals(0, empty.body().length);
    assertEquals(0, Api.ok(api.get("/files/" + err), 200).get("bytes").asLong());
    HttpResponse<byte[]> emptyRange =
        api.send(api.req("/files/" + err + "/content").header("Range", "bytes=0-").GET().build());
    assertEquals(200, emptyRange.statusCode());
  }

  @Test
  void idsAreMatchedExactlyAndDecodedOnce() {
    String id = api.upload(Api.jsonl(List.of(Api.chatLine("a", "emulator/echo", "x"))));
    String encoded = id.replace("-", "%2D");
    assertEquals(
        200,
        api.get("/files/" + encoded).statusCode(),
        "a percent-encoded segment is decoded once");
    assertEquals(404, api.get("/files/" + id.replace("-", "%252D")).statusCode(), "and only once");
    assertEquals(404, api.get("/files/" + id.toUpperCase(java.util.Locale.ROOT)).statusCode());
    assertEquals(404, api.get("/files/..%2F..%2Fetc%2Fpasswd/content").statusCode());
    assertEquals(404, api.get("/files/%2E%2E/content").statusCode());
  }

  @Test
  void notPreprocessedFileStillWorksAndWarns() {
    String id =
        api.upload(
            Api.jsonl(List.of(Api.chatLine("a", "emulator/echo", "x"))), UploadStyle.QUERY, false);
    JsonNode created =
        Api.ok(
            api.postJson(
                "/batches",
                Api.M.createObjectNode()
                    .put("input_file_id", id)
                    .put("endpoint", "/v1/chat/completions")),
            201);
    assertTrue(created.get("warning").isTextual());
    assertEquals(
        "COMPLETED",
        api.waitTerminal(created.get("job").get("id").asText()).get("status").asText());
  }

  @Test
  void largeUploadAndDownloadStream() {
    // 20 MB through the signed PUT and back, without materialising it twice in the test
    int lines = 100_000;
    StringBuilder sb = new StringBuilder();
    String pad = "x".repeat(150);
    for (int i = 0; i < lines; i++) {
      sb.append("{\"custom_id\":\"r")
          .append(i)
          .append(
              "\",\"body\":{\"model\":\"emulator/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"")
          .append(pad)
          .append("\"}]}}\n");
    }
    byte[] content = sb.toString().getBytes(StandardCharsets.UTF_8);
    long t0 = System.nanoTime();
    String id = api.upload(content);
    byte[] back = api.content(id);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertArrayEquals(content, back);
    assertTrue(ms < 10_000, "20 MB round trip took " + ms + " ms");
    assertEquals(lines, EMU.emulator().state().get("files").get(0).get("lines").asLong());
  }

  @Test
  void uploadEndpointRejectsWrongMediaType() {
    HttpResponse<byte[]> r = api.post("/files/upload", "application/json", "{}");
    assertEquals(400, r.statusCode());
    assertNotEquals(0, r.body().length);
  }
}
