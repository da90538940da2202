package io.github.sparktogetherbatch.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
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
    assertEquals(3000, TogetherClient.parseRetryAfter("3", now));
    assertEquals(1500, TogetherClient.parseRetryAfter(" 1.5 ", now));
    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            ZonedDateTime.ofInstant(Instant.ofEpochMilli(now + 7000), ZoneOffset.UTC));
    assertEquals(7000, TogetherClient.parseRetryAfter(date, now));
    assertEquals(0, TogetherClient.parseRetryAfter("Sat, 01 Jan 2000 00:00:00 GMT", now));
    assertEquals(-1, TogetherClient.parseRetryAfter("whenever", now));
  }

  @Test
  void statusesParseLenientlyAndUnknownMeansRunning() {
    assertSame(BatchStatus.CANCELING, BatchStatus.parse("CANCELING"));
    assertSame(BatchStatus.CANCELLED, BatchStatus.parse("cancelled"));
    assertSame(BatchStatus.CANCELLED, BatchStatus.parse("CANCELED"));
    assertSame(BatchStatus.UNKNOWN, BatchStatus.parse("AGGREGATING"));
    assertSame(BatchStatus.UNKNOWN, BatchStatus.parse(null));
    assertTrue(BatchStatus.EXPIRED.isTerminal());
    assertTrue(!BatchStatus.UNKNOWN.isTerminal() && !BatchStatus.CANCELING.isTerminal());
  }

  @Test
  void timestampsWithAnyFractionLength() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    assertEquals(
        Instant.parse("2025-06-11T06:11:22.752350Z"),
        TogetherClient.parseInstant(f.textNode("2025-06-11T06:11:22.75235Z")));
    assertEquals(
        Instant.parse("2025-06-11T06:11:22Z"),
        TogetherClient.parseInstant(f.textNode("2025-06-11T06:11:22Z")));
    assertEquals(
        Instant.parse("2025-06-11T04:11:22.123456789Z"),
        TogetherClient.parseInstant(f.textNode("2025-06-11T06:11:22.123456789+02:00")));
    assertEquals(
        Instant.parse("2025-06-11T06:11:22.1Z"),
        TogetherClient.parseInstant(f.textNode("2025-06-11T06:11:22.1")));
    assertEquals(
        Instant.ofEpochSecond(1_700_000_000L),
        TogetherClient.parseInstant(f.numberNode(1_700_000_000L)));
    assertEquals(null, TogetherClient.parseInstant(f.nullNode()));
    assertEquals(null, TogetherClient.parseInstant(f.textNode("yesterday")));
  }

  @Test
  void unsafeIdsNeverReachAUrl() {
    for (String bad :
        new String[] {"..", ".", "a/b", "../x", "a\\b", "a b", "a?b", "a#b", "%2e%2e", ""}) {
      assertThrows(RuntimeException.class, () -> TogetherClient.checkId("file", bad, "GET"), bad);
    }
    assertEquals(
        "file-1ea94710-592e-4f11-a92f-1a91a4ba3454",
        TogetherClient.checkId("file", "file-1ea94710-592e-4f11-a92f-1a91a4ba3454", "GET"));
    assertEquals("a..b", TogetherClient.checkId("file", "a..b", "GET"));
  }
}
