package io.github.sparktogetherbatch.exceptions;

/**
 * Bad input data (a null prompt, a duplicate or too long custom_id, a request over the size limit,
 * a wrong column type). Raised before anything is uploaded. The message names the column, the row's
 * custom_id where there is one, and the fix; never the prompt text.
 */
public class TogetherDataException extends TogetherBatchException {
  private static final long serialVersionUID = 1L;

  public TogetherDataException(String message) {
    super(message);
  }
}
