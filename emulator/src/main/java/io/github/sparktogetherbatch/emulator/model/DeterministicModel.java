package io.github.sparktogetherbatch.emulator.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparktogetherbatch.emulator.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The emulator's built-in "model": a pure function from a request body to an answer, so tests can
 * compute exactly what a batch (or a live completion call) returns.
 *
 * <p>Rules, applied in this order:
 *
 * <ol>
 *   <li><b>Model.</b> The model is {@code body.model}, or the batch's {@code model_id} when the
 *       body names none. No model at all: {@link Kind#INVALID_REQUEST}. Known models are every name
 *       starting with {@code emulator/} (e.g. {@code emulator/echo}) and the names in {@link
 *       #SERVERLESS_MODELS} (exact, case-sensitive). Any other name: {@link Kind#MODEL_NOT_FOUND}
 *       (error code {@code model_not_found}).
 *   <li><b>Shape.</b> Chat ({@code /v1/chat/completions}) needs a non-empty {@code messages} array
 *       of objects; completions ({@code /v1/completions}) needs a string {@code prompt}. {@code
 *       max_tokens}, when present, must be a positive integer. Otherwise {@link
 *       Kind#INVALID_REQUEST} (code {@code invalid_request}).
 *   <li><b>Requested failures.</b> The "input text" is the content of the last message whose role
 *       is {@code user} (text parts of an array content joined by a space; "" if there is no user
 *       message), or the prompt. If it contains {@code !!fail-response!!}: {@link
 *       Kind#EMULATED_FAILURE_RESPONSE}; else {@code !!fail-string!!}: {@link
 *       Kind#EMULATED_FAILURE_STRING}; else {@code !!fail!!}: {@link Kind#EMULATED_FAILURE}. All
 *       carry code {@code emulated_failure} and message {@value #EMULATED_FAILURE_MESSAGE}.
 *   <li><b>Success.</b> {@code content = "Echo: " + inputText}. Words are maximal runs of
 *       non-whitespace characters. If {@code max_tokens} is set and the content has more words, the
 *       content becomes its first {@code max_tokens} words joined by single spaces and {@code
 *       finish_reason} is {@code length}; otherwise the content is unchanged and {@code
 *       finish_reason} is {@code stop}. {@code prompt_tokens} is the number of words over all
 *       message contents (or the prompt), at least 1; {@code completion_tokens} is the number of
 *       words in the content; {@code total_tokens} is their sum.
 * </ol>
 *
 * The same endpoint and body always give the same answer.
 */
public final class DeterministicModel {
  /** The chat completions endpoint. */
  public static final String CHAT_COMPLETIONS = "/v1/chat/completions";

  /** The (text) completions endpoint. */
  public static final String COMPLETIONS = "/v1/completions";

  /** The message of every requested ({@code !!fail...!!}) failure. */
  public static final String EMULATED_FAILURE_MESSAGE = "Emulated failure requested by the prompt";

  /**
   * Together serverless chat model names the emulator knows, besides everything under {@code
   * emulator/}.
   */
  public static final List<String> SERVERLESS_MODELS =
      List.of(
          "meta-llama/Llama-3.3-70B-Instruct-Turbo",
          "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo",
          "meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo",
          "meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo",
          "meta-llama/Llama-3.2-3B-Instruct-Turbo",
          "meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8",
          "meta-llama/Llama-4-Scout-17B-16E-Instruct",
          "Qwen/Qwen2.5-72B-Instruct-Turbo",
          "Qwen/Qwen2.5-7B-Instruct-Turbo",
          "Qwen/Qwen3-235B-A22B-Instruct-2507-tput",
          "deepseek-ai/DeepSeek-V3",
          "deepseek-ai/DeepSeek-R1",
          "mistralai/Mixtral-8x7B-Instruct-v0.1",
          "mistralai/Mistral-7B-Instruct-v0.3",
          "google/gemma-2-27b-it",
          "openai/gpt-oss-20b",
          "openai/gpt-oss-120b",
          "moonshotai/Kimi-K2-Instruct");

  private static final Set<String> KNOWN = Set.copyOf(SERVERLESS_MODELS);

  /** What kind of answer a request gets. */
  public enum Kind {
    /** A normal completion. */
    SUCCESS,
    /** Malformed body: in a batch, an error line of the {@code response.status_code: 400} shape. */
    INVALID_REQUEST,
    /** Unknown model: in a batch, {@code {"error": {"message", "code": "model_not_found"}}}. */
    MODEL_NOT_FOUND,
    /** {@code !!fail!!}: in a batch, {@code {"error": {"message", "code": "emulated_failure"}}}. */
    EMULATED_FAILURE,
    /** {@code !!fail-string!!}: in a batch, {@code {"error": "<message>"}}. */
    EMULATED_FAILURE_STRING,
    /** {@code !!fail-response!!}: in a batch, the {@code response.status_code: 400} shape. */
    EMULATED_FAILURE_RESPONSE
  }

  /**
   * The answer to one request.
   *
   * @param kind success or the kind of failure
   * @param model the model used (may be null when the request named none)
   * @param content the assistant message (chat) or completion text; null unless successful
   * @param finishReason {@code stop} or {@code length}; null unless successful
   * @param promptTokens prompt words (0 unless successful)
   * @param completionTokens content words (0 unless successful)
   * @param errorCode null on success; else {@code invalid_request}, {@code model_not_found} or
   *     {@code emulated_failure}
   * @param errorMessage null on success; else a human-readable message
   */
  public record Answer(
      Kind kind,
      String model,
      String content,
      String finishReason,
      int promptTokens,
      int completionTokens,
      String errorCode,
      String errorMessage) {
    /** Whether the request succeeded. */
    public boolean succeeded() {
      return kind == Kind.SUCCESS;
    }

    /** {@code promptTokens + completionTokens}. */
    public int totalTokens() {
      return promptTokens + completionTokens;
    }

    /**
     * The HTTP status the live endpoints answer with: 200, 400 (invalid request and {@code
     * !!fail-response!!}), 404 (unknown model) or 500 (other requested failures).
     */
    public int httpStatus() {
      switch (kind) {
        case SUCCESS:
          return 200;
        case INVALID_REQUEST:
        case EMULATED_FAILURE_RESPONSE:
          return 400;
        case MODEL_NOT_FOUND:
          return 404;
        default:
          return 500;
      }
    }
  }

  private DeterministicModel() {}

  /** Whether the emulator knows this model name. */
  public static boolean isKnownModel(String model) {
    return model != null && (model.startsWith("emulator/") || KNOWN.contains(model));
  }

  /** The answer for a request body sent to an endpoint (no batch-level default model). */
  public static Answer answer(String endpoint, JsonNode body) {
    return answer(endpoint, body, null);
  }

  /**
   * The answer for a request body sent to an endpoint.
   *
   * @param endpoint {@link #CHAT_COMPLETIONS} or {@link #COMPLETIONS}
   * @param body the request body (the {@code body} of a batch line)
   * @param defaultModel the model used when the body names none (a batch's {@code model_id}), or
   *     null
   */
  public static Answer answer(String endpoint, JsonNode body, String defaultModel) {
    boolean chat;
    if (CHAT_COMPLETIONS.equals(endpoint)) {
      chat = true;
    } else if (COMPLETIONS.equals(endpoint)) {
      chat = false;
    } else {
      return invalid(null, "Unsupported endpoint: " + endpoint);
    }
    if (body == null || !body.isObject()) {
      return invalid(null, "The request body must be a JSON object");
    }
    JsonNode modelNode = body.get("model");
    String model;
    if (modelNode != null && !modelNode.isNull()) {
      if (!modelNode.isTextual()) {
        return invalid(null, "'model' must be a string");
      }
      model = modelNode.asText();
    } else {
      model = defaultModel;
    }
    if (model == null || model.isEmpty()) {
      return invalid(null, "'model' is required");
    }
    if (!isKnownModel(model)) {
      return new Answer(
          Kind.MODEL_NOT_FOUND,
          model,
          null,
          null,
          0,
          0,
          "model_not_found",
          "Unable to access model "
              + model
              + ". Please visit https://api.together.ai/models to view the list of supported models.");
    }
    String inputText;
    int promptTokens;
    if (chat) {
      JsonNode messages = body.get("messages");
      if (messages == null || !messages.isArray() || messages.isEmpty()) {
        return invalid(model, "'messages' is required and must be a non-empty array");
      }
      inputText = "";
      promptTokens = 0;
      for (JsonNode m : messages) {
        if (!m.isObject()) {
          return invalid(model, "each message must be an object");
        }
        String text = contentText(m.get("content"));
        if (text == null) {
          return invalid(model, "message 'content' must be a string or an array of content parts");
        }
        promptTokens += countWords(text);
        if ("user".equals(Json.text(m, "role"))) {
          inputText = text;
        }
      }
    } else {
      JsonNode prompt = body.get("prompt");
      if (prompt == null || !prompt.isTextual()) {
        return invalid(model, "'prompt' is required and must be a string");
      }
      inputText = prompt.asText();
      promptTokens = countWords(inputText);
    }
    JsonNode maxTokensNode = body.get("max_tokens");
    int maxTokens = -1;
    if (maxTokensNode != null && !maxTokensNode.isNull()) {
      if (!maxTokensNode.isIntegralNumber()
          || maxTokensNode.asLong() < 1
          || !maxTokensNode.canConvertToInt()) {
        return invalid(model, "'max_tokens' must be a positive integer");
      }
      maxTokens = maxTokensNode.asInt();
    }
    if (inputText.contains("!!fail-response!!")) {
      return new Answer(
          Kind.EMULATED_FAILURE_RESPONSE,
          model,
          null,
          null,
          0,
          0,
          "emulated_failure",
          EMULATED_FAILURE_MESSAGE);
    }
    if (inputText.contains("!!fail-string!!")) {
      return new Answer(
          Kind.EMULATED_FAILURE_STRING,
          model,
          null,
          null,
          0,
          0,
          "emulated_failure",
          EMULATED_FAILURE_MESSAGE);
    }
    if (inputText.contains("!!fail!!")) {
      return new Answer(
          Kind.EMULATED_FAILURE,
          model,
          null,
          null,
          0,
          0,
          "emulated_failure",
          EMULATED_FAILURE_MESSAGE);
    }
    String content = "Echo: " + inputText;
    List<String> words = words(content);
    String finish = "stop";
    int completionTokens = words.size();
    if (maxTokens > 0 && words.size() > maxTokens) {
      content = String.join(" ", words.subList(0, maxTokens));
      completionTokens = maxTokens;
      finish = "length";
    }
    return new Answer(
        Kind.SUCCESS,
        model,
        content,
        finish,
        Math.max(1, promptTokens),
        completionTokens,
        null,
        null);
  }

  private static Answer invalid(String model, String message) {
    return new Answer(Kind.INVALID_REQUEST, model, null, null, 0, 0, "invalid_request", message);
  }

  /**
   * Text of a message content: a string, null (""), or an array of parts whose text parts are
   * joined by a space.
   */
  private static String contentText(JsonNode content) {
    if (content == null || content.isNull()) {
      return "";
    }
    if (content.isTextual()) {
      return content.asText();
    }
    if (content.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode part : content) {
        String t = part.isObject() ? Json.text(part, "text") : null;
        if (t != null) {
          if (sb.length() > 0) {
            sb.append(' ');
          }
          sb.append(t);
        }
      }
      return sb.toString();
    }
    return null;
  }

  /** Number of maximal runs of non-whitespace characters. */
  public static int countWords(String text) {
    int n = 0;
    boolean in = false;
    for (int i = 0; i < text.length(); i++) {
      boolean ws = Character.isWhitespace(text.charAt(i));
      if (!ws && !in) {
        n++;
      }
      in = !ws;
    }
    return n;
  }

  private static List<String> words(String text) {
    List<String> out = new ArrayList<>();
    int start = -1;
    for (int i = 0; i <= text.length(); i++) {
      boolean ws = i == text.length() || Character.isWhitespace(text.charAt(i));
      if (ws) {
        if (start >= 0) {
          out.add(text.substring(start, i));
          start = -1;
        }
      } else if (start < 0) {
        start = i;
      }
    }
    return out;
  }
}
