package io.github.sparktogetherbatch.config;

import io.github.sparktogetherbatch.client.TogetherClientConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.types.StructType;

/**
 * Every option of the {@code together-batch} source: its name, side, type, default and a one-line
 * description (the README's options table is this list). Names are case-insensitive. {@link
 * OptionResolver} resolves a value: the DataFrame option, then {@code
 * spark.datasource.together-batch.<name>} in the session (Spark merges it in through {@code
 * SessionConfigSupport}), then the environment (only {@code TOGETHER_API_KEY}), then the default.
 */
public final class TogetherBatchOptions {
  private TogetherBatchOptions() {}

  /** Where an option applies. */
  public enum Side {
    BOTH,
    WRITE,
    READ
  }

  private static final List<Option<?>> ALL_OPTIONS = new ArrayList<>();
  private static final Map<String, Option<?>> BY_KEY = new HashMap<>();

  private static <T> Option<T> register(Option<T> o) {
    ALL_OPTIONS.add(o);
    BY_KEY.put(o.key(), o);
    return o;
  }

  /**
   * An option whose default is a value: {@code defaultText} as a user would write it (parsed here
   * once, so the documented and the applied default cannot differ), or null for none.
   */
  private static <T> Option<T> define(
      String name, Side side, OptionType<T> type, String defaultText, String description) {
    T value = defaultText == null ? null : type.parse(name, defaultText);
    return register(new Option<>(name, side, type, value, defaultText, null, description));
  }

  /**
   * An option with no default value whose absence has a documented meaning ({@code defaultDoc}),
   * which the code that reads the option implements.
   */
  private static <T> Option<T> defineDescribed(
      String name, Side side, OptionType<T> type, String defaultDoc, String description) {
    return register(new Option<>(name, side, type, null, defaultDoc, null, description));
  }

  /** An option read from the environment variable {@code envVar} when not given. */
  private static <T> Option<T> defineFromEnv(
      String name, Side side, OptionType<T> type, String envVar, String description) {
    return register(new Option<>(name, side, type, null, "env " + envVar, envVar, description));
  }

  /** The short name of the source, {@code format("together-batch")}. */
  public static final String SHORT_NAME = "together-batch";

  /** Session configs {@code spark.datasource.together-batch.<option>} set defaults. */
  public static final String SESSION_PREFIX = "spark.datasource." + SHORT_NAME + ".";

  /** The environment variable read when no {@code apiKey} option is given. */
  public static final String API_KEY_ENV = "TOGETHER_API_KEY";

  /** Options named {@code body.<field>} add a field to every request body. */
  public static final String BODY_PREFIX = "body.";

  /** The path every endpoint starts with. */
  private static final String API_VERSION = "/v1";

  /** The values of the option {@code view}. */
  public static final String VIEW_RESULTS = "results";

  public static final String VIEW_BATCHES = "batches";

  // Both sides
  public static final Option<String> PATH =
      define(
          "path",
          Side.BOTH,
          OptionType.STRING,
          null,
          "The job path (any Hadoop filesystem URI); given by save(path) / load(path).");
  public static final Option<String> API_KEY =
      defineFromEnv(
          "apiKey",
          Side.BOTH,
          OptionType.TRIMMED,
          API_KEY_ENV,
          "Together API key; never printed, logged, or shown in plans or the UI.");
  public static final Option<String> BASE_URL =
      define(
          "baseUrl",
          Side.BOTH,
          OptionType.STRING,
          TogetherClientConfig.DEFAULT_BASE_URL,
          "API base URL; plain http only for loopback hosts (an emulator).");
  public static final Option<Duration> CONNECT_TIMEOUT =
      define(
          "connectTimeout",
          Side.BOTH,
          OptionType.DURATION,
          "10s",
          "TCP connect timeout of each HTTP request.");
  public static final Option<Duration> REQUEST_TIMEOUT =
      define(
          "requestTimeout",
          Side.BOTH,
          OptionType.DURATION,
          "120s",
          "Time to wait for each HTTP response (and between bytes of it).");
  public static final Option<Integer> MAX_RETRIES =
      define(
          "maxRetries",
          Side.BOTH,
          OptionType.NON_NEGATIVE_INT,
          "7",
          "Retries of one HTTP call after a transient fault (429, 5xx, timeout, reset).");
  public static final Option<Duration> RETRY_TIMEOUT =
      define(
          "retryTimeout",
          Side.BOTH,
          OptionType.DURATION,
          "5m",
          "Total time one HTTP call may take, retries included.");

