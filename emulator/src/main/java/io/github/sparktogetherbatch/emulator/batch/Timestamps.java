package io.github.sparktogetherbatch.emulator.batch;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * RFC 3339 timestamps as Together's batch API writes them: UTC, {@code Z}, and a fraction of at
 * most six digits with trailing zeros trimmed (no fraction at all on a whole second), e.g. {@code
 * 2025-06-11T06:11:22.75235Z}.
 */
final class Timestamps {
  private Timestamps() {}

  static Instant nowMicros() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  static String rfc3339(Instant instant) {
    Instant t = instant.truncatedTo(ChronoUnit.MICROS);
    LocalDateTime d = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
    StringBuilder sb = new StringBuilder(32);
    pad(sb, d.getYear(), 4).append('-');
    pad(sb, d.getMonthValue(), 2).append('-');
    pad(sb, d.getDayOfMonth(), 2).append('T');
    pad(sb, d.getHour(), 2).append(':');
    pad(sb, d.getMinute(), 2).append(':');
    pad(sb, d.getSecond(), 2);
    int micros = t.getNano() / 1000;
    if (micros != 0) {
      StringBuilder frac = new StringBuilder(6);
      pad(frac, micros, 6);
      int len = 6;
      while (frac.charAt(len - 1) == '0') {
        len--;
      }
      sb.append('.').append(frac, 0, len);
    }
    return sb.append('Z').toString();
  }

  private static StringBuilder pad(StringBuilder sb, int value, int width) {
    String s = Integer.toString(value);
    for (int i = s.length(); i < width; i++) {
      sb.append('0');
    }
    return sb.append(s);
  }
}
