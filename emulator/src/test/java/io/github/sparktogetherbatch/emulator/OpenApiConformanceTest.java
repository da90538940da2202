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
 * {@link #discrepanciesAreReal()} proves both still exist in the spec.
 */
class OpenApiConformanceTest {
  static final Set<String> NULL_UNTIL_TERMINAL =
      Set.of(
          "BatchJob.output_file_id",
          "BatchJob.error_file_id",
          "BatchJob.error",
          "BatchJob.completed_at");
  static final Map<String, Set<String>> EXTRA_ENUM = Map.of("BatchJobStatus", Set.of("CANCELING"));

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
    ObjectNode c = Api.M.createObjectNode().put("custom_id", "c");
    c.putObject("body").put("model", "emulator/echo").put("prompt", "three");
    JsonNode doneC =
        api.waitTerminal(
            api.createBatch(api.upload(Api.jsonl(List.of(c))), "/v1/completions")
                .get("id")
                .asText());
    for (JsonNode line : Api.lines(api.content(doneC.get("output_file_id").asText()))) {
      assertNamed("CompletionResponse", line.get("response").get("body"));
    }
  }
}
