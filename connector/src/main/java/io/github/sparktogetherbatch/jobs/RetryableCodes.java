package io.github.sparktogetherbatch.jobs;

import java.util.List;

/**
 * The error codes of a {@code failed} request that a resubmission retries by default: a transient
 * cause at Together (rate limit, server error, timeout) or an answer that did not fit the requested
 * JSON schema. Requests whose latest outcome is {@code missing} (their batch expired, was cancelled
 * or gave no result) are always retried.
 */
public final class RetryableCodes {
  private RetryableCodes() {}

  /** The default codes. */
  public static final List<String> DEFAULT =
      List.of(
          // rate limits
          "rate_limit",
          "rate_limit_exceeded",
          "rate_limited",
          "too_many_requests",
          "http_429",
          // server errors
          "server_error",
          "internal_error",
          "internal_server_error",
          "service_unavailable",
          "overloaded",
          "http_500",
          "http_502",
          "http_503",
          "http_504",
          // timeouts
          "timeout",
          "request_timeout",
          "http_408",
          // batch ends that leave a request without its answer
          "batch_expired",
          "batch_cancelled",
          // structured output that did not fit
          "invalid_response_format");
}
