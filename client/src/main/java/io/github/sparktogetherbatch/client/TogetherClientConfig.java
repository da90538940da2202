package io.github.sparktogetherbatch.client;

import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Everything a {@link TogetherClient} needs: where the API is, the key, timeouts and retries.
 * Serializable so that the driver's parsed config travels to executors. {@link #toString()} never
 * shows the key.
 */
public final class TogetherClientConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final String DEFAULT_BASE_URL = "https://api.together.xyz/v1";

  private final String baseUrl;
  private final String apiKey;
  private final long connectTimeoutMillis;
  private final long requestTimeoutMillis;
  private final RetryPolicy retryPolicy;
  private final String userAgentExtra;
  private final int maxConnections;

  private TogetherClientConfig(Builder b) {
    this.baseUrl = normalizeBaseUrl(b.baseUrl);
    this.apiKey = b.apiKey;
    this.connectTimeoutMillis = b.connectTimeout.toMillis();
    this.requestTimeoutMillis = b.requestTimeout.toMillis();
    this.retryPolicy = Objects.requireNonNull(b.retryPolicy, "retryPolicy");
    this.userAgentExtra = b.userAgentExtra;
    this.maxConnections = b.maxConnections;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.baseUrl = baseUrl;
    b.apiKey = apiKey;
    b.connectTimeout = connectTimeout();
    b.requestTimeout = requestTimeout();
    b.retryPolicy = retryPolicy;
    b.userAgentExtra = userAgentExtra;
    b.maxConnections = maxConnections;
    return b;
  }

  /** Base URL without a trailing slash, e.g. {@code https://api.together.xyz/v1}. */
  public String baseUrl() {
    return baseUrl;
  }

  /** The API key. Never log or print it. */
  public String apiKey() {
    return apiKey;
  }

  public Duration connectTimeout() {
    return Duration.ofMillis(connectTimeoutMillis);
  }

  /** Time to wait for a response (and between bytes of it) on one HTTP request. */
  public Duration requestTimeout() {
    return Duration.ofMillis(requestTimeoutMillis);
  }

  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  /** Added to the User-Agent, e.g. {@code "Spark 3.5.9"}. */
  public String userAgentExtra() {
    return userAgentExtra;
  }

  public int maxConnections() {
    return maxConnections;
  }

  /** Whether the base URL is plain http on a loopback host (the emulator). */
  public boolean isPlainHttpLoopback() {
    URI u = URI.create(baseUrl);
    return "http".equalsIgnoreCase(u.getScheme()) && isLoopbackHost(u.getHost());
  }

  @Override
  public String toString() {
    return "TogetherClientConfig{baseUrl="
        + baseUrl
        + ", apiKey="
        + (apiKey == null ? "<unset>" : "<hidden>")
        + ", connectTimeout="
        + connectTimeoutMillis
        + "ms, requestTimeout="
        + requestTimeoutMillis
        + "ms, "
        + retryPolicy
        + "}";
  }

  /**
   * Checks a base URL: absolute, https, or plain http only towards a loopback host (a local
   * emulator). Returns it without a trailing slash; a URL with no path at all ({@code
   * https://api.together.xyz}) gets {@code /v1}, where every route of the API starts.
   */
  public static String normalizeBaseUrl(String raw) {
    if (raw == null || raw.isBlank()) {
      throw new TogetherConfigException(
          "Option 'baseUrl' is empty. Leave it unset to use "
              + DEFAULT_BASE_URL
              + ", or give the URL of a Together-compatible API ending in /v1.");
    }
    String s = raw.trim();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    URI u;
    try {
      u = new URI(s);
    } catch (URISyntaxException e) {
      throw new TogetherConfigException(
          "Option 'baseUrl' is not a valid URL: '"
              + s
              + "'. Expected something like "
              + DEFAULT_BASE_URL
              + ".");
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (u.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
      throw new TogetherConfigException(
          "Option 'baseUrl' must be an absolute https URL, was '"
              + s
              + "'. Expected something like "
              + DEFAULT_BASE_URL
              + ".");
    }
    if (u.getUserInfo() != null || u.getQuery() != null || u.getFragment() != null) {
      throw new TogetherConfigException(
          "Option 'baseUrl' must not carry user info, a query or a "
              + "fragment: give only scheme, host, port and path, e.g. "
              + DEFAULT_BASE_URL
              + ".");
    }
    if (scheme.equals("http") && !isLoopbackHost(u.getHost())) {
      throw new TogetherConfigException(
          "Option 'baseUrl' uses plain http towards '"
              + u.getHost()
              + "': the API key would travel unencrypted. Use https; plain http is only allowed for a "
              + "loopback host such as a local emulator (127.0.0.1, localhost).");
    }
    if (u.getRawPath() == null || u.getRawPath().isEmpty()) {
      return s + "/v1";
    }
    return s;
  }

  /** True for localhost, 127.0.0.0/8 and ::1, without DNS lookups for other names. */
  public static boolean isLoopbackHost(String host) {
    if (host == null) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.equals("localhost") || h.endsWith(".localhost")) {
      return true;
    }
    boolean literal = h.matches("[0-9.]+") || h.contains(":");
    if (!literal) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  /** Builder; every field has a default except the key. */
  public static final class Builder {
    private String baseUrl = DEFAULT_BASE_URL;
    private String apiKey;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(120);
    private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    private String userAgentExtra;
    private int maxConnections = 16;

    private Builder() {}

    public Builder baseUrl(String v) {
      this.baseUrl = v;
      return this;
    }

    public Builder apiKey(String v) {
      this.apiKey = v;
      return this;
    }

    public Builder connectTimeout(Duration v) {
      this.connectTimeout = v;
      return this;
    }

    public Builder requestTimeout(Duration v) {
      this.requestTimeout = v;
      return this;
    }

    public Builder retryPolicy(RetryPolicy v) {
      this.retryPolicy = v;
      return this;
    }

    public Builder userAgentExtra(String v) {
      this.userAgentExtra = v;
      return this;
    }

    public Builder maxConnections(int v) {
      this.maxConnections = v;
      return this;
    }

    public TogetherClientConfig build() {
      if (apiKey == null || apiKey.isBlank()) {
        throw new TogetherConfigException(
            "No Together API key: set the environment variable "
                + "TOGETHER_API_KEY, or the option 'apiKey' (or the session conf "
                + "spark.datasource.together-batch.apiKey).");
      }
      return new TogetherClientConfig(this);
    }
  }
}
