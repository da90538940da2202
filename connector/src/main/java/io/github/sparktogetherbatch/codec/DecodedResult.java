package io.github.sparktogetherbatch.codec;

/**
 * The fields of one decoded result line ({@link ResultDecoder}); reused from line to line. Not
 * thread-safe.
 */
public final class DecodedResult {
  String customId;
  boolean failed;
  String model;
  String content;
  String reasoning;
  String toolCalls;
  String finishReason;
  Integer promptTokens;
  Integer completionTokens;
  Integer totalTokens;
  String errorCode;
  String errorMessage;

  /** The raw response body JSON (only when asked for). */
  String response;

  /** The content decoded into the column {@code parsed} ({@link ParsedContent}), or null. */
  Object parsed;

  /** The request's custom_id. */
  public String customId() {
    return customId;
  }

  /** Whether the request failed (else it succeeded). */
  public boolean failed() {
    return failed;
  }

  public String model() {
    return model;
  }

  /** The assistant message or completion text (only when asked for). */
  public String content() {
    return content;
  }

  /** The assistant message's {@code reasoning} (only when asked for). */
  public String reasoning() {
    return reasoning;
  }

  /** The assistant message's {@code tool_calls} as JSON (only when asked for). */
  public String toolCalls() {
    return toolCalls;
  }

  public String finishReason() {
    return finishReason;
  }

  public Integer promptTokens() {
    return promptTokens;
  }

  public Integer completionTokens() {
    return completionTokens;
  }

  public Integer totalTokens() {
    return totalTokens;
  }

  public String errorCode() {
    return errorCode;
  }

  public String errorMessage() {
    return errorMessage;
  }

  /** The raw response body JSON (only when asked for). */
  public String response() {
    return response;
  }

  void clear() {
    customId = null;
    failed = false;
    model = null;
    content = null;
    reasoning = null;
    toolCalls = null;
    finishReason = null;
    promptTokens = null;
    completionTokens = null;
    totalTokens = null;
    errorCode = null;
    errorMessage = null;
    response = null;
    parsed = null;
  }

  /** The column {@code parsed}'s value (an InternalRow), or null. */
  public Object parsed() {
    return parsed;
  }
}
