package io.github.sparktogetherbatch.codec;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dates and timestamps in JSON strings, read as Spark's {@code from_json} reads them without a
 * format option: a date is {@code yyyy}, {@code yyyy-[m]m} or {@code yyyy-[m]m-[d]d}, optionally
 * followed by a space or {@code T} and anything (a date-time's date part); a timestamp is a date,
 * optionally with a time {@code [h]h:[m]m[:[s]s[.fraction]]} after a space or {@code T}, and
 * optionally an offset or zone ({@code Z}, {@code +01:00}, {@code [Europe/Paris]}); without one the
 * session time zone applies. Values: days and microseconds since 1970-01-01 (UTC).
 */
final class JsonDates {
  private static final Pattern DATE =
      Pattern.compile("\\s*([0-9]{4})(?:-([0-9]{1,2})(?:-([0-9]{1,2})(?:[ T].*)?)?)?\\s*");

  private static final Pattern DATE_TIME =
      Pattern.compile(
          "\\s*([0-9]{4})(?:-([0-9]{1,2})(?:-([0-9]{1,2}))?)?"
              + "(?:[ T]([0-9]{1,2}):([0-9]{1,2})(?::([0-9]{1,2})(?:\\.([0-9]{1,9}))?)?)?"
              + "\\s*(.*?)\\s*");

  private static final DateTimeFormatter OFFSET =
      new DateTimeFormatterBuilder()
          .optionalStart()
          .appendOffset("+HH:MM:ss", "Z")
          .optionalEnd()
          .optionalStart()
          .appendLiteral('[')
          .appendZoneRegionId()
          .appendLiteral(']')
          .optionalEnd()
          .toFormatter();

  private final ZoneId sessionZone;

  JsonDates(String sessionTimeZone) {
    this.sessionZone = sessionTimeZone == null ? ZoneId.of("UTC") : ZoneId.of(sessionTimeZone);
  }

  /** Days since the epoch, or null when {@code s} is not a date. */
  Integer epochDay(String s) {
    Matcher m = DATE.matcher(s);
    if (!m.matches()) {
      return null;
    }
    try {
      return (int) date(m.group(1), m.group(2), m.group(3)).toEpochDay();
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** Microseconds since the epoch, or null when {@code s} is not a timestamp. */
  Long epochMicros(String s) {
    Matcher m = DATE_TIME.matcher(s);
    if (!m.matches()) {
      return null;
    }
    try {
      LocalDate d = date(m.group(1), m.group(2), m.group(3));
      LocalTime t = LocalTime.MIDNIGHT;
      if (m.group(4) != null) {
        int nanos = 0;
        if (m.group(7) != null) {
          String f = (m.group(7) + "000000000").substring(0, 9);
          nanos = Integer.parseInt(f);
        }
        t =
            LocalTime.of(
                Integer.parseInt(m.group(4)),
                Integer.parseInt(m.group(5)),
                m.group(6) == null ? 0 : Integer.parseInt(m.group(6)),
                nanos);
      }
      ZoneId zone = zone(m.group(8));
      if (zone == null) {
        return null;
      }
      ZonedDateTime z = ZonedDateTime.of(LocalDateTime.of(d, t), zone);
      long seconds = z.toEpochSecond();
      return Math.addExact(Math.multiplyExact(seconds, 1_000_000L), z.getNano() / 1000L);
    } catch (DateTimeException | ArithmeticException e) {
      return null;
    }
  }

  /** The zone of the text after the time: none (the session's), an offset, or a region. */
  private ZoneId zone(String text) {
    if (text == null || text.isEmpty()) {
      return sessionZone;
    }
    if (text.equals("Z") || text.equals("z") || text.equals("UTC")) {
      return ZoneId.of("UTC");
    }
    try {
      TemporalAccessor a = OFFSET.parse(text);
      if (a.isSupported(ChronoField.OFFSET_SECONDS)) {
        return ZoneId.ofOffset("", ZoneOffset.ofTotalSeconds(a.get(ChronoField.OFFSET_SECONDS)));
      }
    } catch (DateTimeException notAnOffset) {
      // a region id such as Europe/Paris, or UTC+01:00
    }
    try {
      return ZoneId.of(
          text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text);
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static LocalDate date(String y, String mo, String d) {
    return LocalDate.of(
        Integer.parseInt(y),
        mo == null ? 1 : Integer.parseInt(mo),
        d == null ? 1 : Integer.parseInt(d));
  }
}
