package io.github.sparktogetherbatch.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparktogetherbatch.exceptions.TogetherApiException;
import java.io.IOException;
import java.io.InputStream;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLException;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.MessageHeaders;
import org.apache.hc.core5.http.io.EofSensorInputStream;

/**
 * Turns an HTTP error answer or a failure without an answer into a {@link TogetherApiException}
 * whose message says what failed and what to check, with Together's error code and request id.
 * Bounds what it reads and keeps of an error body, and removes the API key from anything shown.
 */
final class ApiErrors {
  /** Longest response body kept in an exception. */
  static final int MAX_ERROR_BODY_CHARS = 2048;

  /** At most this much of an error body is read from the wire. */
  private static final int MAX_ERROR_BODY_READ = 64 * 1024;

  private final String apiKey;

  ApiErrors(String apiKey) {
    this.apiKey = apiKey;
  }

  /** The exception for a request that got no response (timeout, reset, DNS, TLS). */
  TogetherApiException noResponse(Operation op, IOException e) {
    String hint =
        e instanceof UnknownHostException
            ? " The host name does not resolve: check the option 'baseUrl'."
            : e instanceof SSLException
                ? " TLS failed: check the option 'baseUrl' and the JVM's trust store."
                : "";
    return TogetherApiException.builder(
            op.label()
                + " failed without a response: "
                + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + redact(e.getMessage()))
                + "."
                + hint,
            op.label())
        .retryable(RetryPolicy.isRetryable(e))
        .cause(e)
        .build();
  }

  /**
   * The exception for an HTTP error answer, reading at most a bounded part of its body. Reads both
   * of Together's error envelopes ({@code {"error": {"message", "code", "type"}}} and {@code
   * {"error": "..."}}), a bare {@code {"message": ...}}, and plain text.
   */
  TogetherApiException fromResponse(Operation op, ClassicHttpResponse response) {
    int code = response.getCode();
    String body = readErrorBody(response);
    String message = null;
    String errorCode = null;
    boolean checksumDuplicate = false;
    if (body != null && !body.isEmpty()) {
      try {
        JsonNode n = JsonBodies.MAPPER.readTree(body);
        if (n != null && n.isObject()) {
          JsonNode err = n.get("error");
          if (err != null && err.isObject()) {
            message = TogetherObjects.textOrNull(err.get("message"));
            errorCode = TogetherObjects.textOrNull(err.get("code"));
            if (errorCode == null) {
              errorCode = TogetherObjects.textOrNull(err.get("type"));
            }
          } else if (err != null && err.isTextual()) {
            message = err.asText();
          } else if (n.hasNonNull("message")) {
            message = n.get("message").asText();
          }
          // A 409 naming the file that already has these bytes: repeating will not change it.
          checksumDuplicate = n.hasNonNull("file_id");
        }
      } catch (IOException | RuntimeException notJson) {
        message = null;
      }
      if (message == null) {
        message = body.strip();
      }
    }
    String shown =
        message == null || message.isEmpty() ? "" : ": " + redact(truncate(oneLine(message), 500));
    String text =
        op.label()
            + " failed with HTTP "
            + code
            + (errorCode == null ? "" : " (" + redact(errorCode) + ")")
            + shown
            + "."
            + advice(code);
    String rid = requestId(response);
    if (rid != null) {
      text += " Request id: " + rid + ".";
    }
    return TogetherApiException.builder(text, op.label())
        .statusCode(code)
        .retryable(RetryPolicy.isRetryable(code, checksumDuplicate, response))
        .requestId(rid)
        .errorCode(errorCode)
        .responseBody(body == null ? null : redact(truncate(body)))
        .build();
  }

  /** The last failure of a call that ran out of attempts or time, saying so. */
  static TogetherApiException gaveUp(TogetherApiException last, int attempts, long elapsedMillis) {
    return TogetherApiException.builder(
            last.getMessage()
                + " (gave up after "
                + attempts
                + (attempts == 1 ? " attempt" : " attempts")
                + " in "
                + elapsedMillis
                + " ms; retries are "
                + "set by the options maxRetries and retryTimeout)",
            last.operation())
        .statusCode(last.statusCode())
        .retryable(true)
        .requestId(last.requestId())
        .errorCode(last.errorCode())
        .responseBody(last.responseBody())
        .cause(last.getCause())
        .build();
  }

  /**
   * A failure no retry can cure: an answer that is not what the protocol promises (a missing
   * redirect, a body that is not JSON, an object without an id) or an id or URL the client refuses
   * to use. Not retryable; no status unless the caller sets one.
   */
  static TogetherApiException.Builder permanent(String message, Operation op) {
    return TogetherApiException.builder(message, op.label());
  }

  private static String advice(int code) {
    switch (code) {
      case 400:
        return " The request was rejected as invalid; check the batch input (custom_id, body) and "
            + "the options model and endpoint.";
      case 401:
        return " The API key was not accepted: check TOGETHER_API_KEY or the option 'apiKey'.";
      case 402:
        return " Together requires payment: check the account's billing and credits.";
      case 403:
        return " Access was refused: check that the API key may use this model and resource.";
      case 404:
        return " Not found: check the file or batch id, and that 'baseUrl' and the API key belong "
            + "to the account that created it.";
      case 429:
        return " Rate limited by Together.";
      default:
        return code >= 500 ? " Together had a server error." : "";
    }
  }

  private static String readErrorBody(ClassicHttpResponse response) {
    HttpEntity entity = response.getEntity();
    if (entity == null) {
      return null;
    }
    try {
      InputStream in = entity.getContent();
      if (in == null) {
        return null;
      }
      byte[] buf = in.readNBytes(MAX_ERROR_BODY_READ);
      if (buf.length == MAX_ERROR_BODY_READ && in instanceof EofSensorInputStream) {
        // A huge error body: drop the connection rather than read the rest.
        ((EofSensorInputStream) in).abort();
      }
      return new String(buf, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
  }

  /** Together's request id header, shortened, or null. */
  static String requestId(MessageHeaders response) {
    for (String name : new String[] {"x-request-id", "x-together-request-id", "request-id"}) {
      Header h = response.getFirstHeader(name);
      if (h != null && !h.getValue().isBlank()) {
        return truncate(h.getValue().trim(), 128);
      }
    }
    return null;
  }

  /** Removes the API key from any text that may be shown (a server echoing it, say). */
  String redact(String s) {
    if (s == null) {
      return null;
    }
    return apiKey != null && apiKey.length() >= 4 ? s.replace(apiKey, "<hidden>") : s;
  }

  static String truncate(String s) {
    return truncate(s, MAX_ERROR_BODY_CHARS);
  }

  static String truncate(String s, int max) {
    if (s == null || s.length() <= max) {
      return s;
    }
    return s.substring(0, max) + "... (" + (s.length() - max) + " more characters)";
  }

  private static String oneLine(String s) {
    return s.replace('\n', ' ').replace('\r', ' ');
  }
}
