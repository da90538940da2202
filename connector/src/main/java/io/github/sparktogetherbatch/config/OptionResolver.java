package io.github.sparktogetherbatch.config;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The one place where an option's value is found, in this order:
 *
 * <ol>
 *   <li>the DataFrame option ({@code .option("pollInterval", "10s")});
 *   <li>the session's {@code spark.datasource.together-batch.<name>}: Spark's {@code
 *       SessionConfigSupport} merges those into the options the source receives, under the
 *       DataFrame options, so both arrive in the one map this resolver reads;
 *   <li>the environment, only for options that name a variable ({@code apiKey}: {@code
 *       TOGETHER_API_KEY});
 *   <li>the option's typed default ({@link Option#typedDefault()}), which may be null.
 * </ol>
 *
 * A source whose text is missing or empty, or that its type reads as no value (a blank key), gives
 * way to the next one; a source whose text is not a valid value fails with a message that names the
 * option and the value.
 */
public final class OptionResolver {
  /** No environment: only options and defaults. */
  public static final Function<String, String> NO_ENV = name -> null;

  private final Map<String, String> options;
  private final Function<String, String> env;

  /**
   * @param options lower-case keys (a CaseInsensitiveStringMap) after Spark merged the session
   *     defaults in
   * @param env environment lookup ({@code System::getenv} outside tests)
   */
  public OptionResolver(Map<String, String> options, Function<String, String> env) {
    this.options = Objects.requireNonNull(options, "options");
    this.env = Objects.requireNonNull(env, "env");
  }

  /** The value of {@code option}: given, from the environment, or the default (maybe null). */
  public <T> T get(Option<T> option) {
    T value = option.parse(options.get(option.key()));
    if (value == null && option.envVar() != null) {
      value = option.parse(env.apply(option.envVar()));
    }
    return value != null ? value : option.typedDefault();
  }
}
