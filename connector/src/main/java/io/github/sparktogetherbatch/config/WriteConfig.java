package io.github.sparktogetherbatch.config;

import static io.github.sparktogetherbatch.config.TogetherBatchOptions.BODY_COLUMN;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.DRY_RUN;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.ENDPOINT;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.ID_COLUMN;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.MAX_BYTES_PER_BATCH;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.MAX_REQUESTS_PER_BATCH;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.MESSAGES_COLUMN;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.MODEL;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.PATH;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.PROMPT_COLUMN;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.STAGING_DIR;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.SYSTEM_PROMPT;

import io.github.sparktogetherbatch.client.TogetherClientConfig;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The write side's options, parsed and checked once on the driver; executors get this object.
 * Column options hold the names the user gave (null when not given); the writer resolves them
 * against the DataFrame's schema.
 */
public final class WriteConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Endpoints a batch may target with the request shapes this connector builds. */
  public static final List<String> ENDPOINTS = List.of("/v1/chat/completions", "/v1/completions");

  /** Together's per-batch limits. */
  public static final int LIMIT_REQUESTS = 50_000;

  public static final long LIMIT_BYTES = 100_000_000L;

  private final TogetherClientConfig client;
  private final String path;
  private final String model;
  private final String endpoint;
  private final String promptColumn;
  private final String messagesColumn;
  private final String bodyColumn;
  private final String systemPrompt;
  private final String idColumn;
  private final LinkedHashMap<String, String> bodyFields;
  private final int maxRequestsPerBatch;
  private final long maxBytesPerBatch;
  private final String stagingDir;
  private final boolean dryRun;

  private WriteConfig(
      TogetherClientConfig client, Map<String, String> o, Map<String, String> body) {
    this.client = client;
    this.path = ClientSettings.get(o, PATH);
    this.model = trimToNull(ClientSettings.get(o, MODEL));
    this.endpoint = normalizeEndpoint(ClientSettings.orDefault(o, ENDPOINT));
    this.promptColumn = ClientSettings.get(o, PROMPT_COLUMN);
    this.messagesColumn = ClientSettings.get(o, MESSAGES_COLUMN);
    this.bodyColumn = ClientSettings.get(o, BODY_COLUMN);
    this.systemPrompt = ClientSettings.get(o, SYSTEM_PROMPT);
    this.idColumn = ClientSettings.get(o, ID_COLUMN);
    this.bodyFields = new LinkedHashMap<>(body);
    this.maxRequestsPerBatch =
        OptionParsers.positiveInt(
            MAX_REQUESTS_PER_BATCH.name(), ClientSettings.orDefault(o, MAX_REQUESTS_PER_BATCH));
    if (maxRequestsPerBatch > LIMIT_REQUESTS) {
      throw new TogetherConfigException(
          "Option 'maxRequestsPerBatch' is "
              + maxRequestsPerBatch
              + ", above Together's limit of "
              + LIMIT_REQUESTS
              + " requests per batch. Use at most "
              + LIMIT_REQUESTS
              + ".");
    }
    this.maxBytesPerBatch =
        OptionParsers.bytes(
            MAX_BYTES_PER_BATCH.name(), ClientSettings.orDefault(o, MAX_BYTES_PER_BATCH));
    if (maxBytesPerBatch < 1000 || maxBytesPerBatch > LIMIT_BYTES) {
      throw new TogetherConfigException(
          "Option 'maxBytesPerBatch' is "
              + maxBytesPerBatch
              + " bytes; it must be between 1KB (1000 bytes) and Together's limit of 100MB ("
              + LIMIT_BYTES
              + " bytes).");
    }
    this.stagingDir = ClientSettings.get(o, STAGING_DIR);
    this.dryRun = OptionParsers.bool(DRY_RUN.name(), ClientSettings.orDefault(o, DRY_RUN));
  }

  /**
   * Parses the write options.
   *
   * @param options lower-case keys (CaseInsensitiveStringMap)
   * @param caseSensitive the same options with the user's case (for body.&lt;field&gt; names)
   */
  public static WriteConfig parse(
      Map<String, String> options,
      Map<String, String> caseSensitive,
      Function<String, String> env,
      String sparkVersion) {
    TogetherBatchOptions.checkNames(options);
    TogetherClientConfig client = ClientSettings.fromOptions(options, env, sparkVersion);
    return new WriteConfig(client, options, TogetherBatchOptions.bodyFields(caseSensitive));
  }

  private static String normalizeEndpoint(String raw) {
    String e = raw.trim();
    if (!e.startsWith("/")) {
      e = "/" + e;
    }
    if (!e.startsWith("/v1/")) {
      e = "/v1" + e;
    }
    if (!ENDPOINTS.contains(e)) {
      throw new TogetherConfigException(
          "Option 'endpoint' is '"
              + raw
              + "'; supported endpoints are "
              + String.join(" and ", ENDPOINTS)
              + ".");
    }
    return e;
  }

  private static String trimToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  public TogetherClientConfig client() {
    return client;
  }

  /** The job path given to save(path), or null. */
  public String path() {
    return path;
  }

  /** The model option, or null (then every body must name one). */
  public String model() {
    return model;
  }

  /** {@code /v1/chat/completions} or {@code /v1/completions}. */
  public String endpoint() {
    return endpoint;
  }

  public boolean isChat() {
    return endpoint.equals("/v1/chat/completions");
  }

  public String promptColumn() {
    return promptColumn;
  }

  public String messagesColumn() {
    return messagesColumn;
  }

  public String bodyColumn() {
    return bodyColumn;
  }

  public String systemPrompt() {
    return systemPrompt;
  }

  public String idColumn() {
    return idColumn;
  }

  /** body.&lt;field&gt; options: field name to raw value (JSON or plain text), in stable order. */
  public Map<String, String> bodyFields() {
    return Collections.unmodifiableMap(bodyFields);
  }

  public int maxRequestsPerBatch() {
    return maxRequestsPerBatch;
  }

  public long maxBytesPerBatch() {
    return maxBytesPerBatch;
  }

  /** Local staging directory, or null for the JVM's temp dir. */
  public String stagingDir() {
    return stagingDir;
  }

  /**
   * Whether this is a dry run: every row is encoded, checked and staged as in a real write, but
   * nothing is uploaded, no batch is created and no manifest is written.
   */
  public boolean dryRun() {
    return dryRun;
  }

  @Override
  public String toString() {
    return "WriteConfig{path="
        + path
        + ", model="
        + model
        + ", endpoint="
        + endpoint
        + ", maxRequestsPerBatch="
        + maxRequestsPerBatch
        + ", maxBytesPerBatch="
        + maxBytesPerBatch
        + (dryRun ? ", dryRun" : "")
        + ", "
        + client
        + "}";
  }
}
