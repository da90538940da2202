package io.github.sparktogetherbatch.emulator.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Streaming multipart/form-data reader: parts are read one after another, each part's content as an
 * InputStream that ends at the next boundary. Nothing is held in memory beyond a buffer.
 */
public final class MultipartReader {
  private static final int BUFFER = 128 * 1024;

  private final InputStream in;
  private final byte[] delimiter; // CRLF "--" boundary
  private final byte[] buf;
  private int pos;
  private int lim;
  private boolean eof;
  private boolean finished;
  private PartStream current;

  /** One part: its headers (lower-case names) and its content stream. */
  public static final class Part {
    final Map<String, String> headers;
    public final String name;
    public final String filename;
    public final InputStream content;

    Part(Map<String, String> headers, InputStream content) {
      this.headers = headers;
      this.content = content;
      String cd = headers.getOrDefault("content-disposition", "");
      this.name = param(cd, "name");
      this.filename = param(cd, "filename");
    }

    /** Reads the part as UTF-8 text, failing beyond max bytes. */
    public String text(int max) throws IOException {
      byte[] data = content.readNBytes(max + 1);
      if (data.length > max) {
        throw new HttpRequest.BadRequest(413, "Form field too large: " + name);
      }
      return new String(data, StandardCharsets.UTF_8);
    }
  }

  /** Reads parts from a body delimited by this boundary. */
  public MultipartReader(InputStream in, String boundary) {
    this.in = in;
    this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    this.buf = new byte[BUFFER + delimiter.length];
    // The body starts with "--boundary" (no CRLF); prepend one so every delimiter looks alike.
    buf[0] = '\r';
    buf[1] = '\n';
    lim = 2;
  }

  /** Extracts the boundary parameter of a multipart Content-Type, or null. */
  public static String boundary(String contentType) {
    if (contentType == null) {
      return null;
    }
    String b = param(contentType, "boundary");
    return b == null || b.isEmpty() || b.length() > 200 ? null : b;
  }

  /** A parameter of a header value such as {@code form-data; name="x"}; null if absent. */
  static String param(String headerValue, String name) {
    int i = 0;
    String lower = headerValue.toLowerCase(Locale.ROOT);
    while (true) {
      int semi = headerValue.indexOf(';', i);
      if (semi < 0) {
        return null;
      }
      int start = semi + 1;
      while (start < headerValue.length() && headerValue.charAt(start) == ' ') {
        start++;
      }
      if (lower.startsWith(name + "=", start)) {
        int v = start + name.length() + 1;
        if (v < headerValue.length() && headerValue.charAt(v) == '"') {
          StringBuilder sb = new StringBuilder();
          for (int j = v + 1; j < headerValue.length(); j++) {
            char c = headerValue.charAt(j);
            if (c == '\\' && j + 1 < headerValue.length()) {
              sb.append(headerValue.charAt(++j));
            } else if (c == '"') {
              break;
            } else {
              sb.append(c);
            }
          }
          return sb.toString();
        }
        int end = headerValue.indexOf(';', v);
        return (end < 0 ? headerValue.substring(v) : headerValue.substring(v, end)).trim();
      }
      i = start;
    }
  }

  /**
   * The next part, or null after the closing boundary. Unread content of the previous part is
   * skipped.
   */
  public Part next() throws IOException {
    if (finished) {
      return null;
    }
    if (current == null) {
      // skip the preamble
      new PartStream().transferTo(OutputStreamNull.INSTANCE);
    } else {
      current.transferTo(OutputStreamNull.INSTANCE);
    }
    // positioned at a delimiter
    ensure(delimiter.length + 2);
    if (lim - pos < delimiter.length + 2) {
      throw malformed();
    }
    pos += delimiter.length;
    if (buf[pos] == '-' && buf[pos + 1] == '-') {
      finished = true;
      // drain the epilogue
      pos = lim;
      byte[] skip = new byte[8192];
      while (in.read(skip) >= 0) {
        // discard
      }
      return null;
    }
    // transport padding, then CRLF
    String rest = readLine();
    if (!rest.trim().isEmpty()) {
      throw malformed();
    }
    Map<String, String> headers = new LinkedHashMap<>();
    int total = 0;
    while (true) {
      String line = readLine();
      if (line.isEmpty()) {
        break;
      }
      total += line.length();
      if (total > HttpRequest.MAX_HEADER_BYTES) {
        throw malformed();
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw malformed();
      }
      headers.put(
          line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim());
    }
    current = new PartStream();
    return new Part(headers, current);
  }

  private static HttpRequest.BadRequest malformed() {
    return new HttpRequest.BadRequest(400, "Malformed multipart body");
  }

  private String readLine() throws IOException {
    StringBuilder sb = new StringBuilder();
    while (true) {
      ensure(1);
      if (pos >= lim) {
        throw malformed();
      }
      byte b = buf[pos++];
      if (b == '\n') {
        int n = sb.length();
        if (n > 0 && sb.charAt(n - 1) == '\r') {
          sb.setLength(n - 1);
        }
        return sb.toString();
      }
      if (sb.length() > HttpRequest.MAX_LINE) {
        throw malformed();
      }
      sb.append((char) (b & 0xff));
    }
  }

  /** Tries to have at least n unread bytes buffered (fewer only at end of stream). */
  private void ensure(int n) throws IOException {
    if (lim - pos >= n || eof) {
      return;
    }
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, lim - pos);
      lim -= pos;
      pos = 0;
    }
    while (lim - pos < n && !eof) {
      int r = in.read(buf, lim, buf.length - lim);
      if (r < 0) {
        eof = true;
      } else {
        lim += r;
      }
    }
  }

  private int indexOfDelimiter() {
    byte first = delimiter[0];
    int last = lim - delimiter.length;
    outer:
    for (int i = pos; i <= last; i++) {
      if (buf[i] != first) {
        continue;
      }
      for (int j = 1; j < delimiter.length; j++) {
        if (buf[i + j] != delimiter[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Content of one part: ends right before the next delimiter. */
  private final class PartStream extends InputStream {
    private boolean ended;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (ended) {
        return -1;
      }
      if (len == 0) {
        return 0;
      }
      while (true) {
        ensure(delimiter.length);
        int idx = indexOfDelimiter();
        int safe;
        if (idx >= 0) {
          safe = idx - pos;
          if (safe == 0) {
            ended = true;
            return -1;
          }
        } else if (eof) {
          throw malformed();
        } else {
          safe = lim - pos - (delimiter.length - 1);
        }
        if (safe > 0) {
          int n = Math.min(len, safe);
          System.arraycopy(buf, pos, b, off, n);
          pos += n;
          return n;
        }
        // not enough buffered to rule out a delimiter: read more
        int before = lim - pos;
        ensure(before + 1);
        if (lim - pos == before && eof) {
          throw malformed();
        }
      }
    }
  }

  /** Discards everything. */
  private static final class OutputStreamNull extends java.io.OutputStream {
    static final OutputStreamNull INSTANCE = new OutputStreamNull();

    @Override
    public void write(int b) {
      // discard
    }

    @Override
    public void write(byte[] b, int off, int len) {
      // discard
    }
  }
}
