package io.github.sparktogetherbatch.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The checked value types of the options whose values have limits, and the options table: kept out
 * of {@link TogetherBatchOptions} so that the list of options stays readable. Holds no options
 * itself (they are registered there, in documentation order).
 */
final class OptionChecks {
  private OptionChecks() {}

  /** maxRequestsPerBatch: a positive count, at most Together's limit per batch. */
  static final OptionType<Integer> MAX_REQUESTS =
      OptionType.POSITIVE_INT.check(
          n -> n <= WriteConfig.LIMIT_REQUESTS,
          (option, value, n) ->
              "Option '"
                  + option
                  + "' is "
                  + n
                  + ", above Together's limit of "
                  + WriteConfig.LIMIT_REQUESTS
                  + " requests per batch. Use at most "
                  + WriteConfig.LIMIT_REQUESTS
                  + ".");

  /** maxBytesPerBatch: a size between 1KB and Together's limit per batch. */
  static final OptionType<Long> MAX_BYTES =
      OptionType.SIZE.check(
          n -> n >= WriteConfig.MIN_BYTES && n <= WriteConfig.LIMIT_BYTES,
          (option, value, n) ->
              "Option '"
                  + option
                  + "' is "
                  + n
                  + " bytes; it must be between 1KB ("
                  + WriteConfig.MIN_BYTES
                  + " bytes) and Together's limit of 100MB ("
                  + WriteConfig.LIMIT_BYTES
                  + " bytes).");

  /** minRequestsPerBatch: 0 or a count, at most Together's limit per batch. */
  static final OptionType<Integer> MIN_REQUESTS =
      OptionType.NON_NEGATIVE_INT.check(
          n -> n <= WriteConfig.LIMIT_REQUESTS,
          (option, value, n) ->
              "Option '"
                  + option
                  + "' is "
                  + n
                  + ", above Together's limit of "
                  + WriteConfig.LIMIT_REQUESTS
                  + " requests per batch. Use at most "
                  + WriteConfig.LIMIT_REQUESTS
                  + " (0 gives every task its own batches).");

  /** uploadsPerTask: 1 to {@value WriteConfig#MAX_UPLOADS_PER_TASK} uploads at once. */
  static final OptionType<Integer> UPLOADS_PER_TASK =
      atOnce(
          WriteConfig.MAX_UPLOADS_PER_TASK,
          "each upload holds one connection; 1 uploads a task's files one after the other");

  /** createsAtOnce: 1 to {@value WriteConfig#MAX_CREATES_AT_ONCE} creates at once. */
  static final OptionType<Integer> CREATES_AT_ONCE =
      atOnce(
          WriteConfig.MAX_CREATES_AT_ONCE,
          "each create holds one connection; 1 creates a write's batches one after the other");

  /** A count of requests sent at once: 1 to {@code max}; the message ends with {@code why}. */
  private static OptionType<Integer> atOnce(int max, String why) {
    return OptionType.POSITIVE_INT.check(
        n -> n <= max,
        (option, value, n) ->
            "Option '" + option + "' is " + n + "; use 1 to " + max + " (" + why + ").");
  }

  /** pollInterval: at least 1ms. */
  static final OptionType<Duration> POLL_INTERVAL =
      OptionType.DURATION.check(
          d -> d.toMillis() >= 1,
          (option, value, d) ->
              "Option '"
                  + option
                  + "' must be at least 1ms (Together advises 30s to 60s); got '"
                  + value
                  + "'.");

  /** view: results or batches. */
  static final OptionType<String> VIEW =
      OptionType.STRING.check(
          v ->
              v.equals(TogetherBatchOptions.VIEW_RESULTS)
                  || v.equals(TogetherBatchOptions.VIEW_BATCHES),
          (option, value, v) ->
              "Option '"
                  + option
                  + "' is '"
                  + value
                  + "'; use '"
                  + TogetherBatchOptions.VIEW_RESULTS
                  + "' (one row per request) or '"
                  + TogetherBatchOptions.VIEW_BATCHES
                  + "' (one row per batch, without waiting).");

  /** The options table's row for {@code body.<field>}, which is a prefix, not an option. */
  private static final String BODY_FIELD_ROW =
      "| `body.<field>` | write | | A request field for every row, e.g. body.max_tokens=200; "
          + "JSON values allowed. |\n";

  /** A markdown table of every option, for the README. */
  static String markdownTable(List<Option<?>> options) {
    StringBuilder sb =
        new StringBuilder("| option | side | default | meaning |\n|---|---|---|---|\n");
    for (Option<?> o : options) {
      sb.append("| `")
          .append(o.name())
          .append("` | ")
          .append(o.side().name().toLowerCase(Locale.ROOT))
          .append(" | ")
          .append(o.defaultDoc() == null ? "" : o.defaultDoc())
          .append(" | ")
          .append(o.description())
          .append(" |\n");
    }
    sb.append(BODY_FIELD_ROW);
    return sb.toString();
  }
}
