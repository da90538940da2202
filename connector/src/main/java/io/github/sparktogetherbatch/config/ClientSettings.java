package io.github.sparktogetherbatch.config;

import static io.github.sparktogetherbatch.config.TogetherBatchOptions.API_KEY;
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
  private static final String USER_AGENT_SPARK = "Spark ";

  private ClientSettings() {}

  /**
   * @param options lower-case keys (a CaseInsensitiveStringMap) after Spark merged the session
   *     defaults in
   * @param env environment lookup (System::getenv outside tests)
   * @param sparkVersion for the User-Agent, may be null
   */
  public static TogetherClientConfig fromOptions(
      Map<String, String> options, Function<String, String> env, String sparkVersion) {
    return fromOptions(new OptionResolver(options, env), sparkVersion);
  }

  static TogetherClientConfig fromOptions(OptionResolver options, String sparkVersion) {
    RetryPolicy policy =
        RetryPolicy.DEFAULT
            .withMaxAttempts(options.get(MAX_RETRIES) + 1)
            .withDeadline(options.get(RETRY_TIMEOUT));
    return TogetherClientConfig.builder()
        .baseUrl(options.get(BASE_URL))
        .apiKey(options.get(API_KEY))
        .connectTimeout(options.get(CONNECT_TIMEOUT))
        .requestTimeout(options.get(REQUEST_TIMEOUT))
        .retryPolicy(policy)
        .userAgentExtra(sparkVersion == null ? null : USER_AGENT_SPARK + sparkVersion)
        .build();
  }
}
