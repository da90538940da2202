package io.github.sparktogetherbatch.config;

import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * Every option of the {@code together-batch} source: its name, side, default and a one-line
 * description (the README's options table is this list). Names are case-insensitive. Precedence:
 * the DataFrame option, then {@code spark.datasource.together-batch.<name>} in the session (Spark
 * merges it in through {@code SessionConfigSupport}), then the environment (only {@code
 * TOGETHER_API_KEY}), then the default.
 */
public final class TogetherBatchOptions {
  private TogetherBatchOptions() {}

  /** Where an option applies. */
  public enum Side {
    BOTH,
    WRITE,
    READ
  }

  /** One option: name, side, default (null for none) and description. */
  public static final class Option {
    private final String name;
    private final Side side;
    private final String defaultValue;
    private final String description;

    Option(String name, Side side, String defaultValue, String description) {
      this.name = name;
      this.side = side;
      this.defaultValue = defaultValue;
      this.description = description;
    }

    public String name() {
      return name;
    }

    public Side side() {
      return side;
    }

    public String defaultValue() {
      return defaultValue;
    }

    public String description() {
      return description;
    }

    /** The lower-case key under which a CaseInsensitiveStringMap holds it. */
    public String key() {
      return name.toLowerCase(Locale.ROOT);
    }
  }

  private static final List<Option> ALL_OPTIONS = new ArrayList<>();

  private static Option define(String name, Side side, String def, String description) {
    Option o = new Option(name, side, def, description);
    ALL_OPTIONS.add(o);
    return o;
  }

  /** The short name of the source, {@code format("together-batch")}. */
  public static final String SHORT_NAME = "together-batch";

  /** Session configs {@code spark.datasource.together-batch.<option>} set defaults. */
  public static final String SESSION_PREFIX = "spark.datasource." + SHORT_NAME + ".";

  /** The environment variable read when no {@code apiKey} option is given. */
  public static final String API_KEY_ENV = "TOGETHER_API_KEY";

  /** Options named {@code body.<field>} add a field to every request body. */
  public static final String BODY_PREFIX = "body.";

  // Both sides
  public static final Option PATH =
      define(
          "path",
          Side.BOTH,
          null,
          "The job path (any Hadoop filesystem URI); given by save(path) / load(path).");
  public static final Option API_KEY =
      define(
          "apiKey",
          Side.BOTH,
          "env " + API_KEY_ENV,
          "Together API key; never printed, logged, or shown in plans or the UI.");
  public static final Option BASE_URL =
      define(
          "baseUrl",
          Side.BOTH,
          "https://api.together.xyz/v1",
          "API base URL; plain http only for loopback hosts (an emulator).");
  public static final Option CONNECT_TIMEOUT =
      define("connectTimeout", Side.BOTH, "10s", "TCP connect timeout of each HTTP request.");
  public static final Option REQUEST_TIMEOUT =
      define(
          "requestTimeout",
          Side.BOTH,
          "120s",
          "Time to wait for each HTTP response (and between bytes of it).");
  public static final Option MAX_RETRIES =
      define(
          "maxRetries",
          Side.BOTH,
          "7",
          "Retries of one HTTP call after a transient fault (429, 5xx, timeout, reset).");
  public static final Option RETRY_TIMEOUT =
      define(
          "retryTimeout", Side.BOTH, "5m", "Total time one HTTP call may take, retries included.");

  // Write
  public static final Option MODEL =
      define(
          "model",
          Side.WRITE,
          null,
          "Model for every request; required unless every body names one.");
  public static final Option ENDPOINT =
      define(
          "endpoint",
          Side.WRITE,
          "/v1/chat/completions",
          "Batch endpoint: /v1/chat/completions or /v1/completions.");
  public static final Option PROMPT_COLUMN =
      define(
          "promptColumn",
          Side.WRITE,
          "prompt if present",
          "String column: one user message (chat) or the prompt (completions).");
  public static final Option MESSAGES_COLUMN =
      define(
          "messagesColumn",
          Side.WRITE,
          "messages if present",
          "array<struct<role,content>> column used as the chat messages.");
  public static final Option BODY_COLUMN =
      define(
          "bodyColumn",
          Side.WRITE,
          null,
          "String (JSON) or struct column used as the request body verbatim.");
  public static final Option SYSTEM_PROMPT =
      define("systemPrompt", Side.WRITE, null, "System message prepended to every chat request.");
  public static final Option ID_COLUMN =
      define(
          "idColumn",
          Side.WRITE,
          "custom_id or id if present",
          "String or integral column whose value becomes custom_id; else ids are derived.");
  public static final Option MAX_REQUESTS_PER_BATCH =
      define(
          "maxRequestsPerBatch",
          Side.WRITE,
          "50000",
          "Requests per batch input file (Together's limit is 50,000).");
  public static final Option MAX_BYTES_PER_BATCH =
      define(
          "maxBytesPerBatch",
          Side.WRITE,
          "100MB",
          "Bytes per batch input file (Together's limit: 100 MB = 100,000,000 bytes).");
  public static final Option STAGING_DIR =
      define(
          "stagingDir",
          Side.WRITE,
          "the JVM's temp dir",
          "Local directory where executors stage JSONL files before upload.");
  public static final Option DRY_RUN =
      define(
          "dryRun",
          Side.WRITE,
          "false",
          "Encode, check and stage every row, then upload nothing, create no batch, write no manifest.");

  // Read
  public static final Option WAIT =
      define(
          "wait",
          Side.READ,
          "true",
          "Wait until every batch is finished; false returns unfinished requests as pending.");
  public static final Option POLL_INTERVAL =
      define("pollInterval", Side.READ, "30s", "Pause between status polls while waiting.");
  public static final Option WAIT_TIMEOUT =
      define(
          "waitTimeout",
          Side.READ,
          "24h",
          "Longest wait; then fail naming the batches still running.");
  public static final Option BATCH_ID =
      define(
          "batchId",
          Side.READ,
          null,
          "One or more comma-separated batch ids to read instead of a path.");

  /** Every option, in documentation order. */
  public static List<Option> all() {
    return Collections.unmodifiableList(ALL_OPTIONS);
  }

  /**
   * Rejects unknown option names with a "did you mean" suggestion. Spark-internal keys ({@code
   * path}, {@code paths}) and {@code body.<field>} are accepted.
   */
  public static void checkNames(Map<String, String> options) {
    Map<String, String> named =
        options instanceof CaseInsensitiveStringMap
            ? ((CaseInsensitiveStringMap) options).asCaseSensitiveMap()
            : options;
    for (String raw : named.keySet()) {
      String k = raw.toLowerCase(Locale.ROOT);
      if (k.equals("paths") || k.startsWith(BODY_PREFIX) || k.startsWith("__")) {
        continue;
      }
      if (k.equals("body")) {
        throw new TogetherConfigException(
            "Option 'body' is not an option: set request fields one "
                + "by one as body.<field>, e.g. .option(\"body.max_tokens\", 200), or use 'bodyColumn' "
                + "for a per-row body.");
      }
      boolean known = false;
      for (Option o : ALL_OPTIONS) {
        if (o.key().equals(k)) {
          known = true;
          break;
        }
      }
      if (!known) {
        throw new TogetherConfigException(
            "Unknown option '"
                + raw
                + "' for format(\""
                + SHORT_NAME
                + "\")."
                + suggestion(k)
                + " Known options: "
                + names()
                + ", and body.<field>.");
      }
    }
  }

  private static String suggestion(String k) {
    Option best = null;
    int bestD = Integer.MAX_VALUE;
    for (Option o : ALL_OPTIONS) {
      int d = OptionParsers.distance(k, o.key());
      if (d < bestD) {
        bestD = d;
        best = o;
      }
    }
    if (best != null && bestD <= Math.max(2, best.key().length() / 3)) {
      return " Did you mean '" + best.name() + "'?";
    }
    if (k.contains("token") || k.contains("temperature") || k.contains("top_p")) {
      return " Request fields go under body., e.g. 'body." + k + "'.";
    }
    return "";
  }

  private static String names() {
    List<String> n = new ArrayList<>();
    for (Option o : ALL_OPTIONS) {
      n.add(o.name());
    }
    return String.join(", ", n);
  }

  /**
   * The {@code body.<field>} options with the field names as the user wrote them (case kept when
   * the map preserves it), in a stable order.
   */
  public static Map<String, String> bodyFields(Map<String, String> caseSensitiveOptions) {
    Map<String, String> out = new LinkedHashMap<>();
    caseSensitiveOptions.keySet().stream()
        .sorted()
        .forEach(
            raw -> {
              if (raw.toLowerCase(Locale.ROOT).startsWith(BODY_PREFIX)) {
                String field = raw.substring(BODY_PREFIX.length());
                if (field.isEmpty()) {
                  throw new TogetherConfigException(
                      "Option '"
                          + raw
                          + "' names no field: use body.<field>, "
                          + "e.g. body.max_tokens.");
                }
                out.put(field, caseSensitiveOptions.get(raw));
              }
            });
    return out;
  }

  /** A markdown table of every option, for the README. */
  public static String markdownTable() {
    StringBuilder sb =
        new StringBuilder("| option | side | default | meaning |\n|---|---|---|---|\n");
    for (Option o : ALL_OPTIONS) {
      sb.append("| `")
          .append(o.name())
          .append("` | ")
          .append(o.side().name().toLowerCase(Locale.ROOT))
          .append(" | ")
          .append(o.defaultValue() == null ? "" : o.defaultValue())
          .append(" | ")
          .append(o.description())
          .append(" |\n");
    }
    sb.append(
        "| `body.<field>` | write | | A request field for every row, e.g. body.max_tokens=200; "
            + "JSON values allowed. |\n");
    return sb.toString();
  }
}
