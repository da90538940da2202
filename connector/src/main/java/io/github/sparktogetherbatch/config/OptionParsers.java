package io.github.sparktogetherbatch.config;

import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.CharType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.VarcharType;

/**
 * Strict parsers for option values; every message names the option, the value and what is allowed.
 */
public final class OptionParsers {
  private static final Pattern DURATION =
      Pattern.compile(
          "(-?[0-9]+(?:\\.[0-9]+)?)\\s*(us|ms|s|sec|secs|m|min|mins|h|hr|hrs|d|day|days)?");
  private static final Pattern SIZE =
      Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?");

  private OptionParsers() {}

  /**
   * Spark's time-string form: {@code 200ms}, {@code 30s}, {@code 10m}, {@code 24h}, {@code 2d}. A
   * bare number is refused with the unit hint: {@code 30} could mean seconds or milliseconds.
   */
  public static Duration duration(String option, String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    Matcher m = DURATION.matcher(v);
    if (!m.matches()) {
      throw new TogetherConfigException(
          "Option '"
              + option
              + "' must be a duration such as 200ms, "
              + "30s, 10m or 24h; got '"
              + value
              + "'.");
    }
    double n = Double.parseDouble(m.group(1));
    if (n < 0) {
      throw new TogetherConfigException(
          "Option '" + option + "' must not be negative; got '" + value + "'.");
    }
    if (m.group(2) == null) {
      throw new TogetherConfigException(
          "Option '"
              + option
              + "' is '"
              + value
              + "', a number without a unit: write it with one, e.g. '"
              + m.group(1)
              + "s' for seconds or '"
              + m.group(1)
              + "ms' for milliseconds (units: ms, s, m, h, d).");
    }
    String unit = m.group(2);
    double millis;
    switch (unit) {
      case "us":
        millis = n / 1000.0;
        break;
      case "ms":
        millis = n;
        break;
      case "s":
      case "sec":
      case "secs":
        millis = n * 1000;
        break;
      case "m":
      case "min":
      case "mins":
        millis = n * 60_000;
        break;
      case "h":
      case "hr":
      case "hrs":
        millis = n * 3_600_000;
        break;
      default:
        millis = n * 86_400_000;
    }
    return Duration.ofMillis(Math.round(millis));
  }

  /**
   * A size: plain bytes, or with a unit. {@code KB}/{@code MB}/{@code GB} are decimal (1 MB =
   * 1,000,000 bytes, as Together counts its 100 MB limit conservatively); {@code KiB}/{@code
   * MiB}/{@code GiB} are binary.
   */
  public static long bytes(String option, String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    Matcher m = SIZE.matcher(v);
    if (!m.matches()) {
      throw new TogetherConfigException(
          "Option '"
              + option
              + "' must be a size such as 100MB, "
              + "64KB or a plain number of bytes; got '"
              + value
              + "'.");
    }
    double n = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2);
    long mult;
    switch (unit) {
      case "k":
      case "kb":
        mult = 1000L;
        break;
      case "kib":
        mult = 1024L;
        break;
      case "m":
      case "mb":
        mult = 1000_000L;
        break;
      case "mib":
        mult = 1024L * 1024;
        break;
      case "g":
      case "gb":
        mult = 1000_000_000L;
        break;
      case "gib":
        mult = 1024L * 1024 * 1024;
        break;
      default:
        mult = 1;
    }
    return Math.round(n * mult);
  }

  public static int positiveInt(String option, String value) {
    try {
      int n = Integer.parseInt(value.trim());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException | NullPointerException ignored) {
      // fall through
    }
    throw new TogetherConfigException(
        "Option '" + option + "' must be a positive whole number; got '" + value + "'.");
  }

  public static int nonNegativeInt(String option, String value) {
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException | NullPointerException ignored) {
      // fall through
    }
    throw new TogetherConfigException(
        "Option '" + option + "' must be a whole number of 0 or more; got '" + value + "'.");
  }

  public static boolean bool(String option, String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("true")) {
      return true;
    }
    if (v.equals("false")) {
      return false;
    }
    throw new TogetherConfigException(
        "Option '" + option + "' must be true or false; got '" + value + "'.");
  }

  /** Levenshtein distance, for "did you mean" (option names here, model ids in the preflight). */
  public static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /**
   * A Spark struct: a DDL string ({@code "label STRING, score DOUBLE"}) or a {@code StructType} as
   * JSON ({@code schema.json()}).
   */
  public static StructType structType(String option, String value) {
    String v = value.trim();
    if (v.isEmpty()) {
      return null;
    }
    try {
      if (v.startsWith("{")) {
        DataType t = DataType.fromJson(v);
        if (!(t instanceof StructType)) {
          throw new TogetherConfigException(
              "Option '"
                  + option
                  + "' must be a struct, e.g. \"label STRING, score DOUBLE\" or a StructType's "
                  + "json(); got a "
                  + t.simpleString()
                  + ".");
        }
        return (StructType) withStrings(t);
      }
      return (StructType) withStrings(StructType.fromDDL(v));
    } catch (TogetherConfigException e) {
      throw e;
    } catch (Exception e) { // Spark's ParseException is not a RuntimeException
      String why = String.valueOf(e.getMessage());
      int nl = why.indexOf('\n');
      throw new TogetherConfigException(
          "Option '"
              + option
              + "' is neither a Spark DDL schema (e.g. \"label STRING, score DOUBLE, tags "
              + "ARRAY<STRING>\") nor a StructType as JSON (schema.json()): "
              + (nl > 0 ? why.substring(0, nl) : why),
          e);
    }
  }

  /** The type with CHAR(n) and VARCHAR(n) read as STRING, as Spark reads them from files. */
  private static DataType withStrings(DataType t) {
    if (t instanceof CharType || t instanceof VarcharType) {
      return DataTypes.StringType;
    }
    if (t instanceof ArrayType) {
      ArrayType a = (ArrayType) t;
      return DataTypes.createArrayType(withStrings(a.elementType()), a.containsNull());
    }
    if (t instanceof MapType) {
      MapType m = (MapType) t;
      return DataTypes.createMapType(
          withStrings(m.keyType()), withStrings(m.valueType()), m.valueContainsNull());
    }
    if (t instanceof StructType) {
      StructField[] f = ((StructType) t).fields();
      StructField[] out = new StructField[f.length];
      for (int i = 0; i < f.length; i++) {
        out[i] =
            new StructField(
                f[i].name(), withStrings(f[i].dataType()), f[i].nullable(), f[i].metadata());
      }
      return new StructType(out);
    }
    return t;
  }
}
