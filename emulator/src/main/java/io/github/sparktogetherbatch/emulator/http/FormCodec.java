package io.github.sparktogetherbatch.emulator.http;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Percent-decoding of path segments and form/query strings. */
public final class FormCodec {
  private FormCodec() {}

  /** Decodes application/x-www-form-urlencoded text into a map (first value wins). */
  public static Map<String, String> parseForm(String text) throws HttpRequest.BadRequest {
    Map<String, String> out = new LinkedHashMap<>();
    if (text == null || text.isEmpty()) {
      return out;
    }
    for (String pair : text.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = decode(eq < 0 ? pair : pair.substring(0, eq), true);
      String v = eq < 0 ? "" : decode(pair.substring(eq + 1), true);
      out.putIfAbsent(k, v);
    }
    return out;
  }

  /** Splits a raw path into percent-decoded segments (decoded once; '+' kept). */
  public static List<String> segments(String rawPath) throws HttpRequest.BadRequest {
    if (!rawPath.startsWith("/")) {
      throw new HttpRequest.BadRequest(400, "Request target must be an absolute path");
    }
    List<String> out = new ArrayList<>();
    String[] parts = rawPath.substring(1).split("/", -1);
    for (String p : parts) {
      out.add(decode(p, false));
    }
    return out;
  }

  static String decode(String s, boolean plusIsSpace) throws HttpRequest.BadRequest {
    if (s.indexOf('%') < 0 && (!plusIsSpace || s.indexOf('+') < 0)) {
      return s;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw new HttpRequest.BadRequest(400, "Malformed percent-encoding");
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new HttpRequest.BadRequest(400, "Malformed percent-encoding");
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else if (c == '+' && plusIsSpace) {
        bytes.write(' ');
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
          b = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
          i++;
        }
        bytes.write(b, 0, b.length);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** Percent-encodes a query parameter value (a space as {@code %20}). */
  public static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
