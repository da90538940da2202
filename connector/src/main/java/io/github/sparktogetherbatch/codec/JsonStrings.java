package io.github.sparktogetherbatch.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Escapes UTF-8 text into the inside of a JSON string exactly as Jackson's {@code
 * UTF8JsonGenerator.writeUTF8String} does with default settings (a test compares the two on every
 * byte value): {@code "} and {@code \} get a backslash, the control characters {@code \b \t \n \f
 * \r} their short escapes and the other bytes below 0x20 {@code \}{@code u00XX} (upper-case hex);
 * every other byte, non-ASCII included, is copied as it is. Unlike Jackson, which scans a value
 * once and then copies it byte by byte when it holds anything to escape, this looks at eight bytes
 * at a time and copies the runs between escapes in bulk: escaping prompts was a third of the
 * writer's CPU time.
 */
final class JsonStrings {
  static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final byte[] HEX =
      "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** For each ASCII byte: 0 when copied as it is, else the character after the backslash. */
  private static final byte[] ESCAPE = new byte[128];

  static {
    for (int i = 0; i < 0x20; i++) {
      ESCAPE[i] = 'u';
    }
    ESCAPE['\b'] = 'b';
    ESCAPE['\t'] = 't';
    ESCAPE['\n'] = 'n';
    ESCAPE['\f'] = 'f';
    ESCAPE['\r'] = 'r';
    ESCAPE['"'] = '"';
    ESCAPE['\\'] = '\\';
  }

  private JsonStrings() {}

  /** Appends {@code s[off, off + len)} escaped to {@code out} (no quotes added). */
  static void escapeUtf8(byte[] s, int off, int len, BodyBuffer out) {
    int end = off + len;
    int run = off; // start of the bytes not yet copied
    int i = off;
    while (i < end) {
      // Skip eight clean bytes at a time.
      while (i + 8 <= end && !needsEscape((long) LONGS.get(s, i))) {
        i += 8;
      }
      int stop = Math.min(end, i + 8);
      for (; i < stop; i++) {
        int b = s[i];
        if (b >= 0 && ESCAPE[b] != 0) {
          out.write(s, run, i - run);
          writeEscape(b, out);
          run = i + 1;
        }
      }
    }
    out.write(s, run, end - run);
  }

  /** Whether a word holds a byte below 0x20, a quote or a backslash (bytes of 0x80+ never). */
  private static boolean needsEscape(long w) {
    long control = (w - 0x20 * ONES) & ~w & HIGHS;
    long quote = w ^ 0x22 * ONES;
    long backslash = w ^ 0x5C * ONES;
    return (control | ((quote - ONES) & ~quote & HIGHS) | ((backslash - ONES) & ~backslash & HIGHS))
        != 0;
  }

  private static void writeEscape(int b, BodyBuffer out) {
    byte e = ESCAPE[b];
    if (e == 'u') {
      out.write('\\');
      out.write('u');
      out.write('0');
      out.write('0');
      out.write(HEX[b >> 4]);
      out.write(HEX[b & 0xf]);
    } else {
      out.write('\\');
      out.write(e);
    }
  }
}
