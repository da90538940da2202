package io.github.sparktogetherbatch.emulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparktogetherbatch.emulator.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A response to be written: status, headers, and a body from memory, a file region, or filler. */
public final class HttpResponse {
  private static final byte[] EMPTY = new byte[0];

  public final int status;
  final List<String[]> headers = new ArrayList<>();
  byte[] body = EMPTY;
  Path file;
  long fileOffset;
  long fileLength;
  long fillLength = -1;

  public HttpResponse(int status) {
    this.status = status;
  }

  public static HttpResponse json(int status, JsonNode node) {
    return bytes(status, "application/json", Json.bytes(node));
  }

  public static HttpResponse text(int status, String contentType, String text) {
    return bytes(status, contentType, text.getBytes(StandardCharsets.UTF_8));
  }

  public static HttpResponse bytes(int status, String contentType, byte[] body) {
    HttpResponse r = new HttpResponse(status);
    if (contentType != null) {
      r.header("Content-Type", contentType);
    }
    r.body = body;
    return r;
  }

  public static HttpResponse empty(int status) {
    return new HttpResponse(status);
  }

  /**
   * Makes the body {@code length} bytes of {@code file} from {@code offset}, streamed from disk.
   */
  public HttpResponse fileRegion(Path file, long offset, long length) {
    this.file = file;
    this.fileOffset = offset;
    this.fileLength = length;
    return this;
  }

  /** Makes the body {@code length} bytes of {@code 'x'}, generated while sending. */
  public HttpResponse filler(long length) {
    this.fillLength = length;
    return this;
  }

  /** Adds a header. */
  public HttpResponse header(String name, String value) {
    headers.add(new String[] {name, value});
    return this;
  }

  /** Replaces every header of that name (case-insensitive) with one value. */
  public HttpResponse setHeader(String name, String value) {
    headers.removeIf(h -> h[0].equalsIgnoreCase(name));
    return header(name, value);
  }

  /** The length of the body: the file region, the filler or the bytes. */
  public long bodyLength() {
    if (file != null) {
      return fileLength;
    }
    if (fillLength >= 0) {
      return fillLength;
    }
    return body.length;
  }

  static String reason(int status) {
    switch (status) {
      case 100:
        return "Continue";
      case 200:
        return "OK";
      case 201:
        return "Created";
      case 204:
        return "No Content";
      case 206:
        return "Partial Content";
      case 301:
        return "Moved Permanently";
      case 302:
        return "Found";
      case 303:
        return "See Other";
      case 307:
        return "Temporary Redirect";
      case 308:
        return "Permanent Redirect";
      case 400:
        return "Bad Request";
      case 401:
        return "Unauthorized";
      case 402:
        return "Payment Required";
      case 403:
        return "Forbidden";
      case 404:
        return "Not Found";
      case 405:
        return "Method Not Allowed";
      case 408:
        return "Request Timeout";
      case 409:
        return "Conflict";
      case 411:
        return "Length Required";
      case 413:
        return "Content Too Large";
      case 416:
        return "Range Not Satisfiable";
      case 422:
        return "Unprocessable Entity";
      case 429:
        return "Too Many Requests";
      case 431:
        return "Request Header Fields Too Large";
      case 500:
        return "Internal Server Error";
      case 501:
        return "Not Implemented";
      case 502:
        return "Bad Gateway";
      case 503:
        return "Service Unavailable";
      case 504:
        return "Gateway Timeout";
      case 505:
        return "HTTP Version Not Supported";
      default:
        return "Status " + status;
    }
  }
}
