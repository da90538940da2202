package io.github.sparktogetherbatch.emulator.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparktogetherbatch.emulator.api.RouteTable.Family;
import io.github.sparktogetherbatch.emulator.http.HttpResponse;
import io.github.sparktogetherbatch.emulator.json.Json;
import java.util.Locale;

/**
 * Error answers in the shapes Together uses. The Files routes (and the completion routes and
 * unknown {@code /v1} paths) answer {@code {"error": {"message", "type", "param", "code"}}}; every
 * {@code /batches} route answers {@code {"error": "<message>"}}; the signed upload URL, a storage
 * service, answers S3-style XML; paths outside the API answer plain text.
 */
public final class ErrorEnvelopes {
  private ErrorEnvelopes() {}

  /** An error in the envelope of the route's family; a null code picks the status's usual one. */
  public static HttpResponse of(Family family, int status, String message, String code) {
    switch (family) {
      case BATCHES:
        return batches(status, message);
      case STORAGE:
        return storage(status, code != null ? code : storageCode(status), message);
      default:
        return files(status, message, null, code != null ? code : defaultCode(status));
    }
  }

  /** The Files envelope, with the {@code type} that goes with the status. */
  public static HttpResponse files(int status, String message, String param, String code) {
    return HttpResponse.json(status, filesBody(message, errorType(status), param, code));
  }

  /** The body {@code {"error": {"message", "type", "param", "code"}}}; null param or code stay. */
  public static ObjectNode filesBody(String message, String type, String param, String code) {
    ObjectNode root = Json.object();
    ObjectNode e = root.putObject("error");
    e.put("message", message);
    e.put("type", type);
    if (param == null) {
      e.putNull("param");
    } else {
      e.put("param", param);
    }
    if (code == null) {
      e.putNull("code");
    } else {
      e.put("code", code);
    }
    return root;
  }

  /** The batches envelope {@code {"error": "<message>"}}. */
  public static HttpResponse batches(int status, String message) {
    ObjectNode root = Json.object();
    root.put("error", message);
    return HttpResponse.json(status, root);
  }

  /** An S3-style XML error, {@code <Error><Code>...</Code><Message>...</Message>...}. */
  public static HttpResponse storage(int status, String code, String message) {
    String xml =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>"
            + code
            + "</Code><Message>"
            + message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            + "</Message><RequestId>"
            + Long.toHexString(System.nanoTime()).toUpperCase(Locale.ROOT)
            + "</RequestId></Error>";
    return HttpResponse.text(status, "application/xml", xml);
  }

  /**
   * The message of a fault's answer: Together's wording for a rate limit (429) and an overloaded
   * model (503), else {@code Emulated fault: HTTP <status>}.
   */
  public static String faultMessage(int status) {
    switch (status) {
      case 429:
        return "You have been rate limited. Please slow down your requests and try again later.";
      case 503:
        return "The server is overloaded or not ready yet. Please try again later.";
      default:
        return "Emulated fault: HTTP " + status;
    }
  }

  /** A plain-text error. */
  public static HttpResponse plainText(int status, String message) {
    return HttpResponse.text(status, "text/plain; charset=utf-8", message);
  }

  private static String storageCode(int status) {
    if (status == 404) {
      return "NoSuchKey";
    }
    if (status >= 500) {
      return "InternalError";
    }
    return status == 429 || status == 503 ? "SlowDown" : "InvalidRequest";
  }

  private static String errorType(int status) {
    if (status == 429) {
      return "dynamic_request_limited";
    }
    if (status >= 500) {
      return "server_error";
    }
    if (status == 402) {
      return "credit_limit";
    }
    return "invalid_request_error";
  }

  private static String defaultCode(int status) {
    switch (status) {
      case 401:
        return "invalid_api_key";
      case 404:
        return "not_found";
      case 409:
        return "conflict";
      case 429:
        return "rate_limit_exceeded";
      case 503:
        return "service_unavailable";
      default:
        return null;
    }
  }
}
