package io.github.sparktogetherbatch.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparktogetherbatch.emulator.model.DeterministicModel;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Batch statuses, validation, cancel/expire/fail, ordering and the create-time checks. */
class BatchLifecycleTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();
  static final Api api = EMU.api();

  @RegisterExtension
  static final EmulatorExtension NULL_LIST =
      new EmulatorExtension(EmulatorOptions.builder().nullEmptyBatchList(true).build());

  static List<JsonNode> numbered(int n, String model) {
    List<JsonNode> in = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String text = i % 97 == 5 ? "request " + i + " !!fail!!" : "request number " + i;
      in.add(Api.chatLine("req-" + i, model, text));
    }
    return in;
  }

  @Test
  void multiChunkOutputIsNotInInputOrder() {
    List<JsonNode> input = numbered(2500, "emulator/echo");
    String file = api.upload(Api.jsonl(input));
    JsonNode done =
        api.waitTerminal(
            api.createBatch(file, DeterministicModel.CHAT_COMPLETIONS).get("id").asText());
    assertEquals("COMPLETED", done.get("status").asText());
    Results.Counts c =
        Results.verify(
            DeterministicModel.CHAT_COMPLETIONS,
            input,
            api.content(done.get("output_file_id").asText()),
            api.content(done.get("error_file_id").asText()),
            null,
            true);
    List<String> inputOrder = new ArrayList<>();
    for (JsonNode l : input) {
      String id = l.get("custom_id").asText();
      if (c.outputOrder.contains(id)) {
        inputOrder.add(id);
      }
    }
    assertEquals(inputOrder.size(), c.outputOrder.size());
    assertNotEquals(inputOrder, c.outputOrder, "output order is unrelated to input order");
    assertEquals(2500 - c.succeeded, c.failed);
    assertTrue(c.failed > 20);
  }

  @Test
  void batchModelIdFillsLinesWithoutAModel() {
    List<JsonNode> input = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      // no body.model: the batch's model_id applies
      ObjectNode l = Api.chatLine("c" + i, null, "Once upon a time " + i);
      ((ObjectNode) l.get("body")).put("max_tokens", i + 2);
      input.add(l);
    }
    input.add(Api.chatLine("named", "emulator/other", "short"));
    String file = api.upload(Api.jsonl(input));
    ObjectNode req =
        Api.M.createObjectNode()
            .put("input_file_id", file)
            .put("endpoint", "/v1/chat/completions")
            .put("model_id", "emulator/batch-model");
    JsonNode job = Api.ok(api.postJson("/batches", req), 201).get("job");
    assertEquals("emulator/batch-model", job.get("model_id").asText());
    assertEquals("/v1/chat/completions", job.get("endpoint").asText());
    JsonNode done = api.waitTerminal(job.get("id").asText());
    Results.Counts c =
        Results.verify(
            DeterministicModel.CHAT_COMPLETIONS,
            input,
            api.content(done.get("output_file_id").asText()),
            api.content(done.get("error_file_id").asText()),
            "emulator/batch-model",
            true);
    assertEquals(6, c.succeeded);
    String out =
        new String(api.content(done.get("output_file_id").asText()), StandardCharsets.UTF_8);
    assertTrue(out.contains("\"finish_reason\":\"length\""));
    assertTrue(out.contains("\"model\":\"emulator/batch-model\""));
    assertTrue(out.contains("\"model\":\"emulator/other\""));
  }

  static Stream<Arguments> invalidFiles() {
    String ok = "{\"custom_id\":\"a\",\"body\":{\"model\":\"emulator/echo\",\"messages\":[]}}\n";
    return Stream.of(
        Arguments.of("not json", ok + "this is not json\n", "not valid JSON"),
        Arguments.of("array line", ok + "[1,2]\n", "not a JSON object"),
        Arguments.of(
            "missing custom_id", ok + "{\"body\":{}}\n", "missing required field 'custom_id'"),
        Arguments.of(
            "numeric custom_id", ok + "{\"custom_id\":7,\"body\":{}}\n", "must be a string"),
        Arguments.of(
            "empty custom_id", ok + "{\"custom_id\":\"\",\"body\":{}}\n", "must not be empty"),
        Arguments.of("duplicate custom_id", ok + ok, "duplicate custom_id 'a'"),
        Arguments.of(
            "65-char custom_id",
            "{\"custom_id\":\"" + "x".repeat(65) + "\",\"body\":{}}\n",
            "longer than 64"),
        Arguments.of("missing body", "{\"custom_id\":\"b\"}\n", "missing required field 'body'"),
        Arguments.of(
            "string body",
            "{\"custom_id\":\"b\",\"body\":\"hi\"}\n",
            "'body' must be a JSON object"),
        Arguments.of("blank line", ok + "\n" + ok.replace("\"a\"", "\"b\""), "line 2 is empty"),
        Arguments.of(
            "trailing garbage", "{\"custom_id\":\"b\",\"body\":{}} x\n", "not valid JSON"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidFiles")
  void invalidInputFails(String name, String content, String messagePart) {
    String file = api.upload(content.getBytes(StandardCharsets.UTF_8));
    JsonNode job = api.createBatch(file, DeterministicModel.CHAT_COMPLETIONS);
    assertEquals("VALIDATING", job.get("status").asText());
    JsonNode done = api.waitTerminal(job.get("id").asText());
    assertEquals("FAILED", done.get("status").asText());
    assertTrue(done.get("error").asText().contains(messagePart), done.get("error").asText());
    assertTrue(done.get("output_file_id").isNull());
    assertTrue(done.get("error_file_id").isNull());
    assertTrue(done.get("completed_at").isTextual());
  }

  @Test
  void exactly64CharsAndMaxLinesAreAccepted() {
    String id64 = "y".repeat(64);
    String file = api.upload(Api.jsonl(List.of(Api.chatLine(id64, "emulator/echo", "x"))));
    assertEquals(
        "COMPLETED",
        api.waitTerminal(api.createBatch(file, "/v1/chat/completions").get("id").asText())
            .get("status")
            .asText());
  }

  @Test
  void moreThan50000RequestsFail() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i <= 50_000; i++) {
      sb.append("{\"custom_id\":\"").append(i).append("\",\"body\":{}}\n");
    }
    String file = api.upload(sb.toString().getBytes(StandardCharsets.UTF_8));
    JsonNode done =
        api.waitTerminal(api.createBatch(file, "/v1/chat/completions").get("id").asText());
    assertEquals("FAILED", done.get("status").asText());
    assertTrue(done.get("error").asText().contains("50000"), done.toString());
  }

  @Test
  void createTimeChecks() {
    String file = api.upload(Api.jsonl(List.of(Api.chatLine("a", "emulator/echo", "x"))));
    assertBatchError(
        api.postJson(
            "/batches",
            Api.M.createObjectNode().put("input_file_id", file).put("endpoint", "/v1/embeddings")),
        400,
        "Invalid endpoint '/v1/embeddings'");
    // batches can no longer target /v1/completions; the live route still answers it
    assertBatchError(
        api.postJson(
            "/batches",
            Api.M.createObjectNode().put("input_file_id", file).put("endpoint", "/v1/completions")),
        400,
        "must be one of /v1/chat/completions, /v1/audio/transcriptions, /v1/audio/translations");
    assertEquals(0, EMU.emulator().state().get("batches").size(), "nothing was created");
    assertBatchError(
        api.postJson("/batches", Api.M.createObjectNode().put("input_file_id", file)),
        400,
        "endpoint is required");
    assertBatchError(
        api.postJson(
            "/batches",
            Api.M.createObjectNode()
                .put("input_file_id", "file-nope")
                .put("endpoint", "/v1/chat/completions")),
        400,
        "not found");
    assertBatchError(
        api.postJson("/batches", Api.M.createObjectNode().put("endpoint", "/v1/chat/completions")),
        400,
        "input_file_id");
    assertBatchError(
        api.postJson(
            "/batches",
            Api.M.createObjectNode()
                .put("input_file_id", file)
                .put("endpoint", "/v1/chat/completions")
                .put("completion_window", "48h")),
        400,
        "24h");
    assertBatchError(api.post("/batches", "application/json", "{not json"), 400, "JSON");
    assertBatchError(
        api.post(
            "/batches",
            "application/x-www-form-urlencoded",
            "{\"input_file_id\":\"" + file + "\",\"endpoint\":\"/v1/chat/completions\"}"),
        400,
        "Content-Type");
    assertBatchError(
        api.post(
            "/batches",
            null,
            "{\"input_file_id\":\"" + file + "\",\"endpoint\":\"/v1/chat/completions\"}"),
        400,
        "Content-Type");
    assertEquals(
        201,
        api.post(
                "/batches",
                "application/json; charset=utf-8",
                "{\"input_file_id\":\"" + file + "\",\"endpoint\":\"/v1/chat/completions\"}")
            .statusCode());
    // an input file with another purpose
    HttpResponse<byte[]> init =
        api.post(
            "/files",
            "application/x-www-form-urlencoded",
            "purpose=fine-tune&file_name=f.jsonl&file_type=jsonl");
    String ft = init.headers().firstValue("x-together-file-id").orElseThrow();
    assertBatchError(
        api.postJson(
            "/batches",
            Api.M.createObjectNode()
                .put("input_file_id", ft)
                .put("endpoint", "/v1/chat/completions")),
        400,
        "has no content");
    assertBatchError(api.get("/batches/00000000-0000-4000-8000-000000000000"), 404, "not found");
    assertBatchError(
        api.post("/batches/00000000-0000-4000-8000-000000000000/cancel", null, null),
        404,
        "not found");
  }

  private static void assertBatchError(HttpResponse<byte[]> r, int status, String part) {
    assertEquals(status, r.statusCode(), () -> Api.text(r));
    JsonNode e = Api.json(r).get("error");
    assertTrue(e.isTextual(), "batches use {\"error\": \"<string>\"}");
    assertTrue(e.asText().contains(part), e.asText());
  }

  @Test
  void progressRisesAndCancelKeepsFinishedResults() {
    EMU.emulator().setRequestsPerSecond(100);
    List<JsonNode> input = numbered(400, "emulator/echo");
    String file = api.upload(Api.jsonl(input));
    String id = api.createBatch(file, DeterministicModel.CHAT_COMPLETIONS).get("id").asText();
    JsonNode running = api.waitFor(id, Set.of("IN_PROGRESS"), Duration.ofSeconds(10));
    double p1 = running.get("progress").asDouble();
    Api.sleep(300);
    double p2 = api.batch(id).get("progress").asDouble();
    assertTrue(p2 > p1 && p2 < 100.0, p1 + " -> " + p2);

    JsonNode canceling = Api.ok(api.post("/batches/" + id + "/cancel", null, null), 200);
    assertEquals("CANCELING", canceling.get("status").asText());
    assertEquals(id, canceling.get("id").asText());
    // cancelling again is fine while CANCELING
    assertEquals(200, api.post("/batches/" + id + "/cancel", null, null).statusCode());
    JsonNode done = api.waitTerminal(id);
    assertEquals("CANCELLED", done.get("status").asText());
    assertTrue(done.get("progress").asDouble() < 100.0);
    Results.Counts c =
        Results.verify(
            DeterministicModel.CHAT_COMPLETIONS,
            input,
            api.content(done.get("output_file_id").asText()),
            api.content(done.get("error_file_id").asText()),
            null,
            false);
    int finished = c.succeeded + c.failed;
    assertTrue(finished > 0 && finished < 400, "finished " + finished);
    // a terminal batch cannot be cancelled
    HttpResponse<byte[]> again = api.post("/batches/" + id + "/cancel", null, null);
    assertEquals(400, again.statusCode());
    assertEquals(finished, EMU.emulator().state().get("batches").get(0).get("processed").asInt());
  }

  @Test
  void expireKeepsFinishedResults() {
    EMU.emulator().setRequestsPerSecond(200);
    List<JsonNode> input = numbered(1000, "emulator/echo");
    String id =
        api.createBatch(api.upload(Api.jsonl(input)), DeterministicModel.CHAT_COMPLETIONS)
            .get("id")
            .asText();
    api.waitFor(id, Set.of("IN_PROGRESS"), Duration.ofSeconds(10));
    Api.sleep(200);
    EMU.emulator().expireBatch(id);
    JsonNode done = api.batch(id);
    assertEquals("EXPIRED", done.get("status").asText());
    Results.Counts c =
        Results.verify(
            DeterministicModel.CHAT_COMPLETIONS,
            input,
            api.content(done.get("output_file_id").asText()),
            api.content(done.get("error_file_id").asText()),
            null,
            false);
    assertTrue(c.succeeded + c.failed < 1000);
    assertThrows(IllegalStateException.class, () -> EMU.emulator().expireBatch(id));
    assertThrows(IllegalArgumentException.class, () -> EMU.emulator().expireBatch("nope"));
  }

  @Test
  void expireAndFailOverHttp() {
    EMU.emulator().setRequestsPerSecond(5);
    String file = api.upload(Api.jsonl(numbered(100, "emulator/echo")));
    String a = api.createBatch(file, DeterministicModel.CHAT_COMPLETIONS).get("id").asText();
    String b = api.createBatch(file, DeterministicModel.CHAT_COMPLETIONS).get("id").asText();
    JsonNode expired = Api.ok(api.post("/_emulator/batches/" + a + "/expire", null, null), 200);
    assertEquals("EXPIRED", expired.get("status").asText());
    JsonNode failed =
        Api.ok(
            api.post(
                "/_emulator/batches/" + b + "/fail",
                "application/json",
                "{\"error\":\"capacity exhausted\"}"),
            200);
    assertEquals("FAILED", failed.get("status").asText());
    assertEquals("capacity exhausted", failed.get("error").asText());
    assertEquals(409, api.post("/_emulator/batches/" + b + "/fail", null, null).statusCode());
    assertEquals(404, api.post("/_emulator/batches/nope/expire", null, null).statusCode());
  }

  @Test
  void failBatchViaJavaApi() {
    EMU.emulator().setValidatingMillis(10_000);
    String id =
        api.createBatch(api.upload(Api.jsonl(numbered(3, "emulator/echo"))), "/v1/chat/completions")
            .get("id")
            .asText();
    assertEquals("VALIDATING", api.batch(id).get("status").asText());
    EMU.emulator().failBatch(id, "quota exceeded");
    JsonNode b = api.batch(id);
    assertEquals("FAILED", b.get("status").asText());
    assertEquals("quota exceeded", b.get("error").asText());
  }

  @Test
  void validatingDelayAndRuntimeSpeedChange() {
    EMU.emulator().setValidatingMillis(1000);
    EMU.emulator().setRequestsPerSecond(0.0001);
    String id =
        api.createBatch(
                api.upload(Api.jsonl(numbered(20, "emulator/echo"))), "/v1/chat/completions")
            .get("id")
            .asText();
    Api.sleep(50);
    assertEquals("VALIDATING", api.batch(id).get("status").asText());
    JsonNode running = api.waitFor(id, Set.of("IN_PROGRESS"), Duration.ofSeconds(5));
    assertEquals(0.0, running.get("progress").asDouble());
    Api.sleep(100);
    assertEquals("IN_PROGRESS", api.batch(id).get("status").asText());
    JsonNode cfg =
        Api.ok(
            api.postJson("/_emulator/config", Api.M.createObjectNode().put("requestsPerSecond", 0)),
            200);
    assertEquals(0.0, cfg.get("requestsPerSecond").asDouble());
    assertEquals("COMPLETED", api.waitTerminal(id).get("status").asText());
  }

  @Test
  void batchListIsNewestFirstAndTimestampsAreRfc3339() {
    String file = api.upload(Api.jsonl(numbered(2, "emulator/echo")));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(api.createBatch(file, "/v1/chat/completions").get("id").asText());
    }
    JsonNode list = Api.ok(api.get("/batches"), 200);
    assertEquals(3, list.size());
    assertEquals(ids.get(2), list.get(0).get("id").asText());
    assertEquals(ids.get(0), list.get(2).get("id").asText());
    for (JsonNode b : list) {
      String created = b.get("created_at").asText();
      assertTrue(
          created.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,6})?Z"), created);
      java.time.Instant c = java.time.Instant.parse(created);
      java.time.Instant d = java.time.Instant.parse(b.get("job_deadline").asText());
      long shortBy = Duration.between(d, c.plus(Duration.ofHours(24))).toNanos();
      assertTrue(
          shortBy > 0 && shortBy < 20_000, "deadline a few microseconds short of 24 h: " + shortBy);
    }
  }

  @Test
  void emptyBatchListCanBeNull() {
    assertEquals("[]", Api.text(api.get("/batches")));
    HttpResponse<byte[]> r = NULL_LIST.api().get("/batches");
    assertEquals(200, r.statusCode());
    assertEquals("null", Api.text(r));
  }

  @Test
  void deletingTheInputDoesNotBreakARunningBatch() {
    EMU.emulator().setRequestsPerSecond(500);
    List<JsonNode> input = numbered(300, "emulator/echo");
    String file = api.upload(Api.jsonl(input));
    String id = api.createBatch(file, "/v1/chat/completions").get("id").asText();
    Api.ok(api.delete("/files/" + file), 200);
    EMU.emulator().setRequestsPerSecond(0);
    JsonNode done = api.waitTerminal(id);
    assertEquals("COMPLETED", done.get("status").asText());
    Results.verify(
        DeterministicModel.CHAT_COMPLETIONS,
        input,
        api.content(done.get("output_file_id").asText()),
        api.content(done.get("error_file_id").asText()),
        null,
        true);
  }

  @Test
  void resetStopsRunningBatches() {
    EMU.emulator().setRequestsPerSecond(10);
    String id =
        api.createBatch(
                api.upload(Api.jsonl(numbered(100, "emulator/echo"))), "/v1/chat/completions")
            .get("id")
            .asText();
    api.waitFor(id, Set.of("IN_PROGRESS"), Duration.ofSeconds(5));
    Api.ok(api.post("/_emulator/reset", null, null), 200);
    assertEquals(404, api.get("/batches/" + id).statusCode());
    JsonNode state = EMU.emulator().state();
    assertEquals(0, state.get("files").size());
    assertEquals(0, state.get("batches").size());
    assertEquals(1, state.get("requests").size(), "only the GET after the reset is counted");
    Api.sleep(200);
    assertEquals(
        0, EMU.emulator().state().get("files").size(), "no result files appear after a reset");
  }
}
