package io.github.sparktogetherbatch.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.exceptions.TogetherApiException;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Together's rate-limit answers: {@code x-ratelimit-reset} alone is honoured like {@code
 * retry-after} (same cap), and a 503 "overloaded" is retried. Against the emulator's {@code
 * rateLimitResetSeconds} fault; outcomes are asserted through the retry deadline, not the clock.
 */
class RateLimitHeadersTest {
  @RegisterExtension static final EmulatorExtension EMULATOR = new EmulatorExtension();

  /**
   * Backoff of 10 ms, server delays capped at {@code cap}, a total deadline of {@code deadline}.
   */
  private static TogetherClient client(Duration deadline, Duration cap) {
    return new TogetherClient(
        TogetherClientConfig.builder()
            .baseUrl(EMULATOR.baseUrl())
            .apiKey(EmulatorExtension.TEST_API_KEY)
            .retryPolicy(
                new RetryPolicy(
                    5, Duration.ofMillis(10), Duration.ofMillis(50), deadline, 0.25, cap))
            .build());
  }

  private static long count(String route) {
    return EMULATOR.emulator().requestCount(route);
  }

  @Test
  void theResetHeaderAloneIsTheDelay() {
    BasicHttpResponse r = new BasicHttpResponse(429);
    r.addHeader("x-ratelimit-reset", "7");
    assertEquals(7000, RetryPolicy.serverDelayMillis(r));
    r.addHeader("retry-after", "2");
    assertEquals(2000, RetryPolicy.serverDelayMillis(r), "retry-after comes first");
    BasicHttpResponse unreadableRetryAfter = new BasicHttpResponse(429);
    unreadableRetryAfter.addHeader("retry-after", "soon");
    unreadableRetryAfter.addHeader("x-ratelimit-reset", "1.5");
    assertEquals(1500, RetryPolicy.serverDelayMillis(unreadableRetryAfter));
  }

  @Test
  void theResetValueIsSecondsOrAUnixTime() {
    long now = Instant.parse("2026-12-06T10:00:00Z").toEpochMilli();
    assertEquals(30_000, RetryPolicy.parseRateLimitReset("30", now));
    assertEquals(250, RetryPolicy.parseRateLimitReset(" 0.25 ", now));
    assertEquals(12_000, RetryPolicy.parseRateLimitReset(Long.toString(now / 1000 + 12), now));
    assertEquals(-1, RetryPolicy.parseRateLimitReset("-3", now));
    assertEquals(-1, RetryPolicy.parseRateLimitReset("later", now));
  }

  @Test
  void aResetBeyondTheDeadlineEndsTheCallAtOnce() {
    // Without the header the 10 ms backoff would retry and succeed; the 30 s reset cannot fit.
    EMULATOR
        .emulator()
        .armFault(
            "{\"route\":\"GET /v1/batches\",\"status\":429,\"times\":1,"
                + "\"rateLimitResetSeconds\":30}");
    try (TogetherClient c = client(Duration.ofSeconds(20), Duration.ofSeconds(60))) {
      TogetherApiException e = assertThrows(TogetherApiException.class, c::listBatches);
      assertEquals(429, e.statusCode());
      assertTrue(e.isRetryable());
    }
    assertEquals(1, count("GET /v1/batches"));
  }

  @Test
  void theResetIsCappedLikeRetryAfter() {
    // An hour's reset, capped at 50 ms, fits the 20 s deadline: the call is retried and succeeds.
    EMULATOR
        .emulator()
        .armFault(
            "{\"route\":\"GET /v1/batches\",\"status\":429,\"times\":1,"
                + "\"rateLimitResetSeconds\":3600}");
    try (TogetherClient c = client(Duration.ofSeconds(20), Duration.ofMillis(50))) {
      assertEquals(List.of(), c.listBatches());
    }
    assertEquals(2, count("GET /v1/batches"));
  }

  @Test
  void anOverloadedModelIsRetried() {
    EMULATOR
        .emulator()
        .armFault(
            "{\"route\":\"GET /v1/models\",\"status\":503,\"times\":2,"
                + "\"body\":\"{\\\"error\\\":{\\\"message\\\":\\\"The model is overloaded\\\","
                + "\\\"type\\\":\\\"service_unavailable\\\"}}\"}");
    try (TogetherClient c = client(Duration.ofSeconds(20), Duration.ofSeconds(1))) {
      assertTrue(c.listModels().size() > 0);
    }
    assertEquals(3, count("GET /v1/models"));
  }
}
