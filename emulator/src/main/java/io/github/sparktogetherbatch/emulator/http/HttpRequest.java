package io.github.sparktogetherbatch.emulator.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One parsed HTTP/1.x request: request line, headers and a streaming body. */
public final class HttpRequest {
  static final int MAX_LINE = 16 * 1024;
  static final int MAX_HEADER_BYTES = 64 * 1024;

  public final String method;
  final String target;
  public final String rawPath;
  public final String rawQuery;
  final String version;
  private final Map<String, List<String>> headers;

  /** Declared Content-Length, or -1 when absent (or when the body is chunked). */
  public final long contentLength;

  public final boolean chunked;
  final boolean expectContinue;
  final boolean keepAliveRequested;
  RequestBody body;

  private HttpRequest(
      String method,
      String target,
      String version,
      Map<String, List<String>> headers,
      long contentLength,
      boolean chunked) {
    this.method = method;
    this.target = target;
    this.version = version;
    this.headers = headers;
    String t = target;
    if (t.regionMatches(true, 0, "http://", 0, 7) || t.regionMatches(true, 0, "https://", 0, 8)) {
      // absolute-form (RFC 9112 section 3.2.2): keep path and query
      int slash = t.indexOf('/', t.indexOf("//") + 2);
      t = slash < 0 ? "/" : t.substring(slash);
    }
    int q = t.indexOf('?');
    this.rawPath = q < 0 ? t : t.substring(0, q);
    this.rawQuery = q < 0 ? null : t.substring(q + 1);
    this.contentLength = contentLength;
    this.chunked = chunked;
    String expect = header("expect");
    this.expectContinue =
        expect != null
            && expect.trim().equalsIgnoreCase("100-continue")
            && !version.equals("HTTP/1.0");
    String connection = header("connection");
    String conn = connection == null ? "" : connection.toLowerCase(Locale.ROOT);
    if (version.equals("HTTP/1.0")) {
      this.keepAliveRequested = conn.contains("keep-alive");
    } else {
      this.keepAliveRequested = !conn.contains("close");
    }
  }

  /** First value of a header (name case-insensitive), or null. */
  public String header(String name) {
    List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** Every value of a header (name case-insensitive), in the order received. */
  public List<String> headers(String name) {
    List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
    return v == null ? Collections.emptyList() : v;
  }

  /** Every header, names in lower case, in the order received. */
  public Map<String, List<String>> headerMap() {
    return Collections.unmodifiableMap(headers);
  }

  /** Whether the request has a header of that name (case-insensitive). */
  public boolean hasHeader(String name) {
    return headers.containsKey(name.toLowerCase(Locale.ROOT));
  }

  /** The media type of Content-Type, lower case, without parameters; "" if absent. */
  public String mediaType() {
    String ct = header("content-type");
    if (ct == null) {
      return "";
    }
    int semi = ct.indexOf(';');
    return (semi < 0 ? ct : ct.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  /** The body as it arrives: reading it first sends {@code 100 Continue} if the client waits. */
  public InputStream body() {
    return body;
  }

  /** Thrown for requests that cannot be parsed; answered with the given status. */
  public static final class BadRequest extends IOException {
    private static final long serialVersionUID = 1L;
    final int status;

    /** A request answered with this status and message. */
    public BadRequest(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  /**
   * Reads a request head. Returns null on a clean end of stream before the first byte (the client
   * closed an idle keep-alive connection).
   */
  static HttpRequest readHead(InputStream in) throws IOException {
    String line;
    // tolerate empty lines before a request line (RFC 9112 section 2.2)
    int skipped = 0;
    do {
      line = readLine(in, MAX_LINE, skipped == 0);
      if (line == null) {
        return null;
      }
      skipped++;
    } while (line.isEmpty() && skipped < 4);
    String[] parts = line.split(" ", -1);
    if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new BadRequest(400, "Malformed request line");
    }
    String version = parts[2];
    if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
      throw new BadRequest(505, "HTTP version not supported");
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    int total = 0;
    while (true) {
      String h = readLine(in, MAX_LINE, false);
      if (h == null) {
        throw new BadRequest(400, "Unexpected end of request headers");
      }
      if (h.isEmpty()) {
        break;
      }
      total += h.length();
      if (total > MAX_HEADER_BYTES) {
        throw new BadRequest(431, "Request header fields too large");
      }
      int colon = h.indexOf(':');
      if (colon <= 0 || h.charAt(0) == ' ' || h.charAt(0) == '\t') {
        throw new BadRequest(400, "Malformed header line");
      }
      String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).trim();
      headers.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
    }
    boolean chunked = false;
    List<String> te = headers.get("transfer-encoding");
    if (te != null) {
      String last = String.join(",", te).toLowerCase(Locale.ROOT).trim();
      if (!last.endsWith("chunked")) {
        throw new BadRequest(501, "Unsupported Transfer-Encoding");
      }
      chunked = true;
    }
    long contentLength = -1;
    List<String> cl = headers.get("content-length");
    if (cl != null && !chunked) {
      String first = null;
      for (String v : cl) {
        for (String piece : v.split(",")) {
          String p = piece.trim();
          if (first != null && !first.equals(p)) {
            throw new BadRequest(400, "Conflicting Content-Length");
          }
          first = p;
        }
      }
      try {
        contentLength = Long.parseLong(first);
      } catch (NumberFormatException e) {
        throw new BadRequest(400, "Invalid Content-Length");
      }
      if (contentLength < 0) {
        throw new BadRequest(400, "Invalid Content-Length");
      }
    }
    return new HttpRequest(parts[0], parts[1], version, headers, contentLength, chunked);
  }

  /** Reads a CRLF (or LF) terminated ISO-8859-1 line; null on EOF when eofOk and nothing read. */
  static String readLine(InputStream in, int max, boolean eofOk) throws IOException {
    byte[] buf = new byte[128];
    int n = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (n == 0 && eofOk) {
          return null;
        }
        throw new BadRequest(400, "Unexpected end of stream");
      }
      if (b == '\n') {
        if (n > 0 && buf[n - 1] == '\r') {
          n--;
        }
        return new String(buf, 0, n, StandardCharsets.ISO_8859_1);
      }
      if (n == buf.length) {
        if (n >= max) {
          throw new BadRequest(431, "Line too long");
        }
        buf = java.util.Arrays.copyOf(buf, Math.min(max + 1, n * 2));
      }
      buf[n++] = (byte) b;
    }
  }
}
