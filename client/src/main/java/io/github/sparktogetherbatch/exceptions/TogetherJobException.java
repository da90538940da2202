package io.github.sparktogetherbatch.exceptions;

import java.util.List;

/**
 * A batch job that did not end as asked: a FAILED batch, a wait that timed out, a job path that
 * already holds a job. Names the batch ids involved so the user can read or cancel them.
 */
public class TogetherJobException extends TogetherBatchException {
  private static final long serialVersionUID = 1L;
  private final List<String> batchIds;

  public TogetherJobException(String message, List<String> batchIds) {
    super(message);
    this.batchIds = List.copyOf(batchIds);
  }

  public TogetherJobException(String message, List<String> batchIds, Throwable cause) {
    super(message, cause);
    this.batchIds = List.copyOf(batchIds);
  }

  /** The batch ids this error is about. */
  public List<String> batchIds() {
    return batchIds;
  }
}