  // Write
  public static final Option<String> MODEL =
      define(
          "model",
          Side.WRITE,
          OptionType.TRIMMED,
          null,
          "Model for every request; required unless every body names one.");
  public static final Option<String> ENDPOINT =
      define(
          "endpoint",
          Side.WRITE,
          OptionType.oneOf("endpoints", WriteConfig.ENDPOINTS, TogetherBatchOptions::withV1Prefix)
              .refusing(
                  WriteConfig.COMPLETIONS,
                  TogetherBatchOptions::withV1Prefix,
                  "Together's batch API no longer accepts "
                      + WriteConfig.COMPLETIONS
                      + " (its create answers 400 since May 2026). Use "
                      + WriteConfig.CHAT_COMPLETIONS
                      + " (the default): a 'promptColumn' becomes one user message."),
          WriteConfig.CHAT_COMPLETIONS,
          "Batch endpoint: "
              + WriteConfig.CHAT_COMPLETIONS
              + ", the one Together's batch API takes for text.");
  public static final Option<String> PROMPT_COLUMN =
      defineDescribed(
          "promptColumn",
          Side.WRITE,
          OptionType.STRING,
          "prompt if present",
          "String column: one user message of each request.");
  public static final Option<String> MESSAGES_COLUMN =
      defineDescribed(
          "messagesColumn",
          Side.WRITE,
          OptionType.STRING,
          "messages if present",
          "array<struct<role,content>> column used as the chat messages.");
  public static final Option<String> BODY_COLUMN =
      define(
          "bodyColumn",
          Side.WRITE,
          OptionType.STRING,
          null,
          "String (JSON) or struct column used as the request body verbatim.");
  public static final Option<String> SYSTEM_PROMPT =
      define(
          "systemPrompt",
          Side.WRITE,
          OptionType.STRING,
          null,
          "System message prepended to every chat request.");
  public static final Option<String> ID_COLUMN =
      defineDescribed(
          "idColumn",
          Side.WRITE,
          OptionType.STRING,
          "custom_id or id if present",
          "String or integral column whose value becomes custom_id; else ids are derived.");
  public static final Option<Integer> MAX_REQUESTS_PER_BATCH =
      define(
          "maxRequestsPerBatch",
          Side.WRITE,
          OptionChecks.MAX_REQUESTS,
          String.valueOf(WriteConfig.LIMIT_REQUESTS),
          "Requests per batch input file (Together's limit is 50,000).");
  public static final Option<Long> MAX_BYTES_PER_BATCH =
      define(
          "maxBytesPerBatch",
          Side.WRITE,
          OptionChecks.MAX_BYTES,
          "100MB",
          "Bytes per batch input file (Together's limit: 100 MB = 100,000,000 bytes).");
  public static final Option<Integer> MIN_REQUESTS_PER_BATCH =
      define(
          "minRequestsPerBatch",
          Side.WRITE,
          OptionChecks.MIN_REQUESTS,
          "1000",
          "Staged files with fewer requests are packed by the driver into shared batches; 0: never.");
  public static final Option<Duration> MAX_CARRY_DELAY =
      define(
          "maxCarryDelay",
          Side.WRITE,
          OptionType.DURATION,
          "0s",
          "writeStream: an epoch's small files wait at the job path up to this long to share a batch"
              + " with later epochs' (until minRequestsPerBatch); 0s: every epoch submits its own.");
  public static final Option<Integer> UPLOADS_PER_TASK =
      define(
          "uploadsPerTask",
          Side.WRITE,
          OptionChecks.UPLOADS_PER_TASK,
          "2",
          "Staged files a task uploads at once when it commits (1 to 8); 1: one after the other.");
  public static final Option<Integer> CREATES_AT_ONCE =
      define(
          "createsAtOnce",
          Side.WRITE,
          OptionChecks.CREATES_AT_ONCE,
          "4",
          "Batch creates the driver sends at once after the tasks (1 to 16); 1: one after the"
              + " other.");
  public static final Option<String> STAGING_DIR =
      defineDescribed(
          "stagingDir",
          Side.WRITE,
          OptionType.STRING,
          "the JVM's temp dir",
          "Local directory where executors stage JSONL files before upload.");
  public static final Option<Boolean> MODEL_CHECK =
      define(
          "modelCheck",
          Side.WRITE,
          OptionType.BOOLEAN,
          "true",
          "Check 'model' against the account's model list before the write; false for dedicated"
              + " endpoints the list does not show (the key is checked still).");
  public static final Option<Boolean> DRY_RUN =
      define(
          "dryRun",
          Side.WRITE,
          OptionType.BOOLEAN,
          "false",
          "Encode, check and stage every row, then upload nothing, create no batch, write no manifest.");

