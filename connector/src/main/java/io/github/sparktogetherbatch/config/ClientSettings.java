package io.github.sparktogetherbatch.config;

import static io.github.sparktogetherbatch.config.TogetherBatchOptions.API_KEY;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.API_KEY_ENV;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.BASE_URL;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.CONNECT_TIMEOUT;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.MAX_RETRIES;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.REQUEST_TIMEOUT;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.RETRY_TIMEOUT;

import io.github.sparktogetherbatch.client.RetryPolicy;
import io.github.sparktogetherbatch.client.TogetherClientConfig;
import java.util.Map;
import java.util.function.Function;

/** Builds the HTTP client's config from the source options (both sides share these). */
public final class ClientSettings {
  private ClientSettings() {}

  /**
   * @param options lower-case keys (a CaseInsensitiveStringMap) after Spark merged the session
   *     defaults in
   * @param env environment lookup (System::getenv outside tests)
   * @param sparkVersion for the User-Agent, may be null
   */
  public static TogetherClientConfig fromOptions(
      Map<String, String> options, Function<String, String> env, String sparkVersion) {
    String key = get(options, API_KEY);
    if (key == null || key.isBlank()) {
      key = env.apply(API_KEY_ENV);
    }
    String baseUrl = orDefault(options, BASE_URL);
    int retries = OptionParsers.nonNegativeInt(MAX_RETRIES.name(), orDefault(options, MAX_RETRIES));
    RetryPolicy policy =
        RetryPolicy.DEFAULT
            .withMaxAttempts(retries + 1)
            .withDeadline(
                OptionParsers.duration(RETRY_TIMEOUT.name(), orDefault(options, RETRY_TIMEOUT)));
    return TogetherClientConfig.builder()
        .baseUrl(baseUrl)
        .apiKey(key == null ? null : key.trim())
        .connectTimeout(
            OptionParsers.duration(CONNECT_TIMEOUT.name(), orDefault(options, CONNECT_TIMEOUT)))
        .requestTimeout(
            OptionParsers.duration(REQUEST_TIMEOUT.name(), orDefault(options, REQUEST_TIMEOUT)))
        .retryPolicy(policy)
        .userAgentExtra(sparkVersion == null ? null : "Spark " + sparkVersion)
        .build();
  }

  static String get(Map<String, String> options, TogetherBatchOptions.Option o) {
    String v = options.get(o.key());
    return v == null || v.isEmpty() ? null : v;
  }

  static String orDefault(Map<String, String> options, TogetherBatchOptions.Option o) {
    String v = get(options, o);
    return v == null ? o.defaultValue() : v;
  }
}
