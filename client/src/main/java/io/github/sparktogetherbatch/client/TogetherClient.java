package io.github.sparktogetherbatch.client;

import java.io.Closeable;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * A client of Together's Files and Batches API. Knows nothing of Spark. Thread-safe; one instance
 * per JVM-side use, closed when done.
 *
 * <p>Every call is retried on 408, 409 (except a checksum duplicate), 429, 5xx, timeouts and
 * connection resets with capped exponential backoff and jitter, honouring {@code retry-after-ms},
 * {@code retry-after} and {@code x-should-retry}, within the {@link RetryPolicy}'s attempt count
 * and deadline. Other 4xx fail at once with a message that says what to check.
 *
 * <p>The API key is sent only to the API host, never to the signed upload URL, and never appears in
 * logs or exception messages.
 */
public final class TogetherClient implements Closeable {
  private final TogetherClientConfig config;
  private final ClientStats stats = new ClientStats();
  private final HttpTransport transport;
  private final FilesApi files;
  private final BatchesApi batches;
  private final ModelsApi models;

  public TogetherClient(TogetherClientConfig config) {
    this.config = config;
    this.transport = new HttpTransport(config, stats);
    ApiErrors errors = new ApiErrors(config.apiKey());
    JsonBodies json = new JsonBodies(errors);
    RetryingCaller caller = new RetryingCaller(transport, errors, config.retryPolicy(), stats);
    this.files =
        new FilesApi(
            caller, transport, errors, json, new SignedUrls(config), config.retryPolicy(), stats);
    this.batches = new BatchesApi(caller, transport, errors, json);
    this.models = new ModelsApi(caller, transport, json);
  }

  public TogetherClientConfig config() {
    return config;
  }

  public ClientStats stats() {
    return stats;
  }

  /** The User-Agent this client sends to the API. */
  public String userAgent() {
    return transport.userAgent();
  }

  @Override
  public void close() {
    transport.close();
  }

  @Override
  public String toString() {
    return "TogetherClient{" + config + "}";
  }

  // ---------------------------------------------------------------------------------------------
  // Files

  /**
   * Uploads a local JSONL file as a batch input with Together's redirect flow: {@code POST /files}
   * (302 with {@code Location} and {@code X-Together-File-Id}), a streamed {@code PUT} of the file
   * to the signed URL with an explicit Content-Length and no API headers, then {@code POST
   * /files/{id}/preprocess}. A retried PUT re-reads the file. A refused (403) signed URL restarts
   * the flow. On failure, the file id it was given is deleted, best effort.
   */
  public FileObject uploadFile(Path file, String fileName) {
    return files.upload(file, fileName);
  }

  /** {@code GET /files/{id}}. */
  public FileObject getFile(String fileId) {
    return files.get(fileId);
  }

  /** {@code GET /files}: every file of the account. */
  public List<FileObject> listFiles() {
    return files.list();
  }

  /**
   * {@code DELETE /files/{id}}. Returns false when the file did not exist (404), true when the
   * server confirmed the deletion.
   */
  public boolean deleteFile(String fileId) {
    return files.delete(fileId);
  }

  /** Deletes a file, logging instead of throwing; for clean-up paths. */
  public void deleteQuietly(String fileId) {
    files.deleteQuietly(fileId);
  }

  /**
   * Streams a file's content ({@code GET /files/{id}/content}). The stream resumes with {@code
   * Range: bytes=N-} after a broken or truncated download, so the caller sees every byte once.
   * Close it when done.
   */
  public InputStream openFileContent(String fileId) {
    return files.openContent(fileId);
  }

  // ---------------------------------------------------------------------------------------------
  // Batches

  /**
   * {@code POST /batches}: creates a batch over an uploaded input file. A create call is not
   * idempotent (Together has no idempotency key), so before retrying after an ambiguous failure (no
   * response, 5xx, 408) this looks for a batch over the same input file and returns it instead of
   * creating a second one.
   *
   * @param modelId optional; null lets Together take the model from the lines
   */
  public BatchJob createBatch(String inputFileId, String endpoint, String modelId) {
    return batches.create(inputFileId, endpoint, modelId);
  }

  /** The newest batch whose input file is {@code inputFileId}, or null. */
  public BatchJob findBatchForInputFile(String inputFileId) {
    return batches.findForInputFile(inputFileId);
  }

  /** {@code GET /batches/{id}}. */
  public BatchJob getBatch(String batchId) {
    return batches.get(batchId);
  }

  /** {@code GET /batches}: every batch of the account, newest first (an empty list may be null). */
  public List<BatchJob> listBatches() {
    return batches.list();
  }

  /**
   * {@code GET /models}: the models the account may use, with their types and serverless prices.
   * Together answers a bare array; a {@code data} envelope is read too.
   */
  public List<ModelObject> listModels() {
    return models.list();
  }

  /** {@code POST /batches/{id}/cancel}; the batch is CANCELING right after, CANCELLED later. */
  public BatchJob cancelBatch(String batchId) {
    return batches.cancel(batchId);
  }
}
