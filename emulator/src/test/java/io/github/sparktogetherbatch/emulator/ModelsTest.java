package io.github.sparktogetherbatch.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.github.sparktogetherbatch.emulator.model.DeterministicModel;
import io.github.sparktogetherbatch.emulator.model.ModelCatalog;
import io.github.sparktogetherbatch.emulator.model.ModelInfo;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /v1/models}, and batches whose requests target models that batches cannot use: the
 * batch fails with a job-level error and an error file of one line per request.
 */
class ModelsTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();
  static final Api api = EMU.api();

  static final List<String> NOT_FOR_BATCH =
      List.of(
          "deepseek-ai/DeepSeek-R1",
          "deepseek-ai/DeepSeek-V3.1",
          "deepseek-ai/DeepSeek-V4-Pro",
          "MiniMaxAI/MiniMax-M1-80k",
          "MiniMaxAI/MiniMax-M2");

  static Map<String, JsonNode> byId(JsonNode list) {
    Map<String, JsonNode> out = new HashMap<>();
    list.forEach(m -> out.put(m.get("id").asText(), m));
    return out;
  }

  @Test
  void listIsABareArrayOfTogetherModelObjects() {
    HttpResponse<byte[]> r = api.get("/models");
    assertEquals(200, r.statusCode());
    assertEquals("application/json", r.headers().firstValue("content-type").orElseThrow());
    JsonNode list = Api.json(r);
    assertTrue(list.isArray());
    Map<String, JsonNode> models = byId(list);
    assertEquals(list.size(), models.size(), "ids are unique");

    JsonNode echo = models.get("emulator/echo");
    assertEquals("model", echo.get("object").asText());
    assertEquals("chat", echo.get("type").asText());
    assertTrue(echo.get("created").isIntegralNumber());
    assertEquals(0.10, echo.get("pricing").get("input").asDouble());
    assertEquals(0.20, echo.get("pricing").get("output").asDouble());
    for (String f : List.of("hourly", "base", "finetune")) {
      assertEquals(0, echo.get("pricing").get(f).asDouble());
    }
    for (String own : List.of("emulator/echo", "emulator/reasoning", "emulator/eos")) {
      JsonNode m = models.get(own);
      assertEquals("chat", m.get("type").asText(), own);
      assertTrue(m.get("pricing").get("input").asDouble() > 0, own);
      assertTrue(m.get("pricing").get("output").asDouble() > 0, own);
    }
    for (String serverless : DeterministicModel.SERVERLESS_MODELS) {
      JsonNode m = models.get(serverless);
      assertNotNull(m, serverless);
      assertEquals("chat", m.get("type").asText());
      assertTrue(m.get("context_length").asInt() >= 8192, serverless);
      assertTrue(m.get("pricing").get("output").asDouble() > 0, serverless);
      for (String f : List.of("display_name", "organization", "link", "license")) {
        assertTrue(m.get(f).isTextual() && !m.get(f).asText().isEmpty(), serverless + " " + f);
      }
    }
    for (String m : NOT_FOR_BATCH) {
      assertEquals("chat", models.get(m).get("type").asText(), m);
      assertEquals(
          Set.of(
              "id",
              "object",
              "created",
              "type",
              "running",
              "display_name",
              "organization",
              "link",
              "license",
              "context_length",
              "pricing"),
          fields(models.get(m)),
          "no batch flag: Together's list has none");
    }
    Set<String> types = new HashSet<>();
    list.forEach(m -> types.add(m.get("type").asText()));
    assertTrue(types.containsAll(Set.of("chat", "embedding", "image")), types::toString);
    assertEquals(
        0.88,
        models.get("meta-llama/Llama-3.3-70B-Instruct-Turbo").at("/pricing/input").asDouble());
  }

  static Set<String> fields(JsonNode o) {
    Set<String> out = new HashSet<>();
    o.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test
  void javaCatalogMatchesTheList() throws Exception {
    JsonNode list = Api.ok(api.get("/models"), 200);
    List<ModelInfo> models = TogetherEmulator.models();
    assertEquals(list.size(), models.size());
    for (int i = 0; i < models.size(); i++) {
      assertEquals(Api.M.readTree(models.get(i).toJson().toString()), list.get(i));
    }
    ModelInfo r1 = ModelCatalog.find("deepseek-ai/DeepSeek-R1");
    assertEquals(3.00, r1.inputPrice());
    assertEquals(7.00, r1.outputPrice());
    assertEquals(false, r1.batchAvailable());
    assertEquals(NOT_FOR_BATCH, ModelCatalog.notAvailableForBatch());
    assertTrue(ModelCatalog.find("emulator/echo").batchAvailable());
  }

  @Test
  void authDedicatedFilterFaultsAndCounts() {
    Api anonymous = EMU.newApi();
    anonymous.key = null;
    HttpResponse<byte[]> denied = anonymous.get("/models");
    assertEquals(401, denied.statusCode());
    assertEquals("invalid_api_key", Api.json(denied).get("error").get("code").asText());
    assertEquals(0, Api.ok(api.get("/models?dedicated=true"), 200).size());
    assertTrue(Api.ok(api.get("/models?dedicated=false"), 200).size() > 20);
    assertEquals(405, api.post("/models", "application/json", "{}").statusCode());
    EMU.emulator()
        .armFault("{\"route\":\"GET /v1/models\",\"status\":503,\"retryAfterSeconds\":2}");
    HttpResponse<byte[]> busy = api.get("/models");
    assertEquals(503, busy.statusCode());
    assertEquals("2", busy.headers().firstValue("retry-after").orElseThrow());
    assertEquals(4, EMU.emulator().requestCount("GET /v1/models"), "the 405 is not counted");
  }

  @Test
  void aBatchTargetingAModelNotAvailableForBatchFailsWithAnErrorFile() {
    List<JsonNode> input =
        List.of(
            Api.chatLine("r1", "deepseek-ai/DeepSeek-R1", "one"),
            Api.chatLine("r1b", "deepseek-ai/DeepSeek-R1", "two"),
            Api.chatLine("echo", "emulator/echo", "three"));
    JsonNode done =
        api.waitTerminal(
            api.createBatch(api.upload(Api.jsonl(input)), "/v1/chat/completions")
                .get("id")
                .asText());
    assertEquals("FAILED", done.get("status").asText());
    assertEquals(
        "Model deepseek-ai/DeepSeek-R1 is not available for batch processing",
        done.get("error").asText());
    assertTrue(done.get("output_file_id").isNull(), done::toString);
    List<JsonNode> errors = Api.lines(api.content(done.get("error_file_id").asText()));
    assertEquals(3, errors.size());
    Map<String, JsonNode> byId = new HashMap<>();
    errors.forEach(l -> byId.put(l.get("custom_id").asText(), l.get("error")));
    for (JsonNode e : byId.values()) {
      assertEquals("model_not_available", e.get("code").asText());
    }
    assertEquals(
        "Model deepseek-ai/DeepSeek-R1 is not available for batch processing",
        byId.get("r1").get("message").asText());
    assertEquals(
        "The batch failed: Model deepseek-ai/DeepSeek-R1 is not available for batch processing",
        byId.get("echo").get("message").asText());
    JsonNode file = Api.ok(api.get("/files/" + done.get("error_file_id").asText()), 200);
    assertEquals("batch-generated", file.get("purpose").asText());
  }

  @Test
  void theBatchModelIdCountsAndEveryOffendingModelIsNamed() {
    List<JsonNode> input =
        List.of(
            Api.chatLine("a", null, "no model: the batch's"),
            Api.chatLine("b", "deepseek-ai/DeepSeek-V3.1", "v31"));
    String file = api.upload(Api.jsonl(input));
    JsonNode job =
        Api.ok(
                api.postJson(
                    "/batches",
                    Api.M.createObjectNode()
                        .put("input_file_id", file)
                        .put("endpoint", "/v1/chat/completions")
                        .put("model_id", "MiniMaxAI/MiniMax-M2")),
                201)
            .get("job");
    JsonNode done = api.waitTerminal(job.get("id").asText());
    assertEquals("FAILED", done.get("status").asText());
    assertEquals(
        "Models MiniMaxAI/MiniMax-M2, deepseek-ai/DeepSeek-V3.1 are not available for batch processing",
        done.get("error").asText());
    for (JsonNode l : Api.lines(api.content(done.get("error_file_id").asText()))) {
      assertTrue(l.get("error").get("message").asText().startsWith("Model "), l::toString);
    }
  }

  @Test
  void unknownModelsStillFailPerRequestAndLiveCallsServeEveryChatModel() {
    List<JsonNode> input =
        List.of(
            Api.chatLine("nope", "nope/unknown-model", "x"),
            Api.chatLine("ok", "openai/gpt-oss-20b", "y"));
    JsonNode done =
        api.waitTerminal(
            api.createBatch(api.upload(Api.jsonl(input)), "/v1/chat/completions")
                .get("id")
                .asText());
    assertEquals("COMPLETED", done.get("status").asText());
    JsonNode err = Api.lines(api.content(done.get("error_file_id").asText())).get(0);
    assertEquals("model_not_found", err.get("error").get("code").asText());
    assertEquals(1, Api.lines(api.content(done.get("output_file_id").asText())).size());
    for (String m : NOT_FOR_BATCH) {
      JsonNode live =
          Api.ok(api.postJson("/chat/completions", Api.chatLine("x", m, "live").get("body")), 200);
      assertEquals("Echo: live", live.at("/choices/0/message/content").asText());
    }
    ArrayNode none = Api.M.createArrayNode();
    assertEquals(none, Api.ok(api.get("/models?dedicated=true"), 200));
  }
}
