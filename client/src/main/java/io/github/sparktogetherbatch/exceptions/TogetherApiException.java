package io.github.sparktogetherbatch.exceptions;

/**
 * An error answered by (or on the way to) the Together API: carries the HTTP status (0 when no
 * response arrived), whether the call may be retried, Together's request id when the server sent
 * one, and the response body truncated to a few kilobytes. The API key is never part of it.
 */
public class TogetherApiException extends TogetherBatchException {
  private static final long serialVersionUID = 1L;

  private final String operation;
  private final int statusCode;
  private final boolean retryable;
  private final String requestId;
  private final String errorCode;
  private final String responseBody;

  public TogetherApiException(
      String message,
      String operation,
      int statusCode,
      boolean retryable,
      String requestId,
      String errorCode,
      String responseBody,
      Throwable cause) {
    super(message, cause);
    this.operation = operation;
    this.statusCode = statusCode;
    this.retryable = retryable;
    this.requestId = requestId;
    this.errorCode = errorCode;
    this.responseBody = responseBody;
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
}
