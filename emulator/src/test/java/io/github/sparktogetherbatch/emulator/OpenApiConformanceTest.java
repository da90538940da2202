package io.github.sparktogetherbatch.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Real emulator responses checked against Together's OpenAPI spec.
 *
 * <p>Where the spec and the live API disagree, the emulator answers as the live API does:
 *
 * <ul>
 *   <li>{@code BatchJob.output_file_id}, {@code error_file_id}, {@code error} and {@code
 *       completed_at} are plain {@code type: string} in the spec, but the API answers {@code null}
 *       for them until the batch is terminal ({@code error}: a job-level message or {@code null}).
 *   <li>{@code BatchJobStatus} lacks {@code CANCELING}, which the API reports right after a cancel.
 * </ul>
 *
 * {@link #discrepanciesAreReal()} proves both still exist in the spec. Where the spec says less
 * than Together's SDKs (the create request's endpoint enum, the file's {@code processing_status}),
 * the tests check the SDKs' values and that the spec still lacks them.
 */
class OpenApiConformanceTest {
  static final Set<String> NULL_UNTIL_TERMINAL =
      Set.of(
          "BatchJob.output_file_id",
          "BatchJob.error_file_id",
          "BatchJob.error",
          "BatchJob.completed_at");
  static final Map<String, Set<String>> EXTRA_ENUM = Map.of("BatchJobStatus", Set.of("CANCELING"));
  static final List<String> CREATE_ENDPOINTS =
      List.of("/v1/chat/completions", "/v1/audio/transcriptions", "/v1/audio/translations");
  static final Set<String> PROCESSING_STATUSES =
      Set.of("PENDING", "QUEUED", "RUNNING", "COMPLETED", "FAILED", "INVALID_FORMAT");

  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();
  static final Api api = EMU.api();
  static OpenApiValidator spec;
  static OpenApiValidator strict;

  @BeforeAll
  static void loadSpec() throws Exception {
    // Together's OpenAPI spec (MIT, see the LICENSE next to it), vendored from their repository.
    String location =
        System.getProperty("together.openapi", "src/test/resources/openapi/together-openapi.yaml");
    Path yaml = Paths.get(location);
    assertTrue(Files.isRegularFile(yaml), "OpenAPI spec not found at " + yaml.toAbsolutePath());
    spec = new OpenApiValidator(yaml, NULL_UNTIL_TERMINAL, EXTRA_ENUM);
    strict = new OpenApiValidator(yaml, Set.of(), Map.of());
  }

  /** Validates against the schema the spec declares for this operation and status. */
  static void assertDeclared(String specPath, String method, HttpResponse<byte[]> r) {
    JsonNode schema = spec.responseSchema(specPath, method, r.statusCode());
    assertNotNull(
        schema,
        "spec declares no JSON schema for " + method + " " + specPath + " " + r.statusCode());
    List<String> errors = spec.validate(schema, Api.json(r));
    assertTrue(
        errors.isEmpty(),
        () -> method + " " + specPath + " " + r.statusCode() + ": " + errors + "\n" + Api.text(r));
  }

  static void assertNamed(String schema, JsonNode value) {
    List<String> errors = spec.validate(schema, value);
    assertTrue(errors.isEmpty(), () -> schema + ": " + errors + "\n" + value);
  }

  @Test
  void validatorCatchesViolations() {
    ObjectNode file =
        Api.M.createObjectNode()
            .put("id", "file-1")
            .put("object", "file")
            .put("created_at", 1)
            .put("filename", "a")
            .put("bytes", 1)
            .put("purpose", "batch-api")
            .put("FileType", "jsonl")
            .put("Processed", false);
    assertEquals(List.of(), spec.validate("FileResponse", file));
    assertFalse(
        spec.validate("FileResponse", file.deepCopy().put("object", "files")).isEmpty(), "const");
    assertFalse(
        spec.validate("FileResponse", file.deepCopy().put("purpose", "nope")).isEmpty(),
        "enum via $ref");
    assertFalse(
        spec.validate("FileResponse", file.deepCopy().put("created_at", "2025-01-01")).isEmpty(),
        "type");
    ObjectNode missing = file.deepCopy();
    missing.remove("Processed");
    assertFalse(spec.validate("FileResponse", missing).isEmpty(), "required");
    ObjectNode list = Api.M.createObjectNode();
    list.putArray("data").add(missing);
    assertFalse(spec.validate("FileList", list).isEmpty(), "items");
    ObjectNode batch = Api.M.createObjectNode().put("id", "not-a-uuid");
    assertFalse(spec.validate("BatchJob", batch).isEmpty(), "format uuid");
    batch.put("id", "01234567-8901-2345-6789-012345678901").put("created_at", "yesterday");
    assertFalse(spec.validate("BatchJob", batch).isEmpty(), "format date-time");
    batch.put("created_at", "2025-06-11T06:11:22.75235Z").put("status", "QUEUED");
    assertFalse(spec.validate("BatchJob", batch).isEmpty(), "status enum");
    batch.put("status", "IN_PROGRESS").put("job_deadline", "2025-06-11T06:11:22+02:00");
    assertEquals(List.of(), spec.validate("BatchJob", batch));
    ObjectNode err = Api.M.createObjectNode();
    err.putObject("error").put("message", "m");
    assertFalse(spec.validate("ErrorData", err).isEmpty(), "nested required");
    assertFalse(
        spec.validate("BatchErrorResponse", Api.M.createObjectNode().set("error", err)).isEmpty());
  }

  @Test
  void discrepanciesAreReal() {
    EMU.emulator().setValidatingMillis(5000);
    String file = api.upload(Api.jsonl(List.of(Api.chatLine("a", "emulator/echo", "x"))));
    JsonNode job = api.createBatch(file, "/v1/chat/completions");
    List<String> errors = strict.validate("BatchJob", job);
    assertTrue(errors.stream().anyMatch(e -> e.contains("output_file_id")), errors::toString);
    JsonNode canceling =
        Api.ok(api.post("/batches/" + job.get("id").asText() + "/cancel", null, null), 200);
    assertTrue(
        strict.validate("BatchJob", canceling).stream().anyMatch(e -> e.contains("CANCELING")));
  }

  @Test
  void filesResponses() {
    byte[] content =
        Api.jsonl(
            List.of(Api.chatLine("a", "emulator/echo", "x"), Api.chatLine("b", "nope/x", "y")));
    HttpResponse<byte[]> init = api.initiate(Api.UploadStyle.FORM, "batch-api", "in.jsonl");
    assertEquals(302, init.statusCode());
    String id = init.headers().firstValue("x-together-file-id").orElseThrow();
    assertDeclared("/files/{id}", "get", api.get("/files/" + id)); // before the PUT
    assertEquals(
        200,
        api.send(
                HttpRequest.newBuilder(
                        URI.create(init.headers().firstValue("location").orElseThrow()))
                    .PUT(BodyPublishers.ofByteArray(content))
                    .build())
            .statusCode());
    assertDeclared("/files/{id}", "get", api.get("/files/" + id));
    assertNamed("FileResponse", Api.ok(api.post("/files/" + id + "/preprocess", null, null), 200));
    assertDeclared("/files/{id}", "get", api.get("/files/" + id));

    Api.Multipart mp =
        new Api.Multipart()
            .field("purpose", "batch-api")
            .field("file_name", "u.jsonl")
            .file("file", "u.jsonl", content);
    assertDeclared(
        "/files/upload",
        "post",
        api.send(
            api.req("/files/upload")
                .header("Content-Type", mp.contentType())
                .POST(mp.publisher())
                .build()));

    JsonNode done =
        api.waitTerminal(api.createBatch(id, "/v1/chat/completions").get("id").asText());
    assertDeclared("/files/{id}", "get", api.get("/files/" + done.get("output_file_id").asText()));
    assertDeclared("/files/{id}", "get", api.get("/files/" + done.get("error_file_id").asText()));
    HttpResponse<byte[]> list = api.get("/files");
    assertDeclared("/files", "get", list);
    assertEquals(4, Api.json(list).get("data").size());
    assertDeclared("/files/{id}", "delete", api.delete("/files/" + id));
  }

  @Test
  void filesErrors() {
    Api.Multipart noFile =
        new Api.Multipart().field("purpose", "batch-api").field("file_name", "u.jsonl");
    assertDeclared(
        "/files/upload",
        "post",
        api.send(
            api.req("/files/upload")
                .header("Content-Type", noFile.contentType())
                .POST(noFile.publisher())
                .build()));
    Api anonymous = EMU.newApi();
    anonymous.key = null;
    assertDeclared(
        "/files/upload",
        "post",
        anonymous.send(
            anonymous
                .req("/files/upload")
                .header("Content-Type", noFile.contentType())
                .POST(noFile.publisher())
                .build()));
    for (HttpResponse<byte[]> r :
        List.of(
            api.get("/files/file-nope"),
            api.delete("/files/file-nope"),
            api.get("/files/file-nope/content"),
            anonymous.get("/files"),
            api.post("/files", "application/x-www-form-urlencoded", "purpose=x"),
            api.post("/files/file-nope/preprocess", null, null))) {
      assertTrue(r.statusCode() >= 400);
      assertNamed("ErrorData", Api.json(r));
    }
    EMU.emulator().armFault("{\"route\":\"GET /v1/files/{id}/content\",\"status\":500}");
    assertDeclared("/files/{id}/content", "get", api.get("/files/file-x/content"));
  }

  @Test
  void batchResponsesInEveryStatus() {
    byte[] content = Api.jsonl(BatchLifecycleTest.numbered(300, "emulator/echo"));
    String file = api.upload(content);

    // VALIDATING, created with a warning-less and a warned response
    EMU.emulator().setValidatingMillis(60_000);
    HttpResponse<byte[]> created =
        api.postJson(
            "/batches",
            Api.M.createObjectNode()
                .put("input_file_id", file)
                .put("endpoint", "/v1/chat/completions")
                .put("completion_window", "24h")
                .put("priority", 1));
    assertDeclared("/batches", "post", created);
    String validating = Api.json(created).get("job").get("id").asText();
    assertDeclared("/batches/{id}", "get", api.get("/batches/" + validating));
    String notPreprocessed = api.upload(content, Api.UploadStyle.QUERY, false);
    HttpResponse<byte[]> warned =
        api.postJson(
            "/batches",
            Api.M.createObjectNode()
                .put("input_file_id", notPreprocessed)
                .put("endpoint", "/v1/chat/completions"));
    assertTrue(Api.json(warned).has("warning"));
    assertDeclared("/batches", "post", warned);

    // IN_PROGRESS, then CANCELING (the cancel response) and CANCELLED
    EMU.emulator().setValidatingMillis(0);
    EMU.emulator().setRequestsPerSecond(50);
    String running = api.createBatch(file, "/v1/chat/completions").get("id").asText();
    api.waitFor(running, Set.of("IN_PROGRESS"), Duration.ofSeconds(10));
    assertDeclared("/batches/{id}", "get", api.get("/batches/" + running));
    HttpResponse<byte[]> cancel = api.post("/batches/" + running + "/cancel", null, null);
    assertEquals("CANCELING", Api.json(cancel).get("status").asText());
    assertDeclared("/batches/{id}/cancel", "post", cancel);
    api.waitTerminal(running);
    assertDeclared("/batches/{id}", "get", api.get("/batches/" + running));

    // EXPIRED and FAILED (forced), FAILED (validation), COMPLETED
    String expiring = api.createBatch(file, "/v1/chat/completions").get("id").asText();
    EMU.emulator().expireBatch(expiring);
    assertDeclared("/batches/{id}", "get", api.get("/batches/" + expiring));
    EMU.emulator().failBatch(validating, "forced");
    assertDeclared("/batches/{id}", "get", api.get("/batches/" + validating));
    String bad =
        api.upload(
            "{\"custom_id\":1,\"body\":{}}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    EMU.emulator().setRequestsPerSecond(0);
    String invalid = api.createBatch(bad, "/v1/chat/completions").get("id").asText();
    assertEquals("FAILED", api.waitTerminal(invalid).get("status").asText());
    assertDeclared("/batches/{id}", "get", api.get("/batches/" + invalid));
    JsonNode done = api.waitTerminal(Api.json(warned).get("job").get("id").asText());
    assertEquals("COMPLETED", done.get("status").asText());
    assertDeclared("/batches/{id}", "get", api.get("/batches/" + done.get("id").asText()));

    HttpResponse<byte[]> list = api.get("/batches");
    assertDeclared("/batches", "get", list);
    Set<String> statuses = new java.util.HashSet<>();
    Api.json(list).forEach(b -> statuses.add(b.get("status").asText()));
    assertEquals(Set.of("COMPLETED", "FAILED", "EXPIRED", "CANCELLED"), statuses);
  }

  @Test
  void batchErrors() {
    Api anonymous = EMU.newApi();
    anonymous.key = null;
    assertDeclared("/batches", "get", anonymous.get("/batches"));
    assertDeclared("/batches", "post", anonymous.post("/batches", "application/json", "{}"));
    assertDeclared("/batches", "post", api.post("/batches", "application/json", "{}"));
    assertDeclared("/batches/{id}", "get", api.get("/batches/nope"));
    assertDeclared("/batches/{id}/cancel", "post", api.post("/batches/nope/cancel", null, null));
    EMU.emulator()
        .armFault("{\"route\":\"POST /v1/batches\",\"status\":429,\"retryAfterSeconds\":1}");
    assertDeclared("/batches", "post", api.post("/batches", "application/json", "{}"));
    EMU.emulator().armFault("{\"route\":\"GET /v1/batches\",\"status\":500}");
    assertDeclared("/batches", "get", api.get("/batches"));
  }

  @Test
  void completionBodies() {
    JsonNode chat =
        Api.ok(
            api.postJson("/chat/completions", Api.chatLine("x", "emulator/echo", "hi").get("body")),
            200);
    assertNamed("ChatCompletionResponse", chat);
    JsonNode text =
        Api.ok(
            api.postJson(
                "/completions",
                Api.M.createObjectNode()
                    .put("model", "emulator/echo")
                    .put("prompt", "hi")
                    .put("max_tokens", 1)),
            200);
    assertNamed("CompletionResponse", text);

    List<JsonNode> input =
        List.of(
            Api.chatLine("a", "emulator/echo", "one"), Api.chatLine("b", "emulator/echo", "two"));
    JsonNode done =
        api.waitTerminal(
            api.createBatch(api.upload(Api.jsonl(input)), "/v1/chat/completions")
                .get("id")
                .asText());
    for (JsonNode line : Api.lines(api.content(done.get("output_file_id").asText()))) {
      assertNamed("ChatCompletionResponse", line.get("response").get("body"));
    }
  }

  /** Every answer shape of the release: reasoning, tool calls, eos, length, JSON, media parts. */
  @Test
  void chatAnswerShapes() {
    List<JsonNode> input =
        List.of(
            Api.chatLine("reasoning", "emulator/reasoning", "think about it"),
            Api.chatLine("eos", "emulator/eos", "end of sequence"),
            ChatFeaturesTest.withMaxTokens(Api.chatLine("length", "emulator/echo", "a b c d"), 2),
            ChatFeaturesTest.forcedTool("tool", "emulator/echo", "call it"),
            ChatFeaturesTest.withSchema(Api.chatLine("json", "emulator/echo", "structured")),
            ChatFeaturesTest.imageLine("image", "what is this"));
    JsonNode done =
        api.waitTerminal(
            api.createBatch(api.upload(Api.jsonl(input)), "/v1/chat/completions")
                .get("id")
                .asText());
    List<JsonNode> out = Api.lines(api.content(done.get("output_file_id").asText()));
    assertEquals(input.size(), out.size(), () -> out.toString());
    Set<String> reasons = new java.util.HashSet<>();
    for (JsonNode line : out) {
      JsonNode body = line.get("response").get("body");
      assertNamed("ChatCompletionResponse", body);
      reasons.add(body.get("choices").get(0).get("finish_reason").asText());
    }
    assertEquals(Set.of("stop", "eos", "length", "tool_calls"), reasons);
  }

  @Test
  void modelList() {
    HttpResponse<byte[]> r = api.get("/models");
    assertDeclared("/models", "get", r);
    assertTrue(Api.json(r).size() > 20);
    Api anonymous = EMU.newApi();
    anonymous.key = null;
    assertDeclared("/models", "get", anonymous.get("/models"));
    EMU.emulator().armFault("{\"route\":\"GET /v1/models\",\"status\":429}");
    assertDeclared("/models", "get", api.get("/models"));
  }

  /**
   * The create request's {@code endpoint}: Together's SDKs enumerate {@code /v1/chat/completions},
   * {@code /v1/audio/transcriptions}, {@code /v1/audio/translations}, but the vendored spec types
   * it as a free string. Each of the three is accepted; {@code /v1/completions} is a declared 400.
   */
  @Test
  void createBatchEndpoints() {
    assertFalse(
        spec.schema("CreateBatchRequest").path("properties").path("endpoint").has("enum"),
        "the spec now enumerates endpoints: validate the request against it");
    String chat = api.upload(Api.jsonl(List.of(Api.chatLine("a", "emulator/echo", "x"))));
    String audio = api.upload(Api.jsonl(List.of(ChatFeaturesTest.audioLine("a"))));
    for (String endpoint : CREATE_ENDPOINTS) {
      HttpResponse<byte[]> r =
          api.postJson(
              "/batches",
              Api.M.createObjectNode()
                  .put("input_file_id", endpoint.contains("audio") ? audio : chat)
                  .put("endpoint", endpoint));
      assertEquals(201, r.statusCode(), () -> Api.text(r));
      assertDeclared("/batches", "post", r);
      assertEquals(
          "COMPLETED",
          api.waitTerminal(Api.json(r).get("job").get("id").asText()).get("status").asText());
    }
    HttpResponse<byte[]> refused =
        api.postJson(
            "/batches",
            Api.M.createObjectNode().put("input_file_id", chat).put("endpoint", "/v1/completions"));
    assertEquals(400, refused.statusCode());
    assertDeclared("/batches", "post", refused);
  }

  /**
   * {@code processing_status}: the vendored spec's {@code FileResponse} does not list it;
   * Together's SDKs type it as the upper-case {@link #PROCESSING_STATUSES}.
   */
  @Test
  void fileProcessingStatus() {
    assertFalse(spec.schema("FileResponse").path("properties").has("processing_status"));
    HttpResponse<byte[]> init = api.initiate(Api.UploadStyle.FORM, "batch-api", "in.jsonl");
    String id = init.headers().firstValue("x-together-file-id").orElseThrow();
    String pending = Api.ok(api.get("/files/" + id), 200).get("processing_status").asText();
    assertEquals("PENDING", pending);
    String uploaded = api.upload(Api.jsonl(List.of(Api.chatLine("a", "emulator/echo", "x"))));
    JsonNode done =
        api.waitTerminal(api.createBatch(uploaded, "/v1/chat/completions").get("id").asText());
    for (String f :
        List.of(
            uploaded, done.get("output_file_id").asText(), done.get("error_file_id").asText())) {
      String status = Api.ok(api.get("/files/" + f), 200).get("processing_status").asText();
      assertEquals("COMPLETED", status);
    }
    for (JsonNode f : Api.ok(api.get("/files"), 200).get("data")) {
      assertTrue(PROCESSING_STATUSES.contains(f.get("processing_status").asText()), f::toString);
    }
  }
}
