package io.github.sparktogetherbatch.config;

import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The keys a user may give the source: the {@link TogetherBatchOptions}, {@code body.<field>} and
 * Spark's own. Unknown keys are refused with a "did you mean"; {@code body.<field>} keys become
 * request fields.
 */
final class OptionNames {
  /** Not an option: what users mean by it is {@code body.<field>} or {@code bodyColumn}. */
  private static final String BODY = "body";

  /** Spark's own key for {@code load(path1, path2, ...)}; accepted, not used. */
  private static final String SPARK_PATHS = "paths";

  /**
   * Spark's own key of {@code writeStream().option("checkpointLocation", ...)}, which Spark passes
   * on to the sink with the write options; accepted, not used.
   */
  private static final String SPARK_CHECKPOINT = "checkpointlocation";

  /** Keys Spark or this source add for themselves start with this. */
  private static final String INTERNAL_PREFIX = "__";

  /** Unknown names containing one of these are request fields given without {@code body.}. */
  private static final List<String> REQUEST_FIELD_HINTS = List.of("token", "temperature", "top_p");

  private OptionNames() {}

  /**
   * Rejects unknown option names with a "did you mean" suggestion. Spark-internal keys ({@code
   * path}, {@code paths}, {@code checkpointLocation}) and {@code body.<field>} are accepted.
   */
  static void check(Map<String, String> options) {
    Map<String, String> named =
        options instanceof CaseInsensitiveStringMap
            ? ((CaseInsensitiveStringMap) options).asCaseSensitiveMap()
            : options;
    for (String raw : named.keySet()) {
      String k = raw.toLowerCase(Locale.ROOT);
      if (k.equals(SPARK_PATHS)
          || k.equals(SPARK_CHECKPOINT)
          || k.startsWith(TogetherBatchOptions.BODY_PREFIX)
          || k.startsWith(INTERNAL_PREFIX)) {
        continue;
      }
      if (k.equals(BODY)) {
        throw new TogetherConfigException(
            "Option '"
                + BODY
                + "' is not an option: set request fields one by one as "
                + TogetherBatchOptions.BODY_PREFIX
                + "<field>, e.g. .option(\"body.max_tokens\", 200), or use '"
                + TogetherBatchOptions.BODY_COLUMN.name()
                + "' for a per-row body.");
      }
      if (TogetherBatchOptions.byKey(k) == null) {
        throw new TogetherConfigException(
            "Unknown option '"
                + raw
                + "' for format(\""
                + TogetherBatchOptions.SHORT_NAME
                + "\")."
                + suggestion(k)
                + " Known options: "
                + names()
                + ", and "
                + TogetherBatchOptions.BODY_PREFIX
                + "<field>.");
      }
    }
  }

  private static String suggestion(String k) {
    Option<?> best = null;
    int bestD = Integer.MAX_VALUE;
    for (Option<?> o : TogetherBatchOptions.all()) {
      int d = OptionParsers.distance(k, o.key());
      if (d < bestD) {
        bestD = d;
        best = o;
      }
    }
    if (best != null && bestD <= Math.max(2, best.key().length() / 3)) {
      return " Did you mean '" + best.name() + "'?";
    }
    if (REQUEST_FIELD_HINTS.stream().anyMatch(k::contains)) {
      return " Request fields go under "
          + TogetherBatchOptions.BODY_PREFIX
          + ", e.g. '"
          + TogetherBatchOptions.BODY_PREFIX
          + k
          + "'.";
    }
    return "";
  }

  private static String names() {
    List<String> n = new ArrayList<>();
    for (Option<?> o : TogetherBatchOptions.all()) {
      n.add(o.name());
    }
    return String.join(", ", n);
  }

  /**
   * The {@code body.<field>} options with the field names as the user wrote them (case kept when
   * the map preserves it), in a stable order.
   */
  static Map<String, String> bodyFields(Map<String, String> caseSensitiveOptions) {
    Map<String, String> out = new LinkedHashMap<>();
    caseSensitiveOptions.keySet().stream()
        .sorted()
        .forEach(
            raw -> {
              if (raw.toLowerCase(Locale.ROOT).startsWith(TogetherBatchOptions.BODY_PREFIX)) {
                String field = raw.substring(TogetherBatchOptions.BODY_PREFIX.length());
                if (field.isEmpty()) {
                  throw new TogetherConfigException(
                      "Option '"
                          + raw
                          + "' names no field: use "
                          + TogetherBatchOptions.BODY_PREFIX
                          + "<field>, e.g. body.max_tokens.");
                }
                out.put(field, caseSensitiveOptions.get(raw));
              }
            });
    return out;
  }
}
