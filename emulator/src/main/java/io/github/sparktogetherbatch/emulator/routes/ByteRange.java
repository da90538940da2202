package io.github.sparktogetherbatch.emulator.routes;

/** The single byte range of a {@code Range} header, as file content answers it. */
final class ByteRange {
  private ByteRange() {}

  /**
   * Parses a single byte range. Returns {start, end} for a satisfiable range, an empty array to
   * ignore the header (malformed or multiple ranges), or null when unsatisfiable (416).
   */
  static long[] parse(String header, long len) {
    String h = header.trim();
    if (!h.regionMatches(true, 0, "bytes=", 0, 6) || h.indexOf(',') >= 0) {
      return new long[0];
    }
    String spec = h.substring(6).trim();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return new long[0];
    }
    try {
      String a = spec.substring(0, dash).trim();
      String b = spec.substring(dash + 1).trim();
      if (a.isEmpty()) {
        long suffix = Long.parseLong(b);
        if (suffix <= 0) {
          return null;
        }
        return new long[] {Math.max(0, len - suffix), len - 1};
      }
      long start = Long.parseLong(a);
      long end = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
      if (start < 0 || end < start) {
        return new long[0];
      }
      if (start >= len) {
        return null;
      }
      return new long[] {start, Math.min(end, len - 1)};
    } catch (NumberFormatException e) {
      return new long[0];
    }
  }
}
