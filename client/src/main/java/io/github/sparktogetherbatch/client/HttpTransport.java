package io.github.sparktogetherbatch.client;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.io.EofSensorInputStream;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.io.ModalCloseable;
import org.apache.hc.core5.util.Timeout;

/**
 * Sends one HTTP request, no retries: two HttpClient 5 instances with their connection pools, one
 * for the API (with the key and the User-Agent) and one for signed storage URLs (with neither).
 * Neither follows redirects, retries on its own, keeps cookies or logs headers. Counts every
 * request in {@link ClientStats}.
 */
final class HttpTransport implements Closeable {
  private final String baseUrl;
  private final String authorization;
  private final String userAgent;
  private final ClientStats stats;
  private final CloseableHttpClient api;
  private final CloseableHttpClient storage;

  HttpTransport(TogetherClientConfig config, ClientStats stats) {
    this.baseUrl = config.baseUrl();
    this.authorization = "Bearer " + config.apiKey();
    this.stats = stats;
    String extra = config.userAgentExtra() == null ? "" : "; " + config.userAgentExtra();
    this.userAgent =
        "spark-together-batch/"
            + ConnectorVersion.get()
            + " (Java "
            + System.getProperty("java.version")
            + extra
            + ")";

    Timeout connect = Timeout.ofMilliseconds(config.connectTimeout().toMillis());
    Timeout socket = Timeout.ofMilliseconds(config.requestTimeout().toMillis());
    RequestConfig rc =
        RequestConfig.custom()
            .setRedirectsEnabled(false)
            .setResponseTimeout(socket)
            .setConnectionRequestTimeout(Timeout.ofMinutes(5))
            .setExpectContinueEnabled(false)
            .build();
    this.api =
        HttpClients.custom()
            .setConnectionManager(pool(connect, socket, config.maxConnections()))
            .setDefaultRequestConfig(rc)
            .disableRedirectHandling()
            .disableAutomaticRetries()
            .disableCookieManagement()
            .disableAuthCaching()
            .disableContentCompression()
            .setUserAgent(userAgent)
            .build();
    // The signed upload URL is third-party storage: no key, no user agent, no cookies, no extras.
    this.storage =
        HttpClients.custom()
            .setConnectionManager(pool(connect, socket, config.maxConnections()))
            .setDefaultRequestConfig(rc)
            .disableRedirectHandling()
            .disableAutomaticRetries()
            .disableCookieManagement()
            .disableAuthCaching()
            .disableContentCompression()
            .disableDefaultUserAgent()
            .build();
  }

  private static PoolingHttpClientConnectionManager pool(Timeout connect, Timeout socket, int max) {
    return PoolingHttpClientConnectionManagerBuilder.create()
        .setConnectionFactory(QuietConnection.Factory.INSTANCE)
        .setDefaultSocketConfig(
            SocketConfig.custom().setSoTimeout(socket).setTcpNoDelay(true).build())
        .setDefaultConnectionConfig(
            ConnectionConfig.custom()
                .setConnectTimeout(connect)
                .setSocketTimeout(socket)
                .setValidateAfterInactivity(Timeout.ofSeconds(2))
                .build())
        .setMaxConnTotal(Math.max(2, max))
        .setMaxConnPerRoute(Math.max(2, max))
        .build();
  }

  /** The User-Agent sent to the API. */
  String userAgent() {
    return userAgent;
  }

  /**
   * The API URL of a resource, each segment percent-encoded: {@code url("files", id, "content")}.
   */
  URI url(String... segments) {
    StringBuilder sb = new StringBuilder(baseUrl);
    for (String s : segments) {
      sb.append('/').append(URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return URI.create(sb.toString());
  }

  /**
   * Sends one request and returns the open response, whatever its status; the caller closes it. A
   * request to the API carries the key; one to storage does not.
   */
  ClassicHttpResponse send(Operation.Target target, ClassicHttpRequest request) throws IOException {
    CloseableHttpClient http;
    if (target == Operation.Target.API) {
      request.setHeader(HttpHeaders.AUTHORIZATION, authorization);
      http = api;
    } else {
      http = storage;
    }
    stats.request();
    return http.executeOpen(null, request, null);
  }

  @Override
  public void close() {
    closeQuietly(api);
    closeQuietly(storage);
  }

  /** Closes a response whose body may not be fully read, without draining the rest of it. */
  static void abort(ClassicHttpResponse response, InputStream content) {
    if (response == null) {
      return;
    }
    try {
      if (content instanceof EofSensorInputStream) {
        ((EofSensorInputStream) content).abort();
      }
    } catch (IOException | RuntimeException ignored) {
      // the connection is discarded either way
    }
    if (response instanceof ModalCloseable) {
      ((ModalCloseable) response).close(CloseMode.IMMEDIATE);
    } else {
      closeQuietly(response);
    }
  }

  static void closeQuietly(Closeable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException | RuntimeException ignored) {
      // clean-up
    }
  }
}
