package io.github.sparktogetherbatch.exceptions;

/**
 * Base of every exception the connector throws on purpose. Messages say what went wrong and what to
 * do; they never contain prompt text or the API key.
 */
public class TogetherBatchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TogetherBatchException(String message) {
    super(message);
  }

  public TogetherBatchException(String message, Throwable cause) {
    super(message, cause);
  }
}
