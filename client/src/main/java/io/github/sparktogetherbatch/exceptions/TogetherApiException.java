package io.github.sparktogetherbatch.exceptions;

/**
 * An error answered by (or on the way to) the Together API: carries the HTTP status (0 when no
 * response arrived), whether the call may be retried, Together's request id when the server sent
 * one, and the response body truncated to a few kilobytes. The API key is never part of it.
 *
 * <p>Built with {@link #builder(String, String)}: every field but the message and the operation is
 * optional.
 */
public class TogetherApiException extends TogetherBatchException {
  private static final long serialVersionUID = 1L;

  private final String operation;
  private final int statusCode;
  private final boolean retryable;
  private final String requestId;
  private final String errorCode;
  private final String responseBody;

  protected TogetherApiException(Builder b) {
    super(b.message, b.cause);
    this.operation = b.operation;
    this.statusCode = b.statusCode;
    this.retryable = b.retryable;
    this.requestId = b.requestId;
    this.errorCode = b.errorCode;
    this.responseBody = b.responseBody;
  }

  /**
   * Starts an exception with its message and what was being done ({@code "POST /batches"}); by
   * default without a status (0), not retryable, and without request id, error code, body or cause.
   */
  public static Builder builder(String message, String operation) {
    return new Builder(message, operation);
  }

  /** What was being done, e.g. {@code "POST /batches"}. */
  public String operation() {
    return operation;
  }

  /** HTTP status, or 0 when the request failed before any response (timeout, reset). */
  public int statusCode() {
    return statusCode;
  }

  /** Whether a later attempt may succeed (429, 5xx, timeouts, resets). */
  public boolean isRetryable() {
    return retryable;
  }

  /** Together's request id header, when the server sent one. */
  public String requestId() {
    return requestId;
  }

  /** The {@code code} or {@code type} of the error envelope, when there was one. */
  public String errorCode() {
    return errorCode;
  }

  /** The response body, truncated. */
  public String responseBody() {
    return responseBody;
  }

  /** The optional parts of a {@link TogetherApiException}. */
  public static final class Builder {
    private final String message;
    private final String operation;
    private int statusCode;
    private boolean retryable;
    private String requestId;
    private String errorCode;
    private String responseBody;
    private Throwable cause;

    private Builder(String message, String operation) {
      this.message = message;
      this.operation = operation;
    }

    /** The HTTP status; leave unset (0) when no response arrived. */
    public Builder statusCode(int v) {
      this.statusCode = v;
      return this;
    }

    public Builder retryable(boolean v) {
      this.retryable = v;
      return this;
    }

    public Builder requestId(String v) {
      this.requestId = v;
      return this;
    }

    public Builder errorCode(String v) {
      this.errorCode = v;
      return this;
    }

    /** The response body, already truncated and redacted. */
    public Builder responseBody(String v) {
      this.responseBody = v;
      return this;
    }

    public Builder cause(Throwable v) {
      this.cause = v;
      return this;
    }

    public TogetherApiException build() {
      return new TogetherApiException(this);
    }
  }
}
