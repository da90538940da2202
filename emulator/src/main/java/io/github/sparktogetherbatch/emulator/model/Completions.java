package io.github.sparktogetherbatch.emulator.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparktogetherbatch.emulator.json.Json;
import io.github.sparktogetherbatch.emulator.model.DeterministicModel.Answer;
import java.nio.charset.StandardCharsets;

/** Turns {@link DeterministicModel} answers into response bodies and batch result lines. */
public final class Completions {
  private Completions() {}

  /**
   * The response body of an endpoint: a {@code chat.completion} (with {@code reasoning} and {@code
   * tool_calls} where the answer has them, and {@code content: null} for a tool call), a {@code
   * text.completion}, or {@code {"text"}} for the audio endpoints.
   */
  public static ObjectNode responseBody(
      String endpoint, Answer a, String id, long created, long seed) {
    if (DeterministicModel.AUDIO_TRANSCRIPTIONS.equals(endpoint)
        || DeterministicModel.AUDIO_TRANSLATIONS.equals(endpoint)) {
      ObjectNode body = Json.object();
      body.put("text", a.content());
      return body;
    }
    boolean chat = DeterministicModel.CHAT_COMPLETIONS.equals(endpoint);
    ObjectNode body = Json.object();
    body.put("id", id);
    body.put("object", chat ? "chat.completion" : "text.completion");
    body.put("created", created);
    body.put("model", a.model());
    body.putArray(
        "prompt"); // Together sends an (usually empty) prompt array; clients must ignore it
    ObjectNode choice = body.putArray("choices").addObject();
    choice.put("index", 0);
    if (chat) {
      ObjectNode message = choice.putObject("message");
      message.put("role", "assistant");
      message.put("content", a.content());
      if (a.reasoning() != null) {
        message.put("reasoning", a.reasoning());
      }
      ArrayNode calls = message.putArray("tool_calls");
      for (int i = 0; i < a.toolCalls().size(); i++) {
        ToolCall c = a.toolCalls().get(i);
        ObjectNode call = calls.addObject();
        call.put("index", i);
        call.put("id", c.id());
        call.put("type", "function");
        call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
      }
      choice.putNull("logprobs");
    } else {
      choice.put("text", a.content());
    }
    choice.put("finish_reason", a.finishReason());
    choice.put("seed", seed);
    ObjectNode usage = body.putObject("usage");
    usage.put("prompt_tokens", a.promptTokens());
    usage.put("completion_tokens", a.completionTokens());
    usage.put("total_tokens", a.totalTokens());
    body.put("system_fingerprint", "together-emulator");
    return body;
  }

  /** One line of a batch output or error file. */
  public static ObjectNode resultLine(
      String batchId, String customId, String endpoint, Answer a, long created) {
    ObjectNode line = Json.object();
    long h = hash(batchId + '\u0000' + customId);
    switch (a.kind()) {
      case SUCCESS:
        {
          line.put("id", "br_" + hex(h));
          line.put("custom_id", customId);
          ObjectNode response = line.putObject("response");
          response.put("status_code", 200);
          response.put("request_id", hex(hash(customId + '\u0001' + batchId)));
          response.set(
              "body", responseBody(endpoint, a, hex(h ^ 0x5bd1e995L) + "-EMU", created, h >>> 20));
          return line;
        }
      case MODEL_NOT_FOUND:
      case EMULATED_FAILURE:
        {
          line.put("custom_id", customId);
          ObjectNode error = line.putObject("error");
          error.put("message", a.errorMessage());
          error.put("code", a.errorCode());
          return line;
        }
      case EMULATED_FAILURE_STRING:
        line.put("custom_id", customId);
        line.put("error", a.errorMessage());
        return line;
      case FAILED_ONCE:
        {
          line.put("custom_id", customId);
          ObjectNode response = line.putObject("response");
          response.put("status_code", 500);
          ObjectNode error = response.putObject("body").putObject("error");
          error.put("message", a.errorMessage());
          error.put("type", "server_error");
          error.put("code", a.errorCode());
          return line;
        }
      case INVALID_REQUEST:
      case EMULATED_FAILURE_RESPONSE:
      default:
        {
          line.put("custom_id", customId);
          ObjectNode response = line.putObject("response");
          response.put("status_code", 400);
          ObjectNode error = response.putObject("body").putObject("error");
          error.put("message", a.errorMessage());
          error.put("type", "invalid_request_error");
          error.put("code", a.errorCode());
          return line;
        }
    }
  }

  /** An error line {@code {"custom_id", "error": {"message", "code"}}}. */
  public static ObjectNode errorLine(String customId, String message, String code) {
    ObjectNode line = Json.object();
    line.put("custom_id", customId);
    ObjectNode error = line.putObject("error");
    error.put("message", message);
    error.put("code", code);
    return line;
  }

  /** 64-bit FNV-1a over UTF-8 bytes. */
  public static long hash(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** Sixteen lower-case hex digits. */
  public static String hex(long v) {
    String s = Long.toHexString(v);
    return "0".repeat(16 - s.length()) + s;
  }
}
