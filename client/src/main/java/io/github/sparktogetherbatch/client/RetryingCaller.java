package io.github.sparktogetherbatch.client;

import io.github.sparktogetherbatch.exceptions.TogetherApiException;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link Operation} to completion: sends it through the {@link HttpTransport}, hands a
 * successful answer (below 400) to a {@link ResponseReader}, and retries what the {@link
 * RetryPolicy} says may pass next time, within its attempt count and deadline. An operation that is
 * not {@linkplain Operation#safeToRepeat() safe to repeat} first looks for what a lost attempt may
 * have done.
 */
final class RetryingCaller {
  /** TogetherClient's logger: the client logs under one name, whichever part of it speaks. */
  private static final Logger LOG = LoggerFactory.getLogger(TogetherClient.class);

  /** Reads a successful answer; an IOException while reading counts as a failed attempt. */
  @FunctionalInterface
  interface ResponseReader<T> {
    T read(ClassicHttpResponse response) throws IOException;
  }

  /**
   * For an operation that is not safe to repeat: finds what an attempt whose answer was lost did
   * (the batch it created, say), or returns null when it did nothing and the call may be repeated.
   */
  @FunctionalInterface
  interface LostAttemptLookup<T> {
    T find();
  }

  private final HttpTransport transport;
  private final ApiErrors errors;
  private final RetryPolicy policy;
  private final ClientStats stats;

  RetryingCaller(HttpTransport transport, ApiErrors errors, RetryPolicy policy, ClientStats stats) {
    this.transport = transport;
    this.errors = errors;
    this.policy = policy;
    this.stats = stats;
  }

  /** Runs a call that is safe to repeat; the response is closed once read. */
  <T> T call(Operation op, Supplier<ClassicHttpRequest> request, ResponseReader<T> reader) {
    return run(op, request, reader, null, false);
  }

  /**
   * Runs a call that is not safe to repeat: before each retry after a failure that leaves its
   * outcome unknown, {@code lookup} looks for what the lost attempt did, and a non-null find ends
   * the call with it.
   */
  <T> T call(
      Operation op,
      Supplier<ClassicHttpRequest> request,
      ResponseReader<T> reader,
      LostAttemptLookup<T> lookup) {
    return run(op, request, reader, Objects.requireNonNull(lookup, "lookup"), false);
  }

  /**
   * Runs a call whose successful response stays open: the reader's result owns it (a streamed
   * download, say), and whoever holds that closes it.
   */
  <T> T open(Operation op, Supplier<ClassicHttpRequest> request, ResponseReader<T> reader) {
    return run(op, request, reader, null, true);
  }

  private <T> T run(
      Operation op,
      Supplier<ClassicHttpRequest> request,
      ResponseReader<T> reader,
      LostAttemptLookup<T> lookup,
      boolean keepOpen) {
    if (!op.safeToRepeat() && lookup == null) {
      throw new IllegalArgumentException(op.label() + " is not safe to repeat: give a lookup");
    }
    long start = System.nanoTime();
    for (int attempt = 1; ; attempt++) {
      TogetherApiException failure;
      long serverDelay = -1;
      ClassicHttpResponse response = null;
      long t0 = System.nanoTime();
      try {
        response = transport.send(op.target(), request.get());
        int code = response.getCode();
        if (LOG.isDebugEnabled()) {
          LOG.debug(
              "{} -> HTTP {} in {} ms (attempt {})",
              op.label(),
              code,
              TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
              attempt);
        }
        if (code < 400) {
          T result = reader.read(response);
          if (!keepOpen) {
            // The call succeeded: a failure to release the connection must not turn into a retry.
            HttpTransport.closeQuietly(response);
          }
          return result;
        }
        failure = errors.fromResponse(op, response);
        serverDelay = RetryPolicy.serverDelayMillis(response);
        HttpTransport.closeQuietly(response);
      } catch (TogetherApiException e) {
        HttpTransport.closeQuietly(response);
        throw e;
      } catch (IOException e) {
        HttpTransport.closeQuietly(response);
        failure = errors.noResponse(op, e);
      } catch (RuntimeException e) {
        HttpTransport.closeQuietly(response);
        throw e;
      }
      long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      if (!failure.isRetryable()) {
        throw failure;
      }
      if (attempt >= policy.maxAttempts()) {
        throw ApiErrors.gaveUp(failure, attempt, elapsed);
      }
      long delay = policy.delayMillis(attempt, serverDelay);
      if (elapsed + delay > policy.deadline().toMillis()) {
        throw ApiErrors.gaveUp(failure, attempt, elapsed);
      }
      LOG.info(
          "{} failed ({}); retry {}/{} in {} ms",
          op.label(),
          shortReason(failure),
          attempt,
          policy.maxAttempts() - 1,
          delay);
      sleep(delay, op);
      stats.retry();
      if (!op.safeToRepeat() && outcomeUnknown(failure)) {
        T found = lookup.find();
        if (found != null) {
          return found;
        }
      }
    }
  }

  /**
   * Whether the failed attempt may still have been carried out: no response arrived, the server
   * failed (5xx) or timed out (408) while handling it.
   */
  private static boolean outcomeUnknown(TogetherApiException failure) {
    return failure.statusCode() == 0 || failure.statusCode() >= 500 || failure.statusCode() == 408;
  }

  private static String shortReason(TogetherApiException e) {
    return e.statusCode() == 0 ? "no response: " + e.getCause() : "HTTP " + e.statusCode();
  }

  private static void sleep(long millis, Operation op) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiErrors.permanent(op.label() + " was interrupted while waiting to retry", op)
          .cause(e)
          .build();
    }
  }
}
