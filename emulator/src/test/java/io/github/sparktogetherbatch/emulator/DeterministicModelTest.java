package io.github.sparktogetherbatch.emulator;

import static io.github.sparktogetherbatch.emulator.model.DeterministicModel.CHAT_COMPLETIONS;
import static io.github.sparktogetherbatch.emulator.model.DeterministicModel.COMPLETIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparktogetherbatch.emulator.model.DeterministicModel;
import io.github.sparktogetherbatch.emulator.model.DeterministicModel.Answer;
import io.github.sparktogetherbatch.emulator.model.DeterministicModel.Kind;
import java.io.IOException;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The rules of the built-in model, and the live completion endpoints that use it. */
class DeterministicModelTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  static JsonNode j(String json) {
    try {
      return Api.M.readTree(json.replace('\'', '"'));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void chatEchoesTheLastUserMessage() {
    Answer a =
        DeterministicModel.answer(
            CHAT_COMPLETIONS,
            j(
                "{'model':'emulator/echo','messages':["
                    + "{'role':'system','content':'You are terse.'},{'role':'user','content':'first question'},"
                    + "{'role':'assistant','content':'an answer'},{'role':'user','content':'  second   question here '}]}"));
    assertEquals(Kind.SUCCESS, a.kind());
    assertTrue(a.succeeded());
    assertEquals("Echo:   second   question here ", a.content());
    assertEquals("stop", a.finishReason());
    assertEquals(3 + 2 + 2 + 3, a.promptTokens());
    assertEquals(4, a.completionTokens());
    assertEquals(14, a.totalTokens());
    assertEquals("emulator/echo", a.model());
    assertNull(a.errorCode());
    assertEquals(200, a.httpStatus());
  }

  @Test
  void maxTokensTruncatesWords() {
    Answer a =
        DeterministicModel.answer(
            CHAT_COMPLETIONS,
            j(
                "{'model':'openai/gpt-oss-20b','max_tokens':3,"
                    + "'messages':[{'role':'user','content':'one  two three four'}]}"));
    assertEquals("Echo: one two", a.content());
    assertEquals("length", a.finishReason());
    assertEquals(3, a.completionTokens());
    Answer fits =
        DeterministicModel.answer(
            CHAT_COMPLETIONS,
            j(
                "{'model':'openai/gpt-oss-20b','max_tokens':5,"
                    + "'messages':[{'role':'user','content':'one  two three four'}]}"));
    assertEquals("Echo: one  two three four", fits.content());
    assertEquals("stop", fits.finishReason());
  }

  @Test
  void completionsEchoThePrompt() {
    Answer a =
        DeterministicModel.answer(
            COMPLETIONS, j("{'model':'emulator/x','prompt':'The quick brown fox'}"));
    assertEquals("Echo: The quick brown fox", a.content());
    assertEquals(4, a.promptTokens());
    assertEquals(5, a.completionTokens());
    Answer empty = DeterministicModel.answer(COMPLETIONS, j("{'model':'emulator/x','prompt':''}"));
    assertEquals(1, empty.promptTokens(), "at least 1");
    assertEquals("Echo: ", empty.content());
  }

  @Test
  void arrayContentAndNoUserMessage() {
    Answer parts =
        DeterministicModel.answer(
            CHAT_COMPLETIONS,
            j(
                "{'model':'emulator/echo','messages':[{'role':'user',"
                    + "'content':[{'type':'text','text':'look at'},{'type':'image_url','image_url':{'url':'x'}},"
                    + "{'type':'text','text':'this'}]}]}"));
    assertEquals("Echo: look at this [images: 1]", parts.content());
    Answer noUser =
        DeterministicModel.answer(
            CHAT_COMPLETIONS,
            j(
                "{'model':'emulator/echo','messages':["
                    + "{'role':'system','content':'only a system prompt'}]}"));
    assertEquals("Echo: ", noUser.content());
    assertEquals(4, noUser.promptTokens());
  }

  @Test
  void reasoningEosToolCallsAndFailOnceAreInTheAnswer() {
    Answer r =
        DeterministicModel.answer(
            CHAT_COMPLETIONS,
            j("{'model':'emulator/reasoning','messages':[{'role':'user','content':'a b'}]}"));
    assertEquals("The last user message has 2 words, so the answer echoes it.", r.reasoning());
    assertEquals(3 + 12, r.completionTokens());
    assertTrue(r.toolCalls().isEmpty());
    assertFalse(r.failsOnce());
    Answer eos =
        DeterministicModel.answer(
            CHAT_COMPLETIONS,
            j("{'model':'emulator/eos','messages':[{'role':'user','content':'a'}]}"));
    assertEquals("eos", eos.finishReason());
    assertNull(eos.reasoning());
    Answer tool =
        DeterministicModel.answer(
            CHAT_COMPLETIONS,
            j(
                "{'model':'emulator/echo','messages':[{'role':'user','content':'a'}],"
                    + "'tools':[{'type':'function','function':{'name':'f','parameters':"
                    + "{'type':'object','required':['q'],'properties':{'q':{'type':'string'}}}}}],"
                    + "'tool_choice':'required'}"));
    assertNull(tool.content());
    assertEquals("tool_calls", tool.finishReason());
    assertEquals("f", tool.toolCalls().get(0).name());
    assertTrue(j(tool.toolCalls().get(0).arguments()).get("q").isTextual());
    Answer once =
        DeterministicModel.answer(
            CHAT_COMPLETIONS,
            j("{'model':'emulator/echo','messages':[{'role':'user','content':'!!fail-once!!'}]}"));
    assertTrue(once.succeeded() && once.failsOnce());
    Answer failed = once.firstAttemptFailure();
    assertEquals(Kind.FAILED_ONCE, failed.kind());
    assertEquals("server_error", failed.errorCode());
    assertEquals(500, failed.httpStatus());
    assertEquals(
        Kind.INVALID_REQUEST,
        DeterministicModel.answer(
                CHAT_COMPLETIONS,
                j(
                    "{'model':'emulator/echo','messages':[{'role':'user','content':[{'type':'x'}]}]}"))
            .kind());
    assertEquals(
        Kind.INVALID_REQUEST,
        DeterministicModel.answer("/v1/embeddings", j("{'model':'emulator/echo','input':'x'}"))
            .kind());
  }

  @Test
  void modelRules() {
    assertTrue(DeterministicModel.isKnownModel("emulator/anything"));
    assertTrue(DeterministicModel.isKnownModel("meta-llama/Llama-3.3-70B-Instruct-Turbo"));
    assertFalse(DeterministicModel.isKnownModel("meta-llama/llama-3.3-70b-instruct-turbo"));
    assertFalse(DeterministicModel.isKnownModel("gpt-4o"));
    assertTrue(DeterministicModel.SERVERLESS_MODELS.size() >= 12);
    Answer unknown =
        DeterministicModel.answer(CHAT_COMPLETIONS, j("{'model':'gpt-4o','messages':[]}"));
    assertEquals(Kind.MODEL_NOT_FOUND, unknown.kind());
    assertEquals("model_not_found", unknown.errorCode());
    assertEquals(404, unknown.httpStatus());
    Answer none =
        DeterministicModel.answer(
            CHAT_COMPLETIONS, j("{'messages':[{'role':'user','content':'x'}]}"));
    assertEquals(Kind.INVALID_REQUEST, none.kind());
    Answer dflt =
        DeterministicModel.answer(
            CHAT_COMPLETIONS,
            j("{'messages':[{'role':'user','content':'x'}]}"),
            "emulator/default");
    assertEquals("emulator/default", dflt.model());
    assertTrue(dflt.succeeded());
  }

  @Test
  void shapeRules() {
    assertEquals(
        Kind.INVALID_REQUEST,
        DeterministicModel.answer(CHAT_COMPLETIONS, j("{'model':'emulator/e'}")).kind());
    assertEquals(
        Kind.INVALID_REQUEST,
        DeterministicModel.answer(CHAT_COMPLETIONS, j("{'model':'emulator/e','messages':[]}"))
            .kind());
    assertEquals(
        Kind.INVALID_REQUEST,
        DeterministicModel.answer(COMPLETIONS, j("{'model':'emulator/e'}")).kind());
    assertEquals(
        Kind.INVALID_REQUEST,
        DeterministicModel.answer(COMPLETIONS, j("{'model':'emulator/e','prompt':['a']}")).kind());
    assertEquals(
        Kind.INVALID_REQUEST,
        DeterministicModel.answer(
                COMPLETIONS, j("{'model':'emulator/e','prompt':'a','max_tokens':0}"))
            .kind());
    Answer bad = DeterministicModel.answer(CHAT_COMPLETIONS, j("{'model':'emulator/e'}"));
    assertEquals("invalid_request", bad.errorCode());
    assertEquals(400, bad.httpStatus());
    assertEquals(
        Kind.INVALID_REQUEST,
        DeterministicModel.answer("/v1/embeddings", j("{'model':'emulator/e'}")).kind());
  }

  @Test
  void failureMarkers() {
    assertEquals(Kind.EMULATED_FAILURE, chat("a !!fail!! b").kind());
    assertEquals(Kind.EMULATED_FAILURE_STRING, chat("!!fail-string!!").kind());
    assertEquals(Kind.EMULATED_FAILURE_RESPONSE, chat("x!!fail-response!!").kind());
    Answer f = chat("!!fail!!");
    assertEquals("emulated_failure", f.errorCode());
    assertEquals(DeterministicModel.EMULATED_FAILURE_MESSAGE, f.errorMessage());
    assertEquals(500, f.httpStatus());
    // only the last user message counts
    Answer earlier =
        DeterministicModel.answer(
            CHAT_COMPLETIONS,
            j(
                "{'model':'emulator/e','messages':["
                    + "{'role':'user','content':'!!fail!!'},{'role':'user','content':'fine'}]}"));
    assertTrue(earlier.succeeded());
    assertEquals(
        Kind.EMULATED_FAILURE,
        DeterministicModel.answer(COMPLETIONS, j("{'model':'emulator/e','prompt':'!!fail!!'}"))
            .kind());
  }

  @Test
  void sameRequestSameAnswer() {
    JsonNode body =
        j(
            "{'model':'emulator/echo','messages':[{'role':'user','content':'repeat me'}],'max_tokens':2}");
    assertEquals(
        DeterministicModel.answer(CHAT_COMPLETIONS, body),
        DeterministicModel.answer(CHAT_COMPLETIONS, body.deepCopy()));
  }

  private static Answer chat(String text) {
    return DeterministicModel.answer(
        CHAT_COMPLETIONS, Api.chatLine("x", "emulator/echo", text).get("body"));
  }

  @Test
  void liveEndpoints() {
    Api api = EMU.api();
    JsonNode body = Api.chatLine("x", "emulator/echo", "live hello").get("body");
    JsonNode r = Api.ok(api.postJson("/chat/completions", body), 200);
    assertEquals("chat.completion", r.get("object").asText());
    assertEquals(
        "Echo: live hello", r.get("choices").get(0).get("message").get("content").asText());
    assertEquals(3, r.get("usage").get("total_tokens").asInt() - 2);
    JsonNode again = Api.ok(api.postJson("/chat/completions", body), 200);
    assertEquals(r.get("id"), again.get("id"), "deterministic id");

    JsonNode c =
        Api.ok(api.postJson("/completions", j("{'model':'emulator/echo','prompt':'abc'}")), 200);
    assertEquals("text.completion", c.get("object").asText());
    assertEquals("Echo: abc", c.get("choices").get(0).get("text").asText());

    HttpResponse<byte[]> unknown =
        api.postJson("/chat/completions", Api.chatLine("x", "nope/nope", "hi").get("body"));
    assertEquals(404, unknown.statusCode());
    assertEquals("model_not_found", Api.json(unknown).get("error").get("code").asText());
    assertEquals(
        400, api.postJson("/chat/completions", j("{'model':'emulator/echo'}")).statusCode());
    assertEquals(
        500,
        api.postJson(
                "/chat/completions", Api.chatLine("x", "emulator/echo", "!!fail!!").get("body"))
            .statusCode());
    assertEquals(1, EMU.emulator().requestCount("POST /v1/completions"));
    assertEquals(5, EMU.emulator().requestCount("POST /v1/chat/completions"));
  }
}
