package io.github.sparktogetherbatch.codec;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The lines of a result file as byte ranges of one reusable buffer, for {@link
 * ResultDecoder#decode(byte[], int, int, DecodedResult)}: no UTF-8 decoding and no String per line
 * (a {@code BufferedReader} decoded every byte to a char and copied each line twice before Jackson
 * parsed it again). Lines end where {@link java.io.BufferedReader#readLine()} ends them: at {@code
 * \n}, {@code \r} or {@code \r\n}. The buffer grows to the longest line and holds nothing else, so
 * memory stays one line plus 64 KB. Not thread-safe.
 */
public final class ResultLines implements Closeable {
  private static final int INITIAL = 64 * 1024;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final InputStream in;
  private byte[] buf = new byte[INITIAL];

  /** Unread data is {@code buf[start, end)}. */
  private int start;

  private int end;
  private boolean eof;

  /** The previous line ended with {@code \r}: a {@code \n} right after it belongs to it. */
  private boolean skipLf;

  private int lineStart;
  private int lineLength;

  public ResultLines(InputStream in) {
    this.in = in;
  }

  /** Moves to the next line; false at the end of the stream. */
  public boolean next() throws IOException {
    if (skipLf) {
      if (start == end && !fill()) {
        return false;
      }
      if (buf[start] == '\n') {
        start++;
      }
      skipLf = false;
    }
    int scan = start;
    while (true) {
      int i = endOfLine(buf, scan, end);
      if (i < end) {
        lineStart = start;
        lineLength = i - start;
        start = i + 1;
        skipLf = buf[i] == '\r';
        return true;
      }
      scan = end - start; // relative: fill() moves the unread data to the front
      if (!fill()) {
        if (start < end) {
          lineStart = start;
          lineLength = end - start;
          start = end;
          return true;
        }
        return false;
      }
      scan += start;
    }
  }

  /**
   * The index of the first {@code \n} or {@code \r} in {@code b[from, to)}, or {@code to}. Looks at
   * eight bytes at a time (a word has such a byte when {@code word ^ 0x0A0A...} or {@code word ^
   * 0x0D0D...} has a zero byte): a byte-at-a-time loop was a sixth of the decoding time.
   */
  static int endOfLine(byte[] b, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long w = (long) LONGS.get(b, i);
      if (hasZeroByte(w ^ 0x0A0A0A0A0A0A0A0AL) || hasZeroByte(w ^ 0x0D0D0D0D0D0D0D0DL)) {
        break;
      }
    }
    for (; i < to; i++) {
      if (b[i] == '\n' || b[i] == '\r') {
        return i;
      }
    }
    return to;
  }

  private static boolean hasZeroByte(long v) {
    return ((v - 0x0101010101010101L) & ~v & 0x8080808080808080L) != 0;
  }

  /** Reads more bytes after the unread ones (moved to the front, the buffer grown if full). */
  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    if (start > 0) {
      System.arraycopy(buf, start, buf, 0, end - start);
      end -= start;
      start = 0;
    }
    if (end == buf.length) {
      byte[] bigger = new byte[buf.length * 2];
      System.arraycopy(buf, 0, bigger, 0, end);
      buf = bigger;
    }
    int n = in.read(buf, end, buf.length - end);
    while (n == 0) {
      n = in.read(buf, end, buf.length - end);
    }
    if (n < 0) {
      eof = true;
      return false;
    }
    end += n;
    return true;
  }

  /** The buffer holding the current line (valid until the next call of {@link #next}). */
  public byte[] bytes() {
    return buf;
  }

  public int offset() {
    return lineStart;
  }

  public int length() {
    return lineLength;
  }

  /** Whether the current line is empty or whitespace only, as {@link String#isBlank()} says. */
  public boolean isBlank() {
    for (int i = lineStart; i < lineStart + lineLength; i++) {
      int b = buf[i] & 0xff;
      if (b >= 0x80) {
        return asString().isBlank(); // non-ASCII: let Java decide (e.g. U+3000)
      }
      if (!Character.isWhitespace(b)) {
        return false;
      }
    }
    return true;
  }

  /** The current line decoded as a BufferedReader would (malformed UTF-8 replaced). */
  public String asString() {
    return new String(buf, lineStart, lineLength, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
