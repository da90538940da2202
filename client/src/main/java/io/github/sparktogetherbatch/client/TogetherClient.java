package io.github.sparktogetherbatch.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparktogetherbatch.exceptions.TogetherApiException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.classic.methods.HttpDelete;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpPut;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.entity.UrlEncodedFormEntity;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.io.EofSensorInputStream;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.message.BasicNameValuePair;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.io.ModalCloseable;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of Together's Files and Batches API (see {@code together-batch-api.md}). Knows nothing
 * of Spark. Thread-safe; one instance per JVM-side use, closed when done.
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
  private static final Logger LOG = LoggerFactory.getLogger(TogetherClient.class);

  /** Longest response body kept in an exception. */
  static final int MAX_ERROR_BODY_CHARS = 2048;

  /** At most this much of an error body is read from the wire. */
  private static final int MAX_ERROR_BODY_READ = 64 * 1024;

  /**
   * Uploads restart from {@code POST /files} at most this often after the signed URL is refused.
   */
  private static final int MAX_UPLOAD_RESTARTS = 3;

  /** How often one download may resume after a broken connection. */
  static final int MAX_DOWNLOAD_RESUMES = 20;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final TogetherClientConfig config;
  private final String authorization;
  private final String userAgent;
  private final URI baseUri;
  private final PoolingHttpClientConnectionManager apiPool;
  private final PoolingHttpClientConnectionManager storagePool;
  private final CloseableHttpClient api;
  private final CloseableHttpClient storage;
  private final ClientStats stats = new ClientStats();

  public TogetherClient(TogetherClientConfig config) {
    this.config = config;
    this.authorization = "Bearer " + config.apiKey();
    this.baseUri = URI.create(config.baseUrl());
    String extra = config.userAgentExtra() == null ? "" : "; " + config.userAgentExtra();
    this.userAgent =
        "spark-together-batch/"
            + ConnectorVersion.get()
            + " (Java "
            + System.getProperty("java.version")
            + extra
            + ")";

    Timeout connect = Timeout.ofMilliseconds(config.connectTimeout().toMillis());
    Timeout socket = Timeout.ofMilliseconds(config.requestTimeout().toMillis());
    this.apiPool = pool(connect, socket, config.maxConnections());
    this.storagePool = pool(connect, socket, config.maxConnections());
    RequestConfig rc =
        RequestConfig.custom()
            .setRedirectsEnabled(false)
            .setResponseTimeout(socket)
            .setConnectionRequestTimeout(Timeout.ofMinutes(5))
            .setExpectContinueEnabled(false)
            .build();
    this.api =
        HttpClients.custom()
            .setConnectionManager(apiPool)
            .setDefaultRequestConfig(rc)
            .disableRedirectHandling()
            .disableAutomaticRetries()
            .disableCookieManagement()
            .disableAuthCaching()
            .disableContentCompression()
            .setUserAgent(userAgent)
            .build();
    // The signed upload URL is third-party storage: no key, no user agent, no cookies, no extras.
    this.storage =
        HttpClients.custom()
            .setConnectionManager(storagePool)
            .setDefaultRequestConfig(rc)
            .disableRedirectHandling()
            .disableAutomaticRetries()
            .disableCookieManagement()
            .disableAuthCaching()
            .disableContentCompression()
            .disableDefaultUserAgent()
            .build();
  }

  private static PoolingHttpClientConnectionManager pool(Timeout connect, Timeout socket, int max) {
    return PoolingHttpClientConnectionManagerBuilder.create()
        .setConnectionFactory(QuietConnection.Factory.INSTANCE)
        .setDefaultSocketConfig(
            SocketConfig.custom().setSoTimeout(socket).setTcpNoDelay(true).build())
        .setDefaultConnectionConfig(
            ConnectionConfig.custom()
                .setConnectTimeout(connect)
                .setSocketTimeout(socket)
                .setValidateAfterInactivity(Timeout.ofSeconds(2))
                .build())
        .setMaxConnTotal(Math.max(2, max))
        .setMaxConnPerRoute(Math.max(2, max))
        .build();
  }

  public TogetherClientConfig config() {
    return config;
  }

  public ClientStats stats() {
    return stats;
  }

  /** The User-Agent this client sends to the API. */
  public String userAgent() {
    return userAgent;
  }

  @Override
  public void close() {
    closeQuietly(api);
    closeQuietly(storage);
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
    final long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new TogetherApiException(
          "Cannot read the staged file to upload: " + e.getMessage(),
          "POST /files",
          0,
          false,
          null,
          null,
          null,
          e);
    }
    TogetherApiException last = null;
    for (int restart = 0; restart <= MAX_UPLOAD_RESTARTS; restart++) {
      if (restart > 0) {
        stats.uploadRestart();
      }
      UploadTarget target = startUpload(fileName);
      try {
        putToSignedUrl(target, file, size);
        FileObject uploaded = finishUpload(target.fileId);
        stats.uploaded(size);
        if (uploaded.bytes() > 0 && uploaded.bytes() != size) {
          LOG.warn(
              "Together reports {} bytes for file {} but {} bytes were uploaded",
              uploaded.bytes(),
              uploaded.id(),
              size);
        }
        LOG.debug("Uploaded {} ({} bytes) as {}", fileName, size, uploaded.id());
        return uploaded;
      } catch (TogetherApiException e) {
        deleteQuietly(target.fileId);
        if (e.statusCode() == 403
            && "PUT signed upload URL".equals(e.operation())
            && restart < MAX_UPLOAD_RESTARTS) {
          LOG.info(
              "The signed upload URL for file {} was refused (HTTP 403, e.g. expired); "
                  + "starting the upload again",
              target.fileId);
          last = e;
          continue;
        }
        throw e;
      } catch (RuntimeException e) {
        deleteQuietly(target.fileId);
        throw e;
      }
    }
    throw last;
  }

  private static final class UploadTarget {
    final String fileId;
    final URI location;

    UploadTarget(String fileId, URI location) {
      this.fileId = fileId;
      this.location = location;
    }
  }

  private UploadTarget startUpload(String fileName) {
    String op = "POST /files";
    return execute(
        op,
        () -> {
          HttpPost post = new HttpPost(url("files"));
          List<BasicNameValuePair> form =
              List.of(
                  new BasicNameValuePair("purpose", "batch-api"),
                  new BasicNameValuePair("file_name", fileName),
                  new BasicNameValuePair("file_type", "jsonl"));
          post.setEntity(new UrlEncodedFormEntity(form, StandardCharsets.UTF_8));
          return post;
        },
        response -> {
          int code = response.getCode();
          Header loc = response.getFirstHeader(HttpHeaders.LOCATION);
          Header id = response.getFirstHeader("X-Together-File-Id");
          EntityUtils.consumeQuietly(response.getEntity());
          if (code < 300 || code >= 400 || loc == null || id == null) {
            throw new TogetherApiException(
                op
                    + " answered HTTP "
                    + code
                    + " without the expected "
                    + "redirect (302 with Location and X-Together-File-Id headers). Check that 'baseUrl' "
                    + "points at Together's API ("
                    + TogetherClientConfig.DEFAULT_BASE_URL
                    + ").",
                op,
                code,
                false,
                requestId(response),
                null,
                null,
                null);
          }
          String fileId = checkId("file", id.getValue().trim(), op);
          URI location;
          try {
            location = checkUploadLocation(loc.getValue(), op);
          } catch (TogetherApiException refused) {
            // Together made a file record; nothing will ever be uploaded to it.
            deleteQuietly(fileId);
            throw refused;
          }
          return new UploadTarget(fileId, location);
        },
        null);
  }

  private URI checkUploadLocation(String raw, String op) {
    URI u;
    try {
      u = baseUri.resolve(new URI(raw.trim()));
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new TogetherApiException(
          op + " returned an upload Location that is not a valid URL",
          op,
          302,
          false,
          null,
          null,
          null,
          null);
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    boolean ok =
        scheme.equals("https")
            || (scheme.equals("http")
                && config.isPlainHttpLoopback()
                && TogetherClientConfig.isLoopbackHost(u.getHost()));
    if (!ok || u.getHost() == null) {
      throw new TogetherApiException(
          op
              + " returned an upload Location with scheme '"
              + scheme
              + "' on host '"
              + u.getHost()
              + "'; only https upload URLs are accepted (plain http only "
              + "when both the API and the upload URL are on a loopback emulator). Nothing was uploaded.",
          op,
          302,
          false,
          null,
          null,
          null,
          null);
    }
    return u;
  }

  private void putToSignedUrl(UploadTarget target, Path file, long size) {
    String op = "PUT signed upload URL";
    executeOn(
        storage,
        op,
        () -> {
          HttpPut put = new HttpPut(target.location);
          // A new entity per attempt: it re-opens the file, so a retry never sends a consumed
          // stream.
          put.setEntity(new UploadEntity(file.toFile()));
          return put;
        },
        response -> {
          EntityUtils.consumeQuietly(response.getEntity());
          int code = response.getCode();
          if (code != 200 && code != 201 && code != 204) {
            throw new TogetherApiException(
                op + " answered HTTP " + code + " (expected 200)",
                op,
                code,
                false,
                null,
                null,
                null,
                null);
          }
          return null;
        },
        null,
        false);
  }

  private FileObject finishUpload(String fileId) {
    String op = "POST /files/{id}/preprocess";
    try {
      return execute(
          op,
          () -> new HttpPost(url("files", fileId, "preprocess")),
          response -> parseFile(readJson(response, op), op),
          null);
    } catch (TogetherApiException e) {
      if (e.statusCode() == 404 || e.statusCode() == 405 || e.statusCode() == 501) {
        // Servers without preprocess (the TypeScript SDK skips it): the file is usable as uploaded.
        LOG.debug(
            "Preprocess of {} answered {}; checking the file instead", fileId, e.statusCode());
        return getFile(fileId);
      }
      throw e;
    }
  }

  /** {@code GET /files/{id}}. */
  public FileObject getFile(String fileId) {
    String op = "GET /files/{id}";
    checkId("file", fileId, op);
    return execute(
        op,
        () -> new HttpGet(url("files", fileId)),
        response -> parseFile(readJson(response, op), op),
        null);
  }

  /** {@code GET /files}: every file of the account. */
  public List<FileObject> listFiles() {
    return list("GET /files", "files", TogetherClient::parseFile);
  }

  /** A list answer: a bare array, {@code {"data": [...]}}, or an empty body / literal null. */
  private <T> List<T> list(String op, String resource, BiFunction<JsonNode, String, T> parse) {
    return execute(
        op,
        () -> new HttpGet(url(resource)),
        response -> {
          JsonNode body = readJsonOrEmpty(response, op);
          JsonNode data = body.isArray() ? body : body.path("data");
          List<T> out = new ArrayList<>();
          if (data.isArray()) {
            for (JsonNode n : data) {
              out.add(parse.apply(n, op));
            }
          }
          return out;
        },
        null);
  }

  /**
   * {@code DELETE /files/{id}}. Returns false when the file did not exist (404), true when the
   * server confirmed the deletion.
   */
  public boolean deleteFile(String fileId) {
    String op = "DELETE /files/{id}";
    checkId("file", fileId, op);
    try {
      return execute(
          op,
          () -> new HttpDelete(url("files", fileId)),
          response -> {
            JsonNode body = readJsonOrEmpty(response, op);
            return !body.has("deleted") || body.path("deleted").asBoolean(true);
          },
          null);
    } catch (TogetherApiException e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  /** Deletes a file, logging instead of throwing; for clean-up paths. */
  public void deleteQuietly(String fileId) {
    if (fileId == null) {
      return;
    }
    try {
      deleteFile(fileId);
    } catch (RuntimeException e) {
      LOG.warn("Could not delete file {} during clean-up: {}", fileId, e.getMessage());
    }
  }

  /**
   * Streams a file's content ({@code GET /files/{id}/content}). The stream resumes with {@code
   * Range: bytes=N-} after a broken or truncated download, so the caller sees every byte once.
   * Close it when done.
   */
  public InputStream openFileContent(String fileId) {
    checkId("file", fileId, "GET /files/{id}/content");
    return new ResumingDownload(this, fileId);
  }

  /** Opens the content from {@code offset}; used by {@link ResumingDownload}. */
  ClassicHttpResponse openContentAt(String fileId, long offset) {
    String op = "GET /files/{id}/content";
    return execute(
        op,
        () -> {
          HttpGet get = new HttpGet(url("files", fileId, "content"));
          get.setHeader(HttpHeaders.ACCEPT, "application/binary");
          if (offset > 0) {
            get.setHeader(HttpHeaders.RANGE, "bytes=" + offset + "-");
          }
          return get;
        },
        response -> followContentRedirect(response, offset, op),
        null,
        true);
  }

  private ClassicHttpResponse followContentRedirect(
      ClassicHttpResponse response, long offset, String op) throws IOException {
    int code = response.getCode();
    if (code < 300 || code >= 400) {
      return response;
    }
    Header loc = response.getFirstHeader(HttpHeaders.LOCATION);
    EntityUtils.consumeQuietly(response.getEntity());
    response.close();
    if (loc == null) {
      throw new TogetherApiException(
          op + " answered HTTP " + code + " without a Location",
          op,
          code,
          false,
          null,
          null,
          null,
          null);
    }
    URI target = checkUploadLocation(loc.getValue(), op);
    // A storage URL: no API key, no API headers.
    HttpGet get = new HttpGet(target);
    if (offset > 0) {
      get.setHeader(HttpHeaders.RANGE, "bytes=" + offset + "-");
    }
    stats.request();
    ClassicHttpResponse r = storage.executeOpen(null, get, null);
    if (r.getCode() >= 400) {
      TogetherApiException e = toApiException(op, r);
      r.close();
      throw e;
    }
    return r;
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
    String op = "POST /batches";
    checkId("file", inputFileId, op);
    ObjectNode req = MAPPER.createObjectNode();
    req.put("input_file_id", inputFileId);
    req.put("endpoint", endpoint);
    req.put("completion_window", "24h");
    if (modelId != null) {
      req.put("model_id", modelId);
    }
    byte[] json = writeJson(req);
    return execute(
        op,
        () -> {
          HttpPost post = new HttpPost(url("batches"));
          post.setEntity(new ByteArrayEntity(json, ContentType.APPLICATION_JSON));
          return post;
        },
        response -> {
          JsonNode body = readJson(response, op);
          JsonNode job = body.get("job");
          if (job == null || job.isNull()) {
            if (body.hasNonNull("id") && body.hasNonNull("status")) {
              job = body; // a bare batch object, tolerated
            } else {
              String warning = body.path("warning").asText(null);
              throw new TogetherApiException(
                  op
                      + " answered without a batch job"
                      + (warning == null
                          ? ""
                          : "; Together's warning: " + redact(truncate(warning)))
                      + ". No batch was created for input file "
                      + inputFileId
                      + ".",
                  op,
                  response.getCode(),
                  false,
                  requestId(response),
                  null,
                  truncate(body.toString()),
                  null);
            }
          }
          String warning = body.path("warning").asText(null);
          if (warning != null && !warning.isEmpty()) {
            LOG.warn(
                "Together's warning on creating a batch for {}: {}", inputFileId, redact(warning));
          }
          return parseBatch(job, op);
        },
        lastError -> {
          boolean ambiguous =
              lastError.statusCode() == 0
                  || lastError.statusCode() >= 500
                  || lastError.statusCode() == 408;
          if (!ambiguous) {
            return null;
          }
          BatchJob existing = findBatchForInputFile(inputFileId);
          if (existing != null) {
            LOG.info(
                "A batch over input file {} already exists ({}) after an interrupted create; "
                    + "using it instead of creating another",
                inputFileId,
                existing.id());
          }
          return existing;
        });
  }

  /** The newest batch whose input file is {@code inputFileId}, or null. */
  public BatchJob findBatchForInputFile(String inputFileId) {
    for (BatchJob b : listBatches()) {
      if (inputFileId.equals(b.inputFileId())) {
        return b;
      }
    }
    return null;
  }

  /** {@code GET /batches/{id}}. */
  public BatchJob getBatch(String batchId) {
    String op = "GET /batches/{id}";
    checkId("batch", batchId, op);
    return execute(
        op,
        () -> new HttpGet(url("batches", batchId)),
        response -> parseBatch(readJson(response, op), op),
        null);
  }

  /** {@code GET /batches}: every batch of the account, newest first (an empty list may be null). */
  public List<BatchJob> listBatches() {
    return list("GET /batches", "batches", TogetherClient::parseBatch);
  }

  /** {@code POST /batches/{id}/cancel}; the batch is CANCELING right after, CANCELLED later. */
  public BatchJob cancelBatch(String batchId) {
    String op = "POST /batches/{id}/cancel";
    checkId("batch", batchId, op);
    return execute(
        op,
        () -> new HttpPost(url("batches", batchId, "cancel")),
        response -> parseBatch(readJson(response, op), op),
        null);
  }

  // ---------------------------------------------------------------------------------------------
  // The call loop

  @FunctionalInterface
  interface ResponseReader<T> {
    T read(ClassicHttpResponse response) throws IOException;
  }

  /** Runs before a retry; a non-null answer ends the call with it (e.g. a batch found). */
  @FunctionalInterface
  interface RetryShortcut<T> {
    T beforeRetry(TogetherApiException lastError);
  }

  private <T> T execute(
      String op,
      Supplier<ClassicHttpRequest> request,
      ResponseReader<T> reader,
      RetryShortcut<T> shortcut) {
    return executeOn(api, op, request, reader, shortcut, false);
  }

  private <T> T execute(
      String op,
      Supplier<ClassicHttpRequest> request,
      ResponseReader<T> reader,
      RetryShortcut<T> shortcut,
      boolean keepOpen) {
    return executeOn(api, op, request, reader, shortcut, keepOpen);
  }

  /**
   * Sends a request with retries. With {@code keepOpen}, a successful response is handed to the
   * reader and not closed (the reader owns it); otherwise it is closed after reading.
   */
  private <T> T executeOn(
      CloseableHttpClient http,
      String op,
      Supplier<ClassicHttpRequest> request,
      ResponseReader<T> reader,
      RetryShortcut<T> shortcut,
      boolean keepOpen) {
    RetryPolicy policy = config.retryPolicy();
    long start = System.nanoTime();
    for (int attempt = 1; ; attempt++) {
      ClassicHttpRequest req = request.get();
      boolean toApi = http == api;
      if (toApi) {
        req.setHeader(HttpHeaders.AUTHORIZATION, authorization);
      }
      TogetherApiException failure;
      long serverDelay = -1;
      ClassicHttpResponse response = null;
      long t0 = System.nanoTime();
      try {
        stats.request();
        response = http.executeOpen(null, req, null);
        int code = response.getCode();
        if (LOG.isDebugEnabled()) {
          LOG.debug(
              "{} -> HTTP {} in {} ms (attempt {})",
              op,
              code,
              TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
              attempt);
        }
        if (code < 400) {
          T result = reader.read(response);
          if (!keepOpen) {
            // The call succeeded: a failure to release the connection must not turn into a retry.
            closeQuietly(response);
          }
          return result;
        }
        failure = toApiException(op, response);
        serverDelay = serverDelayMillis(response);
        closeQuietly(response);
      } catch (TogetherApiException e) {
        closeQuietly(response);
        throw e;
      } catch (IOException e) {
        closeQuietly(response);
        failure = ioFailure(op, e);
      } catch (RuntimeException e) {
        closeQuietly(response);
        throw e;
      }
      long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      if (!failure.isRetryable()) {
        throw failure;
      }
      if (attempt >= policy.maxAttempts()) {
        throw giveUp(failure, attempt, elapsed);
      }
      long delay = policy.delayMillis(attempt, serverDelay);
      if (elapsed + delay > policy.deadline().toMillis()) {
        throw giveUp(failure, attempt, elapsed);
      }
      LOG.info(
          "{} failed ({}); retry {}/{} in {} ms",
          op,
          shortReason(failure),
          attempt,
          policy.maxAttempts() - 1,
          delay);
      sleep(delay, op);
      stats.retry();
      if (shortcut != null) {
        T found = shortcut.beforeRetry(failure);
        if (found != null) {
          return found;
        }
      }
    }
  }

  private static String shortReason(TogetherApiException e) {
    return e.statusCode() == 0 ? "no response: " + e.getCause() : "HTTP " + e.statusCode();
  }

  private TogetherApiException giveUp(TogetherApiException last, int attempts, long elapsedMillis) {
    return new TogetherApiException(
        last.getMessage()
            + " (gave up after "
            + attempts
            + (attempts == 1 ? " attempt" : " attempts")
            + " in "
            + elapsedMillis
            + " ms; retries are "
            + "set by the options maxRetries and retryTimeout)",
        last.operation(),
        last.statusCode(),
        true,
        last.requestId(),
        last.errorCode(),
        last.responseBody(),
        last.getCause());
  }

  private static void sleep(long millis, String op) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TogetherApiException(
          op + " was interrupted while waiting to retry", op, 0, false, null, null, null, e);
    }
  }

  private TogetherApiException ioFailure(String op, IOException e) {
    boolean retryable =
        !(e instanceof UnknownHostException)
            && !(e instanceof SSLException
                && !(e.getMessage() != null
                    && e.getMessage().toLowerCase(Locale.ROOT).contains("reset")))
            && !(e instanceof InterruptedIOException && Thread.currentThread().isInterrupted());
    String hint =
        e instanceof UnknownHostException
            ? " The host name does not resolve: check the option 'baseUrl'."
            : e instanceof SSLException
                ? " TLS failed: check the option 'baseUrl' and the JVM's trust store."
                : "";
    return new TogetherApiException(
        op
            + " failed without a response: "
            + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : ": " + redact(e.getMessage()))
            + "."
            + hint,
        op,
        0,
        retryable,
        null,
        null,
        null,
        e);
  }

  /**
   * Builds the exception for an HTTP error response, reading at most a bounded part of its body.
   */
  private TogetherApiException toApiException(String op, ClassicHttpResponse response) {
    int code = response.getCode();
    String body = readErrorBody(response);
    String message = null;
    String errorCode = null;
    boolean duplicateChecksum = false;
    if (body != null && !body.isEmpty()) {
      try {
        JsonNode n = MAPPER.readTree(body);
        if (n != null && n.isObject()) {
          JsonNode err = n.get("error");
          if (err != null && err.isObject()) {
            message = textOrNull(err.get("message"));
            errorCode = textOrNull(err.get("code"));
            if (errorCode == null) {
              errorCode = textOrNull(err.get("type"));
            }
          } else if (err != null && err.isTextual()) {
            message = err.asText();
          } else if (n.hasNonNull("message")) {
            message = n.get("message").asText();
          }
          duplicateChecksum = n.hasNonNull("file_id");
        }
      } catch (IOException | RuntimeException notJson) {
        message = null;
      }
      if (message == null) {
        message = body.strip();
      }
    }
    boolean retryable =
        code == 408 || code == 429 || code >= 500 || (code == 409 && !duplicateChecksum);
    Header shouldRetry = response.getFirstHeader("x-should-retry");
    if (shouldRetry != null) {
      String v = shouldRetry.getValue().trim();
      if (v.equalsIgnoreCase("true")) {
        retryable = true;
      } else if (v.equalsIgnoreCase("false")) {
        retryable = false;
      }
    }
    String shown =
        message == null || message.isEmpty() ? "" : ": " + redact(truncate(oneLine(message), 500));
    String text =
        op
            + " failed with HTTP "
            + code
            + (errorCode == null ? "" : " (" + redact(errorCode) + ")")
            + shown
            + "."
            + advice(code);
    String rid = requestId(response);
    if (rid != null) {
      text += " Request id: " + rid + ".";
    }
    return new TogetherApiException(
        text,
        op,
        code,
        retryable,
        rid,
        errorCode,
        body == null ? null : redact(truncate(body)),
        null);
  }

  private static String advice(int code) {
    switch (code) {
      case 400:
        return " The request was rejected as invalid; check the batch input (custom_id, body) and "
            + "the options model and endpoint.";
      case 401:
        return " The API key was not accepted: check TOGETHER_API_KEY or the option 'apiKey'.";
      case 402:
        return " Together requires payment: check the account's billing and credits.";
      case 403:
        return " Access was refused: check that the API key may use this model and resource.";
      case 404:
        return " Not found: check the file or batch id, and that 'baseUrl' and the API key belong "
            + "to the account that created it.";
      case 429:
        return " Rate limited by Together.";
      default:
        return code >= 500 ? " Together had a server error." : "";
    }
  }

  private static String readErrorBody(ClassicHttpResponse response) {
    HttpEntity entity = response.getEntity();
    if (entity == null) {
      return null;
    }
    try {
      InputStream in = entity.getContent();
      if (in == null) {
        return null;
      }
      byte[] buf = in.readNBytes(MAX_ERROR_BODY_READ);
      if (buf.length == MAX_ERROR_BODY_READ && in instanceof EofSensorInputStream) {
        // A huge error body: drop the connection rather than read the rest.
        ((EofSensorInputStream) in).abort();
      }
      return new String(buf, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
  }

  /** Closes a response whose body may not be fully read, without draining the rest of it. */
  static void abort(ClassicHttpResponse response, InputStream content) {
    if (response == null) {
      return;
    }
    try {
      if (content instanceof EofSensorInputStream) {
        ((EofSensorInputStream) content).abort();
      }
    } catch (IOException | RuntimeException ignored) {
      // the connection is discarded either way
    }
    if (response instanceof ModalCloseable) {
      ((ModalCloseable) response).close(CloseMode.IMMEDIATE);
    } else {
      closeQuietly(response);
    }
  }

  /** The delay the server asked for, in ms, or -1. */
  static long serverDelayMillis(ClassicHttpResponse response) {
    Header ms = response.getFirstHeader("retry-after-ms");
    if (ms != null) {
      try {
        double v = Double.parseDouble(ms.getValue().trim());
        if (v >= 0) {
          return (long) v;
        }
      } catch (NumberFormatException ignored) {
        // fall through to retry-after
      }
    }
    Header ra = response.getFirstHeader("retry-after");
    if (ra != null) {
      return parseRetryAfter(ra.getValue(), System.currentTimeMillis());
    }
    return -1;
  }

  /**
   * {@code Retry-After}: delta seconds (integer or decimal) or an HTTP date; -1 when unreadable.
   */
  static long parseRetryAfter(String value, long nowMillis) {
    String v = value.trim();
    try {
      double seconds = Double.parseDouble(v);
      return seconds < 0 ? -1 : (long) (seconds * 1000);
    } catch (NumberFormatException notNumber) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        return Math.max(0, at.toInstant().toEpochMilli() - nowMillis);
      } catch (DateTimeParseException notDate) {
        return -1;
      }
    }
  }

  private static String requestId(ClassicHttpResponse response) {
    for (String name : new String[] {"x-request-id", "x-together-request-id", "request-id"}) {
      Header h = response.getFirstHeader(name);
      if (h != null && !h.getValue().isBlank()) {
        return truncate(h.getValue().trim(), 128);
      }
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------
  // JSON and helpers

  private JsonNode readJson(ClassicHttpResponse response, String op) throws IOException {
    HttpEntity entity = response.getEntity();
    if (entity == null) {
      throw new TogetherApiException(
          op
              + " answered HTTP "
              + response.getCode()
              + " with an empty body where JSON was expected",
          op,
          response.getCode(),
          false,
          requestId(response),
          null,
          null,
          null);
    }
    byte[] bytes;
    try (InputStream in = entity.getContent()) {
      bytes = in.readAllBytes();
    }
    return parseJson(bytes, response, op);
  }

  /** JSON, with an empty body or a literal null read as NullNode. */
  private JsonNode readJsonOrEmpty(ClassicHttpResponse response, String op) throws IOException {
    HttpEntity entity = response.getEntity();
    if (entity == null) {
      return MAPPER.nullNode();
    }
    byte[] bytes;
    try (InputStream in = entity.getContent()) {
      bytes = in.readAllBytes();
    }
    if (bytes.length == 0) {
      return MAPPER.nullNode();
    }
    return parseJson(bytes, response, op);
  }

  /**
   * Parses a complete body; content that is not JSON is the server's answer, not a fault to retry.
   */
  private JsonNode parseJson(byte[] bytes, ClassicHttpResponse response, String op) {
    try {
      JsonNode n = MAPPER.readTree(bytes);
      if (n == null || n.isMissingNode()) {
        throw new IOException("empty body");
      }
      return n;
    } catch (IOException e) {
      String sample =
          new String(
              bytes, 0, Math.min(bytes.length, MAX_ERROR_BODY_CHARS), StandardCharsets.UTF_8);
      throw new TogetherApiException(
          op
              + " answered HTTP "
              + response.getCode()
              + " with a body that is not JSON. Check that 'baseUrl' points at Together's API.",
          op,
          response.getCode(),
          false,
          requestId(response),
          null,
          redact(sample),
          null);
    }
  }

  private static byte[] writeJson(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static FileObject parseFile(JsonNode n, String op) {
    String id = textOrNull(n.get("id"));
    if (id == null) {
      throw new TogetherApiException(
          op + " answered a file object without an id",
          op,
          200,
          false,
          null,
          null,
          truncate(n.toString()),
          null);
    }
    checkId("file", id, op);
    String type = textOrNull(n.get("FileType"));
    if (type == null) {
      type = textOrNull(n.get("file_type"));
    }
    return new FileObject(
        id,
        textOrNull(n.get("filename")),
        n.path("bytes").asLong(-1),
        textOrNull(n.get("purpose")),
        n.path("created_at").asLong(0),
        type,
        n.path("Processed").asBoolean(false));
  }

  static BatchJob parseBatch(JsonNode n, String op) {
    String id = textOrNull(n.get("id"));
    if (id == null) {
      throw new TogetherApiException(
          op + " answered a batch object without an id",
          op,
          200,
          false,
          null,
          null,
          truncate(n.toString()),
          null);
    }
    checkId("batch", id, op);
    String error = null;
    JsonNode err = n.get("error");
    if (err != null && !err.isNull()) {
      error =
          err.isTextual()
              ? err.asText()
              : err.has("message") ? err.get("message").asText() : err.toString();
    }
    double progress = n.path("progress").asDouble(0.0);
    return new BatchJob(
        id,
        textOrNull(n.get("user_id")),
        textOrNull(n.get("input_file_id")),
        n.path("file_size_bytes").asLong(-1),
        textOrNull(n.get("status")),
        textOrNull(n.get("endpoint")),
        progress,
        textOrNull(n.get("model_id")),
        emptyToNull(textOrNull(n.get("output_file_id"))),
        emptyToNull(textOrNull(n.get("error_file_id"))),
        error,
        parseInstant(n.get("created_at")),
        parseInstant(n.get("completed_at")),
        parseInstant(n.get("job_deadline")));
  }

  /** RFC 3339 with any fraction length, with Z or an offset; also epoch seconds; else null. */
  public static Instant parseInstant(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isNumber()) {
      double s = n.asDouble();
      return Instant.ofEpochMilli((long) (s * 1000));
    }
    String t = n.asText().trim();
    if (t.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(t, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return LocalDateTime.parse(t.replace(' ', 'T'), DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e2) {
        LOG.debug("Unreadable timestamp '{}'", t);
        return null;
      }
    }
  }

  private static String textOrNull(JsonNode n) {
    return n == null || n.isNull() || n.isMissingNode()
        ? null
        : n.isValueNode() ? n.asText() : n.toString();
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /**
   * Checks an id before it goes into a URL path: no path separators, dot segments, control or
   * whitespace characters. Ids come from Together or from the user's manifest, and neither may
   * steer a request elsewhere.
   */
  static String checkId(String kind, String id, String op) {
    boolean ok =
        id != null && !id.isEmpty() && id.length() <= 256 && !id.equals(".") && !id.equals("..");
    if (ok) {
      for (int i = 0; i < id.length(); i++) {
        char c = id.charAt(i);
        if (c <= ' ' || c == '/' || c == '\\' || c == '?' || c == '#' || c == '%' || c == 0x7f) {
          ok = false;
          break;
        }
      }
    }
    if (!ok) {
      throw new TogetherApiException(
          "Refusing to use an unsafe "
              + kind
              + " id in "
              + op
              + " (it contains a path separator, a dot segment, whitespace or control characters). "
              + "Check the manifest or the option 'batchId'.",
          op,
          0,
          false,
          null,
          null,
          null,
          null);
    }
    return id;
  }

  private URI url(String... segments) {
    StringBuilder sb = new StringBuilder(config.baseUrl());
    for (String s : segments) {
      sb.append('/').append(URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return URI.create(sb.toString());
  }

  /** Removes the API key from any text that may be shown (a server echoing it, say). */
  String redact(String s) {
    if (s == null) {
      return null;
    }
    String key = config.apiKey();
    return key != null && key.length() >= 4 ? s.replace(key, "<hidden>") : s;
  }

  static String truncate(String s) {
    return truncate(s, MAX_ERROR_BODY_CHARS);
  }

  static String truncate(String s, int max) {
    if (s == null || s.length() <= max) {
      return s;
    }
    return s.substring(0, max) + "... (" + (s.length() - max) + " more characters)";
  }

  private static String oneLine(String s) {
    return s.replace('\n', ' ').replace('\r', ' ');
  }

  private static void closeQuietly(Closeable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException | RuntimeException ignored) {
      // clean-up
    }
  }

  ClientStats statsInternal() {
    return stats;
  }

  Duration retryDelayForResume(int resume) {
    return Duration.ofMillis(config.retryPolicy().delayMillis(resume, -1));
  }
}
