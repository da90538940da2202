package io.github.sparktogetherbatch.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private final RetryPolicy policy =
      new RetryPolicy(
          6,
          Duration.ofMillis(100),
          Duration.ofMillis(800),
          Duration.ofMinutes(1),
          0.25,
          Duration.ofSeconds(60));

  @Test
  void backoffGrowsExponentiallyWithJitterAndIsCapped() {
    for (int i = 0; i < 200; i++) {
      long first = policy.delayMillis(1, -1);
      assertTrue(first >= 75 && first <= 100, "first " + first);
      long third = policy.delayMillis(3, -1);
      assertTrue(third >= 300 && third <= 400, "third " + third);
      long tenth = policy.delayMillis(10, -1);
      assertTrue(tenth >= 600 && tenth <= 800, "capped " + tenth);
    }
  }

  @Test
  void serverDelayWinsButIsCapped() {
    assertEquals(1500, policy.delayMillis(1, 1500));
    assertEquals(0, policy.delayMillis(4, 0));
    assertEquals(60_000, policy.delayMillis(1, 3_600_000));
  }

  @Test
  void invalidPoliciesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> policy.withMaxAttempts(0));
    assertEquals(3, policy.withMaxAttempts(3).maxAttempts());
  }

  @Test
  void retryAfterTakesSecondsDecimalsAndHttpDates() {
    long now = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();
    assertEquals(3000, RetryPolicy.parseRetryAfter("3", now));
    assertEquals(1500, RetryPolicy.parseRetryAfter(" 1.5 ", now));
    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            ZonedDateTime.ofInstant(Instant.ofEpochMilli(now + 7000), ZoneOffset.UTC));
    assertEquals(7000, RetryPolicy.parseRetryAfter(date, now));
    assertEquals(0, RetryPolicy.parseRetryAfter("Sat, 01 Jan 2000 00:00:00 GMT", now));
    assertEquals(-1, RetryPolicy.parseRetryAfter("whenever", now));
  }

  @Test
  void theServersRetryHeadersAreRead() {
    BasicHttpResponse r = new BasicHttpResponse(503);
    assertEquals(-1, RetryPolicy.serverDelayMillis(r));
    assertTrue(RetryPolicy.isRetryable(503, false, r));
    r.setHeader("retry-after", "2");
    assertEquals(2000, RetryPolicy.serverDelayMillis(r));
    r.setHeader("retry-after-ms", "250.5");
    assertEquals(250, RetryPolicy.serverDelayMillis(r), "retry-after-ms wins over retry-after");
    r.setHeader("retry-after-ms", "soon");
    assertEquals(2000, RetryPolicy.serverDelayMillis(r), "an unreadable retry-after-ms is skipped");
    r.setHeader("x-should-retry", "false");
    assertFalse(RetryPolicy.isRetryable(503, false, r));
    BasicHttpResponse conflict = new BasicHttpResponse(409);
    assertTrue(RetryPolicy.isRetryable(409, false, conflict));
    assertFalse(RetryPolicy.isRetryable(409, true, conflict), "a checksum duplicate stays one");
    conflict.setHeader("x-should-retry", "true");
    assertTrue(RetryPolicy.isRetryable(400, false, conflict));
  }
}
