package io.github.sparktogetherbatch.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.Serializable;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLException;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.MessageHeaders;

/**
 * When a failed call is tried again, and after how long: capped exponential backoff with jitter, a
 * maximum attempt count and a total deadline. A delay the server asks for ({@code retry-after-ms},
 * {@code retry-after}, or Together's {@code x-ratelimit-reset}) replaces the computed backoff,
 * capped at {@link #maxServerDelay()}; the server's {@code x-should-retry} overrides whether a
 * status is retried. Immutable and serializable, so executors get the driver's.
 */
public final class RetryPolicy implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Defaults in the range of Together's own SDKs, with more attempts: batch jobs are long-lived.
   */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(
          8,
          Duration.ofMillis(500),
          Duration.ofSeconds(10),
          Duration.ofMinutes(5),
          0.25,
          Duration.ofSeconds(60));

  private final int maxAttempts;
  private final long initialBackoffMillis;
  private final long maxBackoffMillis;
  private final long deadlineMillis;
  private final double jitter;
  private final long maxServerDelayMillis;

  public RetryPolicy(
      int maxAttempts,
      Duration initialBackoff,
      Duration maxBackoff,
      Duration deadline,
      double jitter,
      Duration maxServerDelay) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    if (jitter < 0 || jitter > 1) {
      throw new IllegalArgumentException("jitter must be between 0 and 1, was " + jitter);
    }
    this.maxAttempts = maxAttempts;
    this.initialBackoffMillis = Math.max(0, initialBackoff.toMillis());
    this.maxBackoffMillis = Math.max(initialBackoffMillis, maxBackoff.toMillis());
    this.deadlineMillis = Math.max(0, deadline.toMillis());
    this.jitter = jitter;
    this.maxServerDelayMillis = Math.max(0, maxServerDelay.toMillis());
  }

  public RetryPolicy withMaxAttempts(int attempts) {
    return new RetryPolicy(
        attempts, initialBackoff(), maxBackoff(), deadline(), jitter, maxServerDelay());
  }

  public RetryPolicy withDeadline(Duration newDeadline) {
    return new RetryPolicy(
        maxAttempts, initialBackoff(), maxBackoff(), newDeadline, jitter, maxServerDelay());
  }

  public RetryPolicy withBackoff(Duration initial, Duration max) {
    return new RetryPolicy(maxAttempts, initial, max, deadline(), jitter, maxServerDelay());
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  public Duration initialBackoff() {
    return Duration.ofMillis(initialBackoffMillis);
  }

  public Duration maxBackoff() {
    return Duration.ofMillis(maxBackoffMillis);
  }

  /** Total time budget of one call, retries included. */
  public Duration deadline() {
    return Duration.ofMillis(deadlineMillis);
  }

  public double jitter() {
    return jitter;
  }

  public Duration maxServerDelay() {
    return Duration.ofMillis(maxServerDelayMillis);
  }

  /**
   * The pause before retry number {@code retry} (1 for the first retry). {@code serverDelayMillis}
   * is what the server asked for, or a negative number when it asked nothing.
   */
  public long delayMillis(int retry, long serverDelayMillis) {
    if (serverDelayMillis >= 0) {
      return Math.min(serverDelayMillis, maxServerDelayMillis);
    }
    int shift = Math.min(Math.max(retry - 1, 0), 30);
    long base = Math.min(maxBackoffMillis, initialBackoffMillis << shift);
    if (base <= 0) {
      return 0;
    }
    double factor = 1.0 - jitter * ThreadLocalRandom.current().nextDouble();
    return Math.max(1, (long) (base * factor));
  }

  // ---------------------------------------------------------------------------------------------
  // What the server and the failure say

  /**
   * Whether an HTTP error answer may be retried: 408, 409 (except a checksum duplicate, which will
   * not change), 429 and 5xx; the server's {@code x-should-retry: true|false} overrides that.
   */
  static boolean isRetryable(int status, boolean checksumDuplicate, MessageHeaders response) {
    boolean retryable =
        status == 408 || status == 429 || status >= 500 || (status == 409 && !checksumDuplicate);
    Header shouldRetry = response.getFirstHeader("x-should-retry");
    if (shouldRetry != null) {
      String v = shouldRetry.getValue().trim();
      if (v.equalsIgnoreCase("true")) {
        retryable = true;
      } else if (v.equalsIgnoreCase("false")) {
        retryable = false;
      }
    }
    return retryable;
  }

  /**
   * Whether a request that got no response may be retried: timeouts and resets may pass next time;
   * a host that does not resolve, a TLS failure (other than a reset during the handshake) and an
   * interrupted thread will not.
   */
  static boolean isRetryable(IOException e) {
    return !(e instanceof UnknownHostException)
        && !(e instanceof SSLException
            && !(e.getMessage() != null
                && e.getMessage().toLowerCase(Locale.ROOT).contains("reset")))
        && !(e instanceof InterruptedIOException && Thread.currentThread().isInterrupted());
  }

  /** Together's rate-limit header: seconds until the limit resets, the suggested retry interval. */
  static final String RATE_LIMIT_RESET = "x-ratelimit-reset";

  /** A reset value above this many seconds is a Unix time, not an interval. */
  private static final long EPOCH_SECONDS_FLOOR = 1_000_000_000L;

  /**
   * The delay the server asked for, in ms, or -1: {@code retry-after-ms} first, then {@code
   * retry-after}, then {@code x-ratelimit-reset} (Together sends it with a 429, besides or instead
   * of {@code retry-after}).
   */
  static long serverDelayMillis(MessageHeaders response) {
    Header ms = response.getFirstHeader("retry-after-ms");
    if (ms != null) {
      try {
        double v = Double.parseDouble(ms.getValue().trim());
        if (v >= 0) {
          return (long) v;
        }
      } catch (NumberFormatException ignored) {
        // fall through to retry-after
      }
    }
    Header ra = response.getFirstHeader("retry-after");
    if (ra != null) {
      long v = parseRetryAfter(ra.getValue(), System.currentTimeMillis());
      if (v >= 0) {
        return v;
      }
    }
    Header reset = response.getFirstHeader(RATE_LIMIT_RESET);
    if (reset != null) {
      return parseRateLimitReset(reset.getValue(), System.currentTimeMillis());
    }
    return -1;
  }

  /**
   * {@code x-ratelimit-reset}: seconds (integer or decimal) until the limit resets; a value that
   * can only be a Unix time (past 2001) is read as one. -1 when unreadable.
   */
  static long parseRateLimitReset(String value, long nowMillis) {
    try {
      double seconds = Double.parseDouble(value.trim());
      if (seconds < 0 || Double.isNaN(seconds)) {
        return -1;
      }
      if (seconds >= EPOCH_SECONDS_FLOOR) {
        return Math.max(0, (long) (seconds * 1000) - nowMillis);
      }
      return (long) (seconds * 1000);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * {@code Retry-After}: delta seconds (integer or decimal) or an HTTP date; -1 when unreadable.
   */
  static long parseRetryAfter(String value, long nowMillis) {
    String v = value.trim();
    try {
      double seconds = Double.parseDouble(v);
      return seconds < 0 ? -1 : (long) (seconds * 1000);
    } catch (NumberFormatException notNumber) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        return Math.max(0, at.toInstant().toEpochMilli() - nowMillis);
      } catch (DateTimeParseException notDate) {
        return -1;
      }
    }
  }

  @Override
  public String toString() {
    return "RetryPolicy{maxAttempts="
        + maxAttempts
        + ", initialBackoff="
        + initialBackoffMillis
        + "ms, maxBackoff="
        + maxBackoffMillis
        + "ms, deadline="
        + deadlineMillis
        + "ms, jitter="
        + jitter
        + "}";
  }
}
