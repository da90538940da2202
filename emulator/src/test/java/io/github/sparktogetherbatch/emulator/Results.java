package io.github.sparktogetherbatch.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparktogetherbatch.emulator.model.DeterministicModel;
import io.github.sparktogetherbatch.emulator.model.DeterministicModel.Answer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Checks result files line by line against {@link DeterministicModel}. */
final class Results {
  private Results() {}

  /** Counts of what was found. */
  static final class Counts {
    int succeeded;
    int failed;
    List<String> outputOrder;
  }

  /**
   * Verifies output and error lines: each custom_id at most once over both files, each result
   * exactly what the model answers. With {@code complete}, every input request must be present.
   */
  static Counts verify(
      String endpoint,
      List<JsonNode> input,
      byte[] output,
      byte[] errors,
      String defaultModel,
      boolean complete) {
    Map<String, JsonNode> bodies = new HashMap<>();
    for (JsonNode l : input) {
      bodies.put(l.get("custom_id").asText(), l.get("body"));
    }
    Map<String, Integer> seen = new HashMap<>();
    Counts c = new Counts();
    List<JsonNode> outLines = Api.lines(output);
    c.outputOrder = new java.util.ArrayList<>();
    for (JsonNode line : outLines) {
      String id = line.get("custom_id").asText();
      c.outputOrder.add(id);
      assertTrue(bodies.containsKey(id), "unknown custom_id " + id);
      seen.merge(id, 1, Integer::sum);
      Answer a = DeterministicModel.answer(endpoint, bodies.get(id), defaultModel);
      assertTrue(a.succeeded(), () -> "success line for a failing request: " + line);
      assertTrue(line.get("id").asText().startsWith("br_"));
      JsonNode resp = line.get("response");
      assertEquals(200, resp.get("status_code").asInt());
      JsonNode body = resp.get("body");
      boolean chat = endpoint.equals(DeterministicModel.CHAT_COMPLETIONS);
      assertEquals(chat ? "chat.completion" : "text.completion", body.get("object").asText());
      assertEquals(a.model(), body.get("model").asText());
      JsonNode choice = body.get("choices").get(0);
      String content =
          chat ? choice.get("message").get("content").asText() : choice.get("text").asText();
      assertEquals(a.content(), content);
      assertEquals(a.finishReason(), choice.get("finish_reason").asText());
      JsonNode usage = body.get("usage");
      assertEquals(a.promptTokens(), usage.get("prompt_tokens").asInt());
      assertEquals(a.completionTokens(), usage.get("completion_tokens").asInt());
      assertEquals(a.totalTokens(), usage.get("total_tokens").asInt());
      c.succeeded++;
    }
    for (JsonNode line : Api.lines(errors)) {
      String id = line.get("custom_id").asText();
      assertTrue(bodies.containsKey(id), "unknown custom_id " + id);
      seen.merge(id, 1, Integer::sum);
      Answer a = DeterministicModel.answer(endpoint, bodies.get(id), defaultModel);
      assertFalse(a.succeeded(), () -> "error line for a succeeding request: " + line);
      switch (a.kind()) {
        case MODEL_NOT_FOUND:
        case EMULATED_FAILURE:
          assertTrue(line.get("error").isObject(), line::toString);
          assertEquals(a.errorCode(), line.get("error").get("code").asText());
          assertEquals(a.errorMessage(), line.get("error").get("message").asText());
          break;
        case EMULATED_FAILURE_STRING:
          assertTrue(line.get("error").isTextual(), line::toString);
          assertEquals(a.errorMessage(), line.get("error").asText());
          break;
        case INVALID_REQUEST:
        case EMULATED_FAILURE_RESPONSE:
          {
            JsonNode resp = line.get("response");
            assertNotNull(resp, line::toString);
            assertEquals(400, resp.get("status_code").asInt());
            JsonNode err = resp.get("body").get("error");
            assertEquals(a.errorCode(), err.get("code").asText());
            assertEquals(a.errorMessage(), err.get("message").asText());
            assertEquals("invalid_request_error", err.get("type").asText());
            break;
          }
        default:
          fail("unexpected kind " + a.kind());
      }
      c.failed++;
    }
    for (Map.Entry<String, Integer> e : seen.entrySet()) {
      assertEquals(1, e.getValue(), "custom_id " + e.getKey() + " appears once");
    }
    if (complete) {
      assertEquals(bodies.keySet(), seen.keySet(), "every request has a result");
    }
    return c;
  }
}
