package io.github.sparktogetherbatch.codec;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * What a request's {@code custom_id} is on the wire: its JSON string literal, its 64-bit hash (the
 * digest the write's duplicate checks compare), and the id derived for a row when there is no id
 * column.
 *
 * <p><b>Derived ids.</b> {@code r-<partitionId>-<rowIndex>-<h>}: the Spark partition, the row's
 * 0-based position in it, and {@code h}, the first 8 hex digits of the {@link #hash64} of the
 * request body's JSON bytes. At most 2+10+1+19+1+8 = 41 characters. Unique within a write by
 * construction (partition and position), and the same for the same input in the same order, so a
 * retried task produces the same ids; the hash part lets a result be matched against its request
 * text.
 */
public final class CustomIds {
  /** Together's limit on custom_id length, in characters. */
  public static final int MAX_ID_CHARS = 64;

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private CustomIds() {}

  /** {@code r-<partition>-<row>-<first 8 hex digits of the body hash>}. */
  static String derivedId(int partitionId, long rowIndex, long bodyHash) {
    char[] h = new char[8];
    for (int i = 0; i < 8; i++) {
      h[i] = HEX[(int) (bodyHash >>> (60 - 4 * i)) & 0xf];
    }
    return "r-" + partitionId + "-" + rowIndex + "-" + new String(h);
  }

  /** The digest of one custom_id: the {@link #hash64} of its JSON string literal's UTF-8 bytes. */
  public static long digest(String customId) {
    byte[] b = quoted(customId);
    return hash64(b, 0, b.length);
  }

  /** FNV-1a over the bytes, then MurmurHash3's 64-bit finalizer for avalanche. */
  public static long hash64(byte[] b, int off, int len) {
    long h = FNV_OFFSET;
    for (int i = off; i < off + len; i++) {
      h ^= b[i] & 0xff;
      h *= FNV_PRIME;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  /** JSON string literal (quotes included) of {@code s}, UTF-8. */
  public static byte[] quoted(String s) {
    int n = s.length();
    byte[] plain = new byte[n + 2];
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7f) {
        return quotedEscaped(s); // rare in ids: let Jackson escape and encode
      }
      plain[i + 1] = (byte) c;
    }
    plain[0] = '"';
    plain[n + 1] = '"';
    return plain;
  }

  private static byte[] quotedEscaped(String s) {
    byte[] body = JsonStringEncoder.getInstance().quoteAsUTF8(s);
    byte[] out = new byte[body.length + 2];
    out[0] = '"';
    System.arraycopy(body, 0, out, 1, body.length);
    out[out.length - 1] = '"';
    return out;
  }
}