  public static final Option<StructType> RESPONSE_SCHEMA =
      define(
          "responseSchema",
          Side.BOTH,
          OptionType.STRUCT,
          null,
          "Spark DDL or StructType JSON: requests ask for JSON of this shape; the read adds the "
              + "column parsed.");

  // Read
  public static final Option<Boolean> WAIT =
      define(
          "wait",
          Side.READ,
          OptionType.BOOLEAN,
          "true",
          "Wait until every batch is finished; false returns unfinished requests as pending.");
  public static final Option<Duration> POLL_INTERVAL =
      define(
          "pollInterval",
          Side.READ,
          OptionChecks.POLL_INTERVAL,
          "30s",
          "Pause between status polls while waiting.");
  public static final Option<Duration> WAIT_TIMEOUT =
      define(
          "waitTimeout",
          Side.READ,
          OptionType.DURATION,
          "72h",
          "Longest wait (Together advises allowing 72h for large jobs); then fail naming the"
              + " batches still running.");
  public static final Option<String> PROGRESS =
      define(
          "progress",
          Side.READ,
          OptionType.oneOf(
              "progress displays",
              ReadConfig.PROGRESS_MODES,
              v -> v.trim().toLowerCase(Locale.ROOT)),
          ReadConfig.PROGRESS_AUTO,
          "While waiting: console prints a progress line on the driver's stderr (in place on a"
              + " terminal, else at most once a minute); log, INFO lines only; auto, console when"
              + " spark.ui.showConsoleProgress is true (spark-shell, pyspark).");
  public static final Option<List<String>> BATCH_ID =
      define(
          "batchId",
          Side.READ,
          OptionType.COMMA_LIST,
          null,
          "One or more comma-separated batch ids to read instead of a path.");
  public static final Option<String> VIEW =
      define(
          "view",
          Side.READ,
          OptionChecks.VIEW,
          "results",
          "results: one row per request; batches: one row per batch of the job, a snapshot.");
  public static final Option<String> PRICING =
      defineDescribed(
          "pricing",
          Side.BOTH,
          OptionType.STRING,
          "GET /v1/models × batch discount",
          "Batch prices in USD per million tokens, model=input:output[,...], for cost_usd and estimates.");

  // Streaming source (readStream)
  public static final Option<Integer> MAX_BATCHES_PER_TRIGGER =
      defineDescribed(
          "maxBatchesPerTrigger",
          Side.READ,
          OptionType.POSITIVE_INT,
          "no limit",
          "readStream: at most this many finished batches per micro-batch (their rows come in"
              + " later triggers); pollInterval also paces the status polls.");
  public static final Option<Boolean> AVAILABLE_NOW_WAIT =
      define(
          "availableNowWait",
          Side.READ,
          OptionType.BOOLEAN,
          "false",
          "readStream with Trigger.AvailableNow: true waits (up to waitTimeout) until every batch"
              + " the job lists at the start is finished; false takes the batches finished then.");

  /** {@code completions} and {@code /completions} mean {@code /v1/completions}. */
  private static String withV1Prefix(String endpoint) {
    String e = endpoint.trim();
    if (!e.startsWith("/")) {
      e = "/" + e;
    }
    if (!e.startsWith(API_VERSION + "/")) {
      e = API_VERSION + e;
    }
    return e;
  }

  /** Every option, in documentation order. */
  public static List<Option<?>> all() {
    return Collections.unmodifiableList(ALL_OPTIONS);
  }

  /**
   * Rejects unknown option names with a "did you mean" suggestion. Spark-internal keys ({@code
   * path}, {@code paths}) and {@code body.<field>} are accepted.
   */
  public static void checkNames(Map<String, String> options) {
    OptionNames.check(options);
  }

  /**
   * The {@code body.<field>} options with the field names as the user wrote them (case kept when
   * the map preserves it), in a stable order.
   */
  public static Map<String, String> bodyFields(Map<String, String> caseSensitiveOptions) {
    return OptionNames.bodyFields(caseSensitiveOptions);
  }

  /** The option with this lower-case key, or null. */
  static Option<?> byKey(String key) {
    return BY_KEY.get(key);
  }

  /** A markdown table of every option, for the README. */
  public static String markdownTable() {
    return OptionChecks.markdownTable(ALL_OPTIONS);
  }
}
