package io.github.sparktogetherbatch.testing;

import io.github.sparktogetherbatch.client.BatchJob;

/** Batch objects as Together's API would return them, for tests that need no server. */
public final class TestBatches {
  private TestBatches() {}

  /** A chat batch of model {@code m} over {@code inputFileId}, with no output yet. */
  public static BatchJob batch(String id, String inputFileId, String status, double progress) {
    return new BatchJob(
        id,
        "u",
        inputFileId,
        10,
        status,
        "/v1/chat/completions",
        progress,
        "m",
        null,
        null,
        null,
        null,
        null,
        null);
  }
}
