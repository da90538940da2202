package io.github.sparktogetherbatch.read;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.sparktogetherbatch.client.ClientStats;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.exceptions.TogetherApiException;
import io.github.sparktogetherbatch.exceptions.TogetherBatchException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The files of one batch as an executor streams them, with {@link TogetherClient#openFileContent}
 * (which resumes with {@code Range} after a broken download), and the errors that name the file and
 * the batch. Owns the task's client.
 */
final class BatchFiles implements AutoCloseable {
  private final TogetherInputPartition part;
  private final TogetherClient client;

  BatchFiles(TogetherInputPartition part) {
    this.part = part;
    this.client = new TogetherClient(part.client());
  }

  /** Opens a file's content; {@code kind} (input, output, error) names it in errors. */
  InputStream open(String fileId, String kind) {
    try {
      return client.openFileContent(fileId);
    } catch (RuntimeException e) {
      throw new TogetherBatchException(
          "Cannot download the "
              + kind
              + " file "
              + fileId
              + " of batch "
              + part.batchId()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** Whether the file is gone (HTTP 404/410), not merely unreachable. */
  static boolean isGone(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof TogetherApiException) {
        int code = ((TogetherApiException) c).statusCode();
        return code == 404 || code == 410;
      }
    }
    return false;
  }

  /** The error for a file that could not be read to its end, or is not JSONL. */
  TogetherBatchException downloadFailed(String kind, String fileId, IOException e) {
    if (e instanceof JsonProcessingException
        || e.getMessage() != null && e.getMessage().endsWith("is not a JSON object")) {
      return new TogetherBatchException(
          "The "
              + kind
              + " file "
              + fileId
              + " of batch "
              + part.batchId()
              + " is not valid JSONL: "
              + e.getMessage(),
          e);
    }
    return new TogetherBatchException(
        "Reading the "
            + kind
            + " file "
            + fileId
            + " of batch "
            + part.batchId()
            + " failed: "
            + e.getMessage()
            + ". The batch's results stay at Together; "
            + "run the read again.",
        e);
  }

  /** The client's counters: bytes downloaded, download resumes, retries. */
  ClientStats stats() {
    return client.stats();
  }

  @Override
  public void close() {
    client.close();
  }
}
