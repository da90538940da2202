package io.github.sparktogetherbatch.emulator.fault;

import io.github.sparktogetherbatch.emulator.api.ErrorEnvelopes;
import io.github.sparktogetherbatch.emulator.api.RouteTable;
import io.github.sparktogetherbatch.emulator.http.Exchange;
import io.github.sparktogetherbatch.emulator.http.HttpRequest;
import io.github.sparktogetherbatch.emulator.http.HttpResponse;
import io.github.sparktogetherbatch.emulator.json.Json;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Serves a matched request through the first armed fault of its route: an answer without processing
 * ({@code status}), a short read ({@code truncate}), a TCP reset before or after processing ({@code
 * reset}), a pause ({@code delay}) or another {@code Location}; without a fault, the request is
 * served normally.
 */
public final class FaultInjector {
  /** Serves the request normally (authentication included) and returns the response to send. */
  @FunctionalInterface
  public interface Handler {
    HttpResponse handle() throws IOException;
  }

  private final FaultRegistry faults;

  /** An injector taking its faults from this registry. */
  public FaultInjector(FaultRegistry faults) {
    this.faults = faults;
  }

  /** Answers the exchange: through the fault armed for the route, if one applies, else normally. */
  public void serve(Exchange ex, RouteTable.Match m, Handler handler) throws IOException {
    Fault f = faults.take(m.template);
    if (f == null) {
      ex.send(handler.handle());
    } else {
      apply(ex, m, f, handler);
    }
  }

  private static void apply(Exchange ex, RouteTable.Match m, Fault f, Handler handler)
      throws IOException {
    HttpRequest req = ex.request;
    switch (f.action) {
      case "status":
        ex.send(faultResponse(m, f));
        return;
      case "delay":
        if ("response".equals(f.phase)) {
          HttpResponse r = handler.handle();
          sleep(f.millis);
          ex.send(r);
        } else {
          sleep(f.millis);
          ex.send(handler.handle());
        }
        return;
      case "reset":
        {
          boolean requestPhase =
              f.phase != null
                  ? f.phase.equals("request")
                  : m.template.equals(RouteTable.UPLOAD_PUT)
                      || m.template.equals(RouteTable.UPLOAD_MULTIPART);
          if (requestPhase) {
            long n =
                f.afterBytes >= 0
                    ? f.afterBytes
                    : req.contentLength > 0 ? req.contentLength / 2 : req.chunked ? 64 * 1024 : 0;
            ex.readThenReset(n);
            return;
          }
          HttpResponse r = handler.handle();
          ex.sendThenReset(r, f.afterBytes >= 0 ? f.afterBytes : r.bodyLength() / 2);
          return;
        }
      case "truncate":
        {
          HttpResponse r = handler.handle();
          ex.sendTruncated(r, f.afterBytes >= 0 ? f.afterBytes : r.bodyLength() / 2);
          return;
        }
      case "location":
        {
          HttpResponse r = handler.handle();
          if (r.status == 302) {
            r.setHeader("Location", f.location);
          }
          ex.send(r);
          return;
        }
      default:
        throw new IllegalStateException(f.action);
    }
  }

  private static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("emulator shutting down");
    }
  }

  /** The answer of a {@code status} fault: the route's envelope unless a body is given. */
  private static HttpResponse faultResponse(RouteTable.Match m, Fault f) {
    HttpResponse r;
    if (f.body != null) {
      String ct = f.contentType;
      if (ct == null) {
        ct =
            Json.parseOrNull(f.body.getBytes(StandardCharsets.UTF_8)) != null
                ? "application/json"
                : "text/plain; charset=utf-8";
      }
      r = HttpResponse.text(f.status, ct, f.body);
    } else if (f.bodySize >= 0) {
      r = new HttpResponse(f.status).filler(f.bodySize);
      r.header("Content-Type", f.contentType != null ? f.contentType : "text/plain; charset=utf-8");
    } else {
      r = ErrorEnvelopes.of(m.family(), f.status, ErrorEnvelopes.faultMessage(f.status), null);
      if (f.contentType != null) {
        r.setHeader("Content-Type", f.contentType);
      }
    }
    if (f.retryAfterSeconds != null) {
      r.header("Retry-After", Long.toString(f.retryAfterSeconds));
    }
    if (f.retryAfterMs != null) {
      r.header("retry-after-ms", Long.toString(f.retryAfterMs));
    }
    if (f.rateLimitResetSeconds != null) {
      r.header("x-ratelimit-reset", Long.toString(f.rateLimitResetSeconds));
    }
    for (Map.Entry<String, String> h : f.headers.entrySet()) {
      r.setHeader(h.getKey(), h.getValue());
    }
    return r;
  }
}
