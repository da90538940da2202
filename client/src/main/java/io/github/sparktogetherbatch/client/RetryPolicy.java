package io.github.sparktogetherbatch.client;

import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with jitter, a maximum attempt count and a total deadline. A delay the
 * server asks for ({@code retry-after-ms}, {@code retry-after}) replaces the computed backoff,
 * capped at {@link #maxServerDelay()}. Immutable and serializable, so executors get the driver's.
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
