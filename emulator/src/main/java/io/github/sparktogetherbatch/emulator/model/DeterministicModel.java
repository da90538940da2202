package io.github.sparktogetherbatch.emulator.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparktogetherbatch.emulator.json.Json;
import java.io.UncheckedIOException;
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
 *       starting with {@code emulator/} and the chat models of {@link ModelCatalog} (exact,
 *       case-sensitive); the audio endpoints also know {@value #WHISPER}. Any other name: {@link
 *       Kind#MODEL_NOT_FOUND} (code {@code model_not_found}).
 *   <li><b>Shape.</b> Chat needs what {@link ChatRequest} checks: a non-empty {@code messages}
 *       array of objects whose content is a string, null or an array of valid content parts; {@code
 *       max_tokens}, when present, a positive integer; a {@code response_format} of type {@code
 *       text}, {@code json_object} or {@code json_schema}; a {@code tool_choice} that forces a call
 *       must name a function of {@code tools}. Completions need a string {@code prompt}; the audio
 *       endpoints a string {@code file}. Otherwise {@link Kind#INVALID_REQUEST} ({@code
 *       invalid_request}).
 *   <li><b>Requested failures.</b> The "input text" is the last {@code user} message's text (text
 *       parts joined by a space; "" without one), or the prompt. {@code !!fail-response!!}, {@code
 *       !!fail-string!!}, {@code !!fail!!} in it give the failure kinds of those names (code {@code
 *       emulated_failure}, message {@value #EMULATED_FAILURE_MESSAGE}). {@code !!fail-once!!} makes
 *       the answer {@link Answer#failsOnce()}: the emulator fails the request the first time it
 *       sees it and answers it afterwards.
 *   <li><b>Success.</b> See {@link Answers}: the content echoes the input text, or is JSON for a
 *       {@code response_format}, or the request's forced function is called.
 * </ol>
 *
 * The same endpoint and body always give the same answer.
 */
public final class DeterministicModel {
  /** The chat completions endpoint. */
  public static final String CHAT_COMPLETIONS = "/v1/chat/completions";

  /** The (text) completions endpoint: live calls only, batches cannot target it. */
  public static final String COMPLETIONS = "/v1/completions";

  /** The audio transcriptions endpoint. */
  public static final String AUDIO_TRANSCRIPTIONS = "/v1/audio/transcriptions";

  /** The audio translations endpoint. */
  public static final String AUDIO_TRANSLATIONS = "/v1/audio/translations";

  /** The endpoints a batch may target. */
  public static final List<String> BATCH_ENDPOINTS =
      List.of(CHAT_COMPLETIONS, AUDIO_TRANSCRIPTIONS, AUDIO_TRANSLATIONS);

  /** The speech-to-text model the audio endpoints know besides {@code emulator/} names. */
  public static final String WHISPER = "openai/whisper-large-v3";

  /** The message of every requested ({@code !!fail...!!}) failure. */
  public static final String EMULATED_FAILURE_MESSAGE = "Emulated failure requested by the prompt";

  /** The message of the first attempt of a {@code !!fail-once!!} request. */
  public static final String FAILED_ONCE_MESSAGE =
      "Internal server error (emulated: !!fail-once!! fails the first attempt)";

  /** Together serverless chat models the emulator knows, besides everything under emulator/. */
  public static final List<String> SERVERLESS_MODELS = ModelCatalog.serverlessChatModels();

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
    EMULATED_FAILURE_RESPONSE,
    /**
     * The first attempt of a {@code !!fail-once!!} request: in a batch, the {@code
     * response.status_code: 500} shape with code {@code server_error}.
     */
    FAILED_ONCE
  }

  /**
   * The answer to one request.
   *
   * @param kind success or the kind of failure
   * @param model the model used (may be null when the request named none)
   * @param content the assistant message (chat), completion text or transcript; null unless
   *     successful, and null when the answer is a tool call
   * @param reasoning the reasoning of a reasoning model ({@code emulator/reasoning}), else null
   * @param toolCalls the function calls of the answer; empty unless the request forced one
   * @param finishReason {@code stop}, {@code eos}, {@code length} or {@code tool_calls}; null
   *     unless successful
   * @param promptTokens prompt words (0 unless successful)
   * @param completionTokens words of the content, the reasoning and the tool call arguments (0
   *     unless successful)
   * @param errorCode null on success; else {@code invalid_request}, {@code model_not_found}, {@code
   *     emulated_failure} or {@code server_error}
   * @param errorMessage null on success; else a human-readable message
   * @param failsOnce whether the input text asks to fail the first attempt ({@code !!fail-once!!})
   */
  public record Answer(
      Kind kind,
      String model,
      String content,
      String reasoning,
      List<ToolCall> toolCalls,
      String finishReason,
      int promptTokens,
      int completionTokens,
      String errorCode,
      String errorMessage,
      boolean failsOnce) {
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

    /** The failure the first attempt of a {@code !!fail-once!!} request gets instead. */
    public Answer firstAttemptFailure() {
      return failure(Kind.FAILED_ONCE, model, "server_error", FAILED_ONCE_MESSAGE);
    }
  }

  private DeterministicModel() {}

  /** Whether the emulator knows this model name for chat and completions. */
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
   * @param endpoint {@link #CHAT_COMPLETIONS}, {@link #COMPLETIONS}, {@link #AUDIO_TRANSCRIPTIONS}
   *     or {@link #AUDIO_TRANSLATIONS}
   * @param body the request body (the {@code body} of a batch line)
   * @param defaultModel the model used when the body names none (a batch's {@code model_id}), or
   *     null
   */
  public static Answer answer(String endpoint, JsonNode body, String defaultModel) {
    boolean audio = AUDIO_TRANSCRIPTIONS.equals(endpoint) || AUDIO_TRANSLATIONS.equals(endpoint);
    if (!CHAT_COMPLETIONS.equals(endpoint) && !COMPLETIONS.equals(endpoint) && !audio) {
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
    boolean known =
        audio ? model.startsWith("emulator/") || WHISPER.equals(model) : isKnownModel(model);
    if (!known) {
      return failure(
          Kind.MODEL_NOT_FOUND,
          model,
          "model_not_found",
          "Unable to access model "
              + model
              + ". Please visit https://api.together.ai/models to view the list of supported models.");
    }
    if (audio) {
      return audio(endpoint, body, model);
    }
    if (CHAT_COMPLETIONS.equals(endpoint)) {
      ChatRequest chat = ChatRequest.parse(body);
      if (chat.error != null) {
        return invalid(model, chat.error);
      }
      Answer failed = requestedFailure(model, chat.inputText);
      return failed != null ? failed : Answers.chat(model, chat, seed(model, body.get("messages")));
    }
    JsonNode prompt = body.get("prompt");
    if (prompt == null || !prompt.isTextual()) {
      return invalid(model, "'prompt' is required and must be a string");
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
    Answer failed = requestedFailure(model, prompt.asText());
    return failed != null
        ? failed
        : Answers.text(model, prompt.asText(), Words.count(prompt.asText()), maxTokens);
  }

  private static Answer audio(String endpoint, JsonNode body, String model) {
    String file = Json.text(body, "file");
    if (file == null || file.isEmpty()) {
      return invalid(model, "'file' is required: the URL of the audio file");
    }
    String text =
        (AUDIO_TRANSCRIPTIONS.equals(endpoint) ? "Transcript of " : "Translation of ") + file;
    Answer failed = requestedFailure(model, file);
    return failed != null
        ? failed
        : new Answer(
            Kind.SUCCESS,
            model,
            text,
            null,
            List.of(),
            "stop",
            0,
            Words.count(text),
            null,
            null,
            file.contains("!!fail-once!!"));
  }

  private static Answer requestedFailure(String model, String inputText) {
    if (inputText.contains("!!fail-response!!")) {
      return failure(
          Kind.EMULATED_FAILURE_RESPONSE, model, "emulated_failure", EMULATED_FAILURE_MESSAGE);
    }
    if (inputText.contains("!!fail-string!!")) {
      return failure(
          Kind.EMULATED_FAILURE_STRING, model, "emulated_failure", EMULATED_FAILURE_MESSAGE);
    }
    if (inputText.contains("!!fail!!")) {
      return failure(Kind.EMULATED_FAILURE, model, "emulated_failure", EMULATED_FAILURE_MESSAGE);
    }
    return null;
  }

  /** The seed of generated JSON: the model and every message, so other prompts give other JSON. */
  private static long seed(String model, JsonNode messages) {
    try {
      return Completions.hash(model + '\n' + Json.MAPPER.writeValueAsString(messages));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Answer invalid(String model, String message) {
    return failure(Kind.INVALID_REQUEST, model, "invalid_request", message);
  }

  static Answer failure(Kind kind, String model, String code, String message) {
    return new Answer(kind, model, null, null, List.of(), null, 0, 0, code, message, false);
  }

  /** Number of maximal runs of non-whitespace characters. */
  public static int countWords(String text) {
    return Words.count(text);
  }

  /** The first {@code n} words of a text, joined by single spaces. */
  static String firstWords(String text, int n) {
    List<String> words = Words.split(text);
    return String.join(" ", new ArrayList<>(words.subList(0, Math.min(n, words.size()))));
  }
}
