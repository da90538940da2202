package io.github.sparktogetherbatch.config;

import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * How an option's text becomes its value: a duration, a size, a bounded whole number, a boolean, a
 * choice from a list, a list of ids or a string. Parsing fails with a {@link
 * TogetherConfigException} that names the option, the value and what is allowed; a result of {@code
 * null} means "no value here" (the resolver then looks further).
 *
 * @param <T> the parsed value's type
 */
@FunctionalInterface
public interface OptionType<T> {

  /**
   * Parses one non-empty value.
   *
   * @param option the option's name, for messages
   * @param value the text as given (never null or empty)
   */
  T parse(String option, String value);

  /** Text as given. */
  OptionType<String> STRING = (option, value) -> value;

  /** Text without surrounding blanks; a blank value is no value. */
  OptionType<String> TRIMMED = (option, value) -> value.isBlank() ? null : value.trim();

  /** Spark's time-string form: {@code 200ms}, {@code 30s}, {@code 10m}, {@code 24h}. */
  OptionType<Duration> DURATION = OptionParsers::duration;

  /** Bytes: {@code 100MB}, {@code 64KB}, {@code 64KiB} or a plain number. */
  OptionType<Long> SIZE = OptionParsers::bytes;

  /** A whole number above 0. */
  OptionType<Integer> POSITIVE_INT = OptionParsers::positiveInt;

  /** A whole number of 0 or more. */
  OptionType<Integer> NON_NEGATIVE_INT = OptionParsers::nonNegativeInt;

  /** A Spark struct as DDL or as a {@code StructType}'s JSON. */
  OptionType<org.apache.spark.sql.types.StructType> STRUCT = OptionParsers::structType;

  /** {@code true} or {@code false}. */
  OptionType<Boolean> BOOLEAN = OptionParsers::bool;

  /** Comma-separated items, trimmed, blanks dropped, each kept once in the order given. */
  OptionType<List<String>> COMMA_LIST =
      (option, value) -> {
        LinkedHashSet<String> items = new LinkedHashSet<>();
        for (String item : value.split(",")) {
          if (!item.isBlank()) {
            items.add(item.trim());
          }
        }
        return List.copyOf(items);
      };

  /**
   * One of {@code allowed} after {@code normalize}.
   *
   * @param kind the plural noun for the message, e.g. "endpoints": "Option 'endpoint' is 'x';
   *     supported endpoints are a and b."
   */
  static OptionType<String> oneOf(
      String kind, List<String> allowed, UnaryOperator<String> normalize) {
    List<String> choices = List.copyOf(allowed);
    return (option, value) -> {
      String v = normalize.apply(value);
      if (!choices.contains(v)) {
        throw new TogetherConfigException(
            "Option '"
                + option
                + "' is '"
                + value
                + "'; supported "
                + kind
                + " are "
                + String.join(" and ", choices)
                + ".");
      }
      return v;
    };
  }

  /**
   * This type, refusing one value before parsing it: text that {@code normalize} turns into {@code
   * refused} fails with a message naming the option, the value and {@code why}.
   */
  default OptionType<T> refusing(String refused, UnaryOperator<String> normalize, String why) {
    OptionType<T> base = this;
    return (option, value) -> {
      if (refused.equals(normalize.apply(value))) {
        throw new TogetherConfigException("Option '" + option + "' is '" + value + "': " + why);
      }
      return base.parse(option, value);
    };
  }

  /** The message for a parsed value a {@link #check} refuses. */
  @FunctionalInterface
  interface Rejection<T> {
    String message(String option, String value, T parsed);
  }

  /**
   * This type, further limited: a parsed value for which {@code ok} fails is rejected with {@code
   * rejection}'s message (a bound such as Together's per-batch limits).
   */
  default OptionType<T> check(Predicate<? super T> ok, Rejection<? super T> rejection) {
    OptionType<T> base = this;
    return (option, value) -> {
      T parsed = base.parse(option, value);
      if (parsed != null && !ok.test(parsed)) {
        throw new TogetherConfigException(rejection.message(option, value, parsed));
      }
      return parsed;
    };
  }
}
