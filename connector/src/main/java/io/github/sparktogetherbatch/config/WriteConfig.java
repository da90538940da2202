package io.github.sparktogetherbatch.config;

import static io.github.sparktogetherbatch.config.TogetherBatchOptions.BODY_COLUMN;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.CREATES_AT_ONCE;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.DRY_RUN;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.ENDPOINT;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.ID_COLUMN;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.MAX_BYTES_PER_BATCH;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.MAX_CARRY_DELAY;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.MAX_REQUESTS_PER_BATCH;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.MESSAGES_COLUMN;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.MIN_REQUESTS_PER_BATCH;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.MODEL;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.MODEL_CHECK;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.PATH;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.PROMPT_COLUMN;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.RESPONSE_SCHEMA;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.STAGING_DIR;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.SYSTEM_PROMPT;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.UPLOADS_PER_TASK;

import io.github.sparktogetherbatch.client.TogetherClientConfig;
import io.github.sparktogetherbatch.pricing.Estimates;
import java.io.Serializable;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.types.StructType;

/**
 * The write side's options, parsed and checked once on the driver; executors get this object.
 * Column options hold the names the user gave (null when not given); the writer resolves them
 * against the DataFrame's schema.
 */
public final class WriteConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The chat endpoint (the default): requests carry {@code messages}. */
  public static final String CHAT_COMPLETIONS = "/v1/chat/completions";

  /**
   * The completions endpoint. Together's batch create refuses it since May 2026, so a write refuses
   * it too; its result lines are still decoded (jobs written before).
   */
  public static final String COMPLETIONS = "/v1/completions";

  /** Endpoints a batch may target with the request shapes this connector builds. */
  public static final List<String> ENDPOINTS = List.of(CHAT_COMPLETIONS);

  /** Together's per-batch limits. */
  public static final int LIMIT_REQUESTS = 50_000;

  public static final long LIMIT_BYTES = 100_000_000L;

  /** The smallest {@code maxBytesPerBatch}: 1KB. */
  public static final long MIN_BYTES = 1000L;

  /** The most uploads one task runs at once (option {@code uploadsPerTask}). */
  public static final int MAX_UPLOADS_PER_TASK = 8;

  /** The most batch creates the driver sends at once (option {@code createsAtOnce}). */
  public static final int MAX_CREATES_AT_ONCE = 16;

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
  private final int minRequestsPerBatch;
  private final long maxCarryDelayMillis;
  private final int uploadsPerTask;
  private final int createsAtOnce;
  private final String stagingDir;
  private final boolean dryRun;
  private final String pricing;
  private final String estimateKey;
  private final boolean modelCheck;
  private final StructType responseSchema;

  private WriteConfig(TogetherClientConfig client, OptionResolver o, Map<String, String> body) {
    this.client = client;
    this.path = o.get(PATH);
    this.model = o.get(MODEL);
    this.endpoint = o.get(ENDPOINT);
    this.promptColumn = o.get(PROMPT_COLUMN);
    this.messagesColumn = o.get(MESSAGES_COLUMN);
    this.bodyColumn = o.get(BODY_COLUMN);
    this.systemPrompt = o.get(SYSTEM_PROMPT);
    this.idColumn = o.get(ID_COLUMN);
    this.bodyFields = new LinkedHashMap<>(body);
    this.maxRequestsPerBatch = o.get(MAX_REQUESTS_PER_BATCH);
    this.maxBytesPerBatch = o.get(MAX_BYTES_PER_BATCH);
    this.minRequestsPerBatch = o.get(MIN_REQUESTS_PER_BATCH);
    this.maxCarryDelayMillis = o.get(MAX_CARRY_DELAY).toMillis();
    this.uploadsPerTask = o.get(UPLOADS_PER_TASK);
    this.createsAtOnce = o.get(CREATES_AT_ONCE);
    this.stagingDir = o.get(STAGING_DIR);
    this.dryRun = o.get(DRY_RUN);
    this.pricing = o.get(TogetherBatchOptions.PRICING);
    this.estimateKey = null;
    this.modelCheck = o.get(MODEL_CHECK);
    this.responseSchema = o.get(RESPONSE_SCHEMA);
  }

  private WriteConfig(WriteConfig c, String estimateKey) {
    this.client = c.client;
    this.path = c.path;
    this.model = c.model;
    this.endpoint = c.endpoint;
    this.promptColumn = c.promptColumn;
    this.messagesColumn = c.messagesColumn;
    this.bodyColumn = c.bodyColumn;
    this.systemPrompt = c.systemPrompt;
    this.idColumn = c.idColumn;
    this.bodyFields = c.bodyFields;
    this.maxRequestsPerBatch = c.maxRequestsPerBatch;
    this.maxBytesPerBatch = c.maxBytesPerBatch;
    this.minRequestsPerBatch = c.minRequestsPerBatch;
    this.maxCarryDelayMillis = c.maxCarryDelayMillis;
    this.uploadsPerTask = c.uploadsPerTask;
    this.createsAtOnce = c.createsAtOnce;
    this.stagingDir = c.stagingDir;
    this.dryRun = c.dryRun;
    this.pricing = c.pricing;
    this.estimateKey = estimateKey;
    this.modelCheck = c.modelCheck;
    this.responseSchema = c.responseSchema;
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
    OptionResolver resolver = new OptionResolver(options, env);
    TogetherClientConfig client = ClientSettings.fromOptions(resolver, sparkVersion);
    WriteConfig c =
        new WriteConfig(client, resolver, TogetherBatchOptions.bodyFields(caseSensitive));
    String key = options.get(Estimates.KEY_OPTION.toLowerCase(java.util.Locale.ROOT));
    return key == null ? c : new WriteConfig(c, key);
  }

  public TogetherClientConfig client() {
    return client;
  }

  /** The option {@code pricing} (batch prices given by the user), or null. */
  public String pricing() {
    return pricing;
  }

  /** The key under which a dry run hands its cost estimate to its caller, or null. */
  public String estimateKey() {
    return estimateKey;
  }

  /** The job path given to save(path), or null. */
  public String path() {
    return path;
  }

  /** The model option, or null (then every body must name one). */
  public String model() {
    return model;
  }

  /** {@code /v1/chat/completions}. */
  public String endpoint() {
    return endpoint;
  }

  public boolean isChat() {
    return endpoint.equals(CHAT_COMPLETIONS);
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

  /**
   * Staged files with fewer requests than this are not uploaded by their task but packed by the
   * driver into shared batches; 0 turns packing off.
   */
  public int minRequestsPerBatch() {
    return minRequestsPerBatch;
  }

  /**
   * Streaming writes: how long an epoch's small files may wait at the job path to share a batch
   * with later epochs' ({@code maxCarryDelay}); zero (the default) submits every epoch's rows with
   * the epoch. Batch writes ignore it.
   */
  public Duration maxCarryDelay() {
    return Duration.ofMillis(maxCarryDelayMillis);
  }

  /** Local staging directory, or null for the JVM's temp dir. */
  public String stagingDir() {
    return stagingDir;
  }

  /** The option {@code uploadsPerTask}: how many staged files a task uploads at once. */
  public int uploadsPerTask() {
    return uploadsPerTask;
  }

  /** The option {@code createsAtOnce}: how many batch creates the driver sends at once. */
  public int createsAtOnce() {
    return createsAtOnce;
  }

  /**
   * Whether this is a dry run: every row is encoded, checked and staged as in a real write, but
   * nothing is uploaded, no batch is created and no manifest is written.
   */
  public boolean dryRun() {
    return dryRun;
  }

  /**
   * The options that shape a request, as given (never the key or connection settings): what a job
   * records so that its requests can be encoded again the same way (a resubmission from the input
   * DataFrame).
   */
  public Map<String, String> recordedOptions() {
    Map<String, String> out = new LinkedHashMap<>();
    putIfSet(out, MODEL.name(), model);
    putIfSet(out, ENDPOINT.name(), endpoint);
    putIfSet(out, PROMPT_COLUMN.name(), promptColumn);
    putIfSet(out, MESSAGES_COLUMN.name(), messagesColumn);
    putIfSet(out, BODY_COLUMN.name(), bodyColumn);
    putIfSet(out, SYSTEM_PROMPT.name(), systemPrompt);
    putIfSet(out, ID_COLUMN.name(), idColumn);
    putIfSet(out, RESPONSE_SCHEMA.name(), responseSchema == null ? null : responseSchema.json());
    bodyFields.forEach((k, v) -> out.put(TogetherBatchOptions.BODY_PREFIX + k, v));
    return out;
  }

  private static void putIfSet(Map<String, String> out, String key, String value) {
    if (value != null) {
      out.put(key, value);
    }
  }

  /** Whether the preflight checks the model option against the account's model list. */
  public boolean modelCheck() {
    return modelCheck;
  }

  /** The option {@code responseSchema}: the shape every answer is asked for, or null. */
  public StructType responseSchema() {
    return responseSchema;
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
        + ", minRequestsPerBatch="
        + minRequestsPerBatch
        + (maxCarryDelayMillis > 0 ? ", maxCarryDelay=" + maxCarryDelayMillis + "ms" : "")
        + ", uploadsPerTask="
        + uploadsPerTask
        + ", createsAtOnce="
        + createsAtOnce
        + (dryRun ? ", dryRun" : "")
        + ", "
        + client
        + "}";
  }
}
