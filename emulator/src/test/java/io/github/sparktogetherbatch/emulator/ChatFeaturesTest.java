package io.github.sparktogetherbatch.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparktogetherbatch.emulator.model.DeterministicModel;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The answer shapes of chat requests, through batches and the live route: reasoning, forced tool
 * calls, {@code eos} and {@code length}, content parts, {@code response_format}, and the markers
 * {@code !!badjson!!}, {@code !!fail-once!!}, {@code !!fence!!}, {@code !!think!!}.
 */
class ChatFeaturesTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();
  static final Api api = EMU.api();

  static final String SCHEMA =
      "{\"type\":\"object\",\"required\":[\"label\",\"score\",\"tags\",\"meta\",\"day\"],"
          + "\"properties\":{\"label\":{\"type\":\"string\",\"enum\":[\"pos\",\"neg\",\"neutral\"]},"
          + "\"score\":{\"type\":\"number\"},\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
          + "\"meta\":{\"type\":\"object\",\"required\":[\"lang\",\"n\"],\"properties\":"
          + "{\"lang\":{\"type\":\"string\"},\"n\":{\"type\":\"integer\"}}},"
          + "\"day\":{\"type\":\"string\",\"format\":\"date\"}},\"additionalProperties\":false}";

  // ------------------------------------------------------------------ request builders

  static ObjectNode withMaxTokens(ObjectNode line, int maxTokens) {
    ((ObjectNode) line.get("body")).put("max_tokens", maxTokens);
    return line;
  }

  static ObjectNode withSchema(ObjectNode line) {
    ObjectNode rf = ((ObjectNode) line.get("body")).putObject("response_format");
    rf.put("type", "json_schema");
    ObjectNode js = rf.putObject("json_schema").put("name", "answer").put("strict", true);
    js.set("schema", parse(SCHEMA));
    return line;
  }

  static ObjectNode forcedTool(String customId, String model, String text) {
    ObjectNode line = Api.chatLine(customId, model, text);
    ObjectNode body = (ObjectNode) line.get("body");
    ArrayNode tools = body.putArray("tools");
    tools.add(
        tool(
            "lookup",
            "{\"type\":\"object\",\"required\":[\"city\",\"days\"],\"properties\":"
                + "{\"city\":{\"type\":\"string\"},\"days\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":7}}}"));
    tools.add(
        tool(
            "weather", "{\"type\":\"object\",\"properties\":{\"unit\":{\"enum\":[\"C\",\"F\"]}}}"));
    ObjectNode choice = body.putObject("tool_choice").put("type", "function");
    choice.putObject("function").put("name", "weather");
    return line;
  }

  static ObjectNode tool(String name, String parameters) {
    ObjectNode t = Api.M.createObjectNode().put("type", "function");
    t.putObject("function")
        .put("name", name)
        .put("description", "d")
        .set("parameters", parse(parameters));
    return t;
  }

  static ObjectNode imageLine(String customId, String text) {
    ObjectNode line = Api.M.createObjectNode().put("custom_id", customId);
    ObjectNode body = line.putObject("body").put("model", "emulator/echo");
    ArrayNode parts = body.putArray("messages").addObject().put("role", "user").putArray("content");
    parts.addObject().put("type", "text").put("text", text);
    parts.addObject().put("type", "image_url").putObject("image_url").put("url", "https://x/1.png");
    parts
        .addObject()
        .put("type", "image_url")
        .putObject("image_url")
        .put("url", "data:image/png;base64,AA");
    return line;
  }

  static ObjectNode audioLine(String customId) {
    ObjectNode line = Api.M.createObjectNode().put("custom_id", customId);
    line.putObject("body").put("model", "openai/whisper-large-v3").put("file", "https://x/a.mp3");
    return line;
  }

  static JsonNode parse(String json) {
    try {
      return Api.M.readTree(json);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Runs one batch; returns every result line by custom_id (output and error files). */
  static Map<String, JsonNode> run(List<? extends JsonNode> input) {
    JsonNode done =
        api.waitTerminal(
            api.createBatch(api.upload(Api.jsonl(input)), "/v1/chat/completions")
                .get("id")
                .asText());
    assertEquals("COMPLETED", done.get("status").asText(), done::toString);
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode l : Api.lines(api.content(done.get("output_file_id").asText()))) {
      out.put(l.get("custom_id").asText(), l);
    }
    for (JsonNode l : Api.lines(api.content(done.get("error_file_id").asText()))) {
      out.put(l.get("custom_id").asText(), l);
    }
    return out;
  }

  static JsonNode message(JsonNode line) {
    return choice(line).get("message");
  }

  static JsonNode choice(JsonNode line) {
    return line.get("response").get("body").get("choices").get(0);
  }

  // ------------------------------------------------------------------ tests

  @Test
  void reasoningModelAnswersWithReasoningAndCountsIt() {
    ObjectNode line = Api.chatLine("r", "emulator/reasoning", "why is the sky blue");
    JsonNode result = run(List.of(line)).get("r");
    JsonNode m = message(result);
    assertEquals("Echo: why is the sky blue", m.get("content").asText());
    String reasoning = m.get("reasoning").asText();
    assertEquals("The last user message has 5 words, so the answer echoes it.", reasoning);
    JsonNode usage = result.get("response").get("body").get("usage");
    assertEquals(6 + 12, usage.get("completion_tokens").asInt());
    assertEquals(5 + 18, usage.get("total_tokens").asInt());
    JsonNode live = Api.ok(api.postJson("/chat/completions", line.get("body")), 200);
    assertEquals(reasoning, live.get("choices").get(0).get("message").get("reasoning").asText());
    JsonNode echo = run(List.of(Api.chatLine("e", "emulator/echo", "x"))).get("e");
    assertFalse(message(echo).has("reasoning"), "only the reasoning model reasons");
  }

  @Test
  void forcedToolCallsAnswerWithToolCallsAndNullContent() {
    ObjectNode named = forcedTool("named", "emulator/echo", "what weather");
    ObjectNode required = forcedTool("required", "emulator/echo", "look it up");
    ((ObjectNode) required.get("body")).put("tool_choice", "required");
    ObjectNode auto = forcedTool("auto", "emulator/echo", "free choice");
    ((ObjectNode) auto.get("body")).put("tool_choice", "auto");
    ObjectNode missing = forcedTool("missing", "emulator/echo", "nope");
    ((ObjectNode) missing.get("body").get("tool_choice").get("function")).put("name", "absent");
    Map<String, JsonNode> r = run(List.of(named, required, auto, missing));

    JsonNode m = message(r.get("named"));
    assertTrue(m.get("content").isNull(), m::toString);
    assertEquals("tool_calls", choice(r.get("named")).get("finish_reason").asText());
    JsonNode call = m.get("tool_calls").get(0);
    assertTrue(call.get("id").asText().matches("call_[0-9a-f]{24}"), call::toString);
    assertEquals("function", call.get("type").asText());
    assertEquals("weather", call.get("function").get("name").asText());
    JsonNode args = parse(call.get("function").get("arguments").asText());
    assertTrue(List.of("C", "F").contains(args.get("unit").asText()), args::toString);

    JsonNode first = message(r.get("required")).get("tool_calls").get(0).get("function");
    assertEquals("lookup", first.get("name").asText(), "required calls the first tool");
    JsonNode a = parse(first.get("arguments").asText());
    assertTrue(a.get("city").isTextual());
    assertTrue(a.get("days").asInt() >= 1 && a.get("days").asInt() <= 7, a::toString);

    assertEquals("Echo: free choice", message(r.get("auto")).get("content").asText());
    assertEquals(0, message(r.get("auto")).get("tool_calls").size());

    JsonNode err = r.get("missing").get("response");
    assertEquals(400, err.get("status_code").asInt());
    assertTrue(
        err.get("body").get("error").get("message").asText().contains("'absent'"), err::toString);

    JsonNode live = Api.ok(api.postJson("/chat/completions", named.get("body")), 200);
    assertEquals(
        call.get("function").get("arguments").asText(),
        live.get("choices")
            .get(0)
            .get("message")
            .get("tool_calls")
            .get(0)
            .get("function")
            .get("arguments")
            .asText(),
        "the same request gets the same call");
  }

  @Test
  void eosAndLengthFinishReasons() {
    Map<String, JsonNode> r =
        run(
            List.of(
                Api.chatLine("eos", "emulator/eos", "the end"),
                withMaxTokens(Api.chatLine("eos-cut", "emulator/eos", "one two three"), 2),
                withMaxTokens(Api.chatLine("cut", "emulator/echo", "one two three"), 3),
                Api.chatLine("stop", "meta-llama/Llama-3.3-70B-Instruct-Turbo", "fine")));
    assertEquals("eos", choice(r.get("eos")).get("finish_reason").asText());
    assertEquals("Echo: the end", message(r.get("eos")).get("content").asText());
    assertEquals("length", choice(r.get("eos-cut")).get("finish_reason").asText());
    assertEquals("Echo: one", message(r.get("eos-cut")).get("content").asText());
    assertEquals("length", choice(r.get("cut")).get("finish_reason").asText());
    assertEquals("Echo: one two", message(r.get("cut")).get("content").asText());
    assertEquals(
        3, r.get("cut").get("response").get("body").get("usage").get("completion_tokens").asInt());
    assertEquals("stop", choice(r.get("stop")).get("finish_reason").asText());
  }

  @Test
  void contentPartsAreReadAndValidated() {
    ObjectNode ok = imageLine("ok", "describe  these");
    ObjectNode unknown = imageLine("unknown", "x");
    ((ObjectNode) unknown.at("/body/messages/0/content/1")).put("type", "picture");
    ObjectNode noText = imageLine("no-text", "x");
    ((ObjectNode) noText.at("/body/messages/0/content/0")).remove("text");
    ObjectNode noUrl = imageLine("no-url", "x");
    ((ObjectNode) noUrl.at("/body/messages/0/content/2/image_url")).remove("url");
    ObjectNode notObject = imageLine("not-object", "x");
    ((ArrayNode) notObject.at("/body/messages/0/content")).add("plain string");
    ObjectNode media = imageLine("media", "y");
    ArrayNode parts = (ArrayNode) media.at("/body/messages/0/content");
    parts.addObject().put("type", "video_url").putObject("video_url").put("url", "https://x/v.mp4");
    parts
        .addObject()
        .put("type", "input_audio")
        .putObject("input_audio")
        .put("data", "AA")
        .put("format", "wav");
    ObjectNode toolsPassThrough = Api.chatLine("tools", "emulator/echo", "no forcing");
    ((ObjectNode) toolsPassThrough.get("body"))
        .set("tools", forcedTool("t", "m", "x").get("body").get("tools"));
    Map<String, JsonNode> r =
        run(List.of(ok, unknown, noText, noUrl, notObject, media, toolsPassThrough));

    assertEquals("Echo: describe  these [images: 2]", message(r.get("ok")).get("content").asText());
    assertEquals(
        "Echo: y [images: 2, videos: 1, audio: 1]",
        message(r.get("media")).get("content").asText());
    assertEquals("Echo: no forcing", message(r.get("tools")).get("content").asText());
    Map<String, String> expected =
        Map.of(
            "unknown", "messages[0].content[1]: unknown content part type 'picture'",
            "no-text", "messages[0].content[0]: a 'text' part needs a string 'text'",
            "no-url", "messages[0].content[2]: an 'image_url' part needs a string 'image_url.url'",
            "not-object", "messages[0].content[3]: a content part must be an object");
    expected.forEach(
        (id, message) -> {
          JsonNode resp = r.get(id).get("response");
          assertEquals(400, resp.get("status_code").asInt(), id);
          JsonNode error = resp.get("body").get("error");
          assertEquals("invalid_request", error.get("code").asText());
          assertTrue(error.get("message").asText().startsWith(message), error::toString);
        });
    HttpResponse<byte[]> live = api.postJson("/chat/completions", unknown.get("body"));
    assertEquals(400, live.statusCode());
    assertTrue(Api.json(live).get("error").get("message").asText().contains("'picture'"));
  }

  @Test
  void jsonSchemaAnswersAreDeterministicInstances() {
    Map<String, JsonNode> r =
        run(
            List.of(
                withSchema(Api.chatLine("a", "emulator/echo", "first text")),
                withSchema(Api.chatLine("b", "emulator/echo", "second text")),
                withSchema(Api.chatLine("bad", "emulator/echo", "oops !!badjson!!"))));
    JsonNode a = parse(message(r.get("a")).get("content").asText());
    for (String field : List.of("label", "score", "tags", "meta", "day")) {
      assertTrue(a.has(field), () -> field + " in " + a);
    }
    assertTrue(List.of("pos", "neg", "neutral").contains(a.get("label").asText()));
    assertTrue(a.get("score").isNumber());
    assertTrue(a.get("tags").isArray() && a.get("tags").get(0).isTextual());
    assertTrue(a.get("meta").get("n").isIntegralNumber());
    LocalDate.parse(a.get("day").asText());
    JsonNode b = parse(message(r.get("b")).get("content").asText());
    assertNotEquals(a, b, "another prompt, other values");
    String bad = message(r.get("bad")).get("content").asText();
    assertTrue(bad.startsWith("Echo: "), bad);
    assertThrows(IOException.class, () -> Api.M.readTree(bad));

    // the same request answers the same, live or in another batch
    JsonNode live =
        Api.ok(
            api.postJson(
                "/chat/completions",
                withSchema(Api.chatLine("a", "emulator/echo", "first text")).get("body")),
            200);
    assertEquals(a, parse(live.get("choices").get(0).get("message").get("content").asText()));
    assertEquals(
        message(r.get("a")).get("content").asText(),
        DeterministicModel.answer(
                DeterministicModel.CHAT_COMPLETIONS,
                withSchema(Api.chatLine("a", "emulator/echo", "first text")).get("body"))
            .content());
  }

  @Test
  void jsonObjectAndUnknownResponseFormats() {
    ObjectNode obj = Api.chatLine("obj", "emulator/echo", "make json");
    ((ObjectNode) obj.get("body")).putObject("response_format").put("type", "json_object");
    ObjectNode text = Api.chatLine("text", "emulator/echo", "plain");
    ((ObjectNode) text.get("body")).putObject("response_format").put("type", "text");
    ObjectNode unknown = Api.chatLine("unknown", "emulator/echo", "x");
    ((ObjectNode) unknown.get("body")).putObject("response_format").put("type", "yaml");
    ObjectNode noName = Api.chatLine("no-name", "emulator/echo", "x");
    ((ObjectNode) noName.get("body"))
        .putObject("response_format")
        .put("type", "json_schema")
        .putObject("json_schema")
        .putObject("schema");
    Map<String, JsonNode> r = run(List.of(obj, text, unknown, noName));
    JsonNode o = parse(message(r.get("obj")).get("content").asText());
    assertEquals("make json", o.get("echo").asText());
    assertEquals(2, o.get("words").asInt());
    assertEquals("Echo: plain", message(r.get("text")).get("content").asText());
    assertEquals(400, r.get("unknown").get("response").get("status_code").asInt());
    assertEquals(400, r.get("no-name").get("response").get("status_code").asInt());
  }

  @Test
  void fenceAndThinkMarkersWrapTheContent() {
    ObjectNode fenced = withSchema(Api.chatLine("fence", "emulator/echo", "x !!fence!!"));
    ObjectNode thinking = withSchema(Api.chatLine("think", "emulator/reasoning", "y !!think!!"));
    Map<String, JsonNode> r = run(List.of(fenced, thinking));
    String f = message(r.get("fence")).get("content").asText();
    assertTrue(f.startsWith("```json\n{") && f.endsWith("}\n```"), f);
    parse(f.substring("```json\n".length(), f.length() - "\n```".length()));
    String t = message(r.get("think")).get("content").asText();
    assertTrue(t.startsWith("<think>\n") && t.contains("</think>\n\n{"), t);
    parse(t.substring(t.indexOf("</think>") + "</think>".length()));
  }

  @Test
  void failOnceFailsTheFirstAttemptOfACustomIdOnly() {
    List<JsonNode> input =
        List.of(
            Api.chatLine("flaky", "emulator/echo", "try again !!fail-once!!"),
            Api.chatLine("steady", "emulator/echo", "fine"));
    Map<String, JsonNode> first = run(input);
    JsonNode resp = first.get("flaky").get("response");
    assertEquals(500, resp.get("status_code").asInt(), resp::toString);
    assertEquals("server_error", resp.get("body").get("error").get("code").asText());
    assertEquals("server_error", resp.get("body").get("error").get("type").asText());
    assertEquals("Echo: fine", message(first.get("steady")).get("content").asText());

    Map<String, JsonNode> second = run(input);
    assertEquals(
        "Echo: try again !!fail-once!!", message(second.get("flaky")).get("content").asText());
    assertEquals(
        "Echo: try again !!fail-once!!",
        message(run(List.of(input.get(0))).get("flaky")).get("content").asText());

    EMU.emulator().reset();
    assertEquals(
        500, run(List.of(input.get(0))).get("flaky").get("response").get("status_code").asInt());

    JsonNode body = Api.chatLine("x", "emulator/echo", "live !!fail-once!!").get("body");
    HttpResponse<byte[]> live1 = api.postJson("/chat/completions", body);
    assertEquals(500, live1.statusCode());
    assertEquals("server_error", Api.json(live1).get("error").get("code").asText());
    assertEquals(200, api.postJson("/chat/completions", body).statusCode());
  }

  @Test
  void audioBatchesAnswerTranscripts() {
    ObjectNode noFile = Api.M.createObjectNode().put("custom_id", "no-file");
    noFile.putObject("body").put("model", "openai/whisper-large-v3");
    for (String endpoint : List.of("/v1/audio/transcriptions", "/v1/audio/translations")) {
      JsonNode done =
          api.waitTerminal(
              api.createBatch(api.upload(Api.jsonl(List.of(audioLine("a"), noFile))), endpoint)
                  .get("id")
                  .asText());
      JsonNode out = Api.lines(api.content(done.get("output_file_id").asText())).get(0);
      String text = out.get("response").get("body").get("text").asText();
      assertEquals(
          (endpoint.endsWith("transcriptions") ? "Transcript of " : "Translation of ")
              + "https://x/a.mp3",
          text);
      JsonNode err = Api.lines(api.content(done.get("error_file_id").asText())).get(0);
      assertEquals(400, err.get("response").get("status_code").asInt());
    }
  }
}
