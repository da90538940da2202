package io.github.sparktogetherbatch.exceptions;

/** A bad or missing option: the message names the option, the bad value and the allowed values. */
public class TogetherConfigException extends TogetherBatchException {
  private static final long serialVersionUID = 1L;

  public TogetherConfigException(String message) {
    super(message);
  }

  public TogetherConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
