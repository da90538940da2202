package io.github.sparktogetherbatch.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.ArrayBasedMapData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Decodes a JSON object into the {@link org.apache.spark.sql.catalyst.InternalRow} of a struct
 * type, from Jackson's token stream (no tree), with the rules of Spark's own {@code from_json} for
 * each type:
 *
 * <ul>
 *   <li>STRING: a string as is; any other value as its JSON text ({@code 12}, {@code true}, an
 *       object's compact JSON);
 *   <li>BYTE, SHORT, INT, BIGINT: an integer within the type's range;
 *   <li>FLOAT, DOUBLE: any number, and the strings {@code NaN}, {@code Infinity}, {@code
 *       +Infinity}, {@code -Infinity}, {@code INF}, {@code +INF}, {@code -INF};
 *   <li>DECIMAL(p, s): a number or a numeric string, rounded half-up to s digits, at most p digits;
 *   <li>BOOLEAN: {@code true} or {@code false};
 *   <li>DATE and TIMESTAMP: strings ({@link JsonDates}); a TIMESTAMP also takes an integer, seconds
 *       since the epoch;
 *   <li>ARRAY: an array; MAP with string keys: an object; STRUCT: an object whose fields are
 *       matched by exact name, unknown fields skipped, a field given twice taking the last value.
 * </ul>
 *
 * A missing field or {@code null} is null; where the type says NOT NULL (a field, an array's
 * elements, a map's values), it does not fit. The first value that does not fit ends the decoding
 * with a {@link Misfit} naming its field path and why. Built once per schema; not thread-safe.
 */
final class JsonRowDecoder {
  /** A value that does not fit its type: where (a field path) and why. Has no stack trace. */
  static final class Misfit extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private String path;
    private final String why;

    Misfit(String why) {
      super(why, null, false, false);
      this.path = "";
      this.why = why;
    }

    Misfit under(String name) {
      path = path.isEmpty() || path.startsWith("[") ? name + path : name + "." + path;
      return this;
    }

    /** The field path, e.g. {@code entities[2].type}; empty for the object itself. */
    String path() {
      return path;
    }

    String why() {
      return why;
    }
  }

  /** Reads the current value (its first token {@code t}, never null or VALUE_NULL). */
  private interface Reader {
    Object read(JsonParser p, JsonToken t) throws IOException;
  }

  /** Seconds since the epoch whose microseconds still fit a long. */
  private static final long MAX_EPOCH_SECONDS = Long.MAX_VALUE / 1_000_000L;

  private final JsonFactory json;
  private final StructReader root;
  private final JsonDates dates;

  /**
   * @param schema the struct to decode into
   * @param sessionTimeZone the zone of timestamps written without an offset (Spark's {@code
   *     spark.sql.session.timeZone})
   */
  JsonRowDecoder(StructType schema, JsonFactory json, String sessionTimeZone) {
    this.json = json;
    this.dates = new JsonDates(sessionTimeZone);
    this.root = new StructReader(schema);
  }

  /** Decodes the object at the parser's first token; {@link Misfit} when it does not fit. */
  Object decodeObject(JsonParser p, JsonToken first) throws IOException {
    if (first != JsonToken.START_OBJECT) {
      throw new Misfit("expected a JSON object, got " + describe(first));
    }
    return root.read(p, first);
  }

  private Reader reader(DataType t) {
    if (t instanceof StructType) {
      return new StructReader((StructType) t);
    }
    if (t instanceof StringType) {
      return this::string;
    }
    if (t instanceof BooleanType) {
      return (p, tok) -> {
        if (tok == JsonToken.VALUE_TRUE || tok == JsonToken.VALUE_FALSE) {
          return tok == JsonToken.VALUE_TRUE;
        }
        throw expected("true or false (BOOLEAN)", tok);
      };
    }
    if (t instanceof ByteType) {
      return (p, tok) -> (byte) integral(p, tok, Byte.MIN_VALUE, Byte.MAX_VALUE, "TINYINT");
    }
    if (t instanceof ShortType) {
      return (p, tok) -> (short) integral(p, tok, Short.MIN_VALUE, Short.MAX_VALUE, "SMALLINT");
    }
    if (t instanceof IntegerType) {
      return (p, tok) -> (int) integral(p, tok, Integer.MIN_VALUE, Integer.MAX_VALUE, "INT");
    }
    if (t instanceof LongType) {
      return (p, tok) -> integral(p, tok, Long.MIN_VALUE, Long.MAX_VALUE, "BIGINT");
    }
    if (t instanceof DoubleType) {
      return (p, tok) -> fractional(p, tok, "DOUBLE");
    }
    if (t instanceof FloatType) {
      return (p, tok) -> (float) fractional(p, tok, "FLOAT");
    }
    if (t instanceof DecimalType) {
      DecimalType d = (DecimalType) t;
      return (p, tok) -> decimal(p, tok, d.precision(), d.scale());
    }
    if (t instanceof DateType) {
      return (p, tok) -> {
        if (tok == JsonToken.VALUE_STRING) {
          Integer days = dates.epochDay(p.getText());
          if (days != null) {
            return days;
          }
          throw new Misfit("expected a date such as 2026-12-31 (DATE), got '" + clip(p) + "'");
        }
        throw expected("a date string (DATE)", tok);
      };
    }
    if (t instanceof TimestampType) {
      return (p, tok) -> {
        if (tok == JsonToken.VALUE_STRING) {
          Long micros = dates.epochMicros(p.getText());
          if (micros != null) {
            return micros;
          }
          throw new Misfit(
              "expected a date-time such as 2026-12-31T23:59:59Z (TIMESTAMP), got '"
                  + clip(p)
                  + "'");
        }
        if (tok == JsonToken.VALUE_NUMBER_INT) {
          long seconds = integral(p, tok, Long.MIN_VALUE, Long.MAX_VALUE, "TIMESTAMP");
          if (Math.abs(seconds) > MAX_EPOCH_SECONDS) {
            throw new Misfit(seconds + " seconds is out of range for TIMESTAMP");
          }
          return seconds * 1_000_000L;
        }
        throw expected("a date-time string (TIMESTAMP)", tok);
      };
    }
    if (t instanceof ArrayType) {
      ArrayType a = (ArrayType) t;
      Reader element = reader(a.elementType());
      boolean containsNull = a.containsNull();
      return (p, tok) -> {
        if (tok != JsonToken.START_ARRAY) {
          throw expected("an array", tok);
        }
        List<Object> out = new ArrayList<>();
        JsonToken e;
        while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
          out.add(nullable(p, e, element, containsNull, "[" + out.size() + "]"));
        }
        return new GenericArrayData(out.toArray());
      };
    }
    if (t instanceof MapType && ((MapType) t).keyType() instanceof StringType) {
      MapType m = (MapType) t;
      Reader value = reader(m.valueType());
      boolean valueContainsNull = m.valueContainsNull();
      return (p, tok) -> {
        if (tok != JsonToken.START_OBJECT) {
          throw expected("an object (MAP)", tok);
        }
        List<Object> keys = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String k = p.currentName();
          values.add(nullable(p, p.nextToken(), value, valueContainsNull, k));
          keys.add(UTF8String.fromString(k));
        }
        return new ArrayBasedMapData(
            new GenericArrayData(keys.toArray()), new GenericArrayData(values.toArray()));
      };
    }
    // JsonSchemaMapping refuses every other type before a read is planned
    throw new IllegalArgumentException("No JSON decoding for " + t.simpleString());
  }

  /** A STRING reader that also checks the value is one of {@code allowed}. */
  private static Reader oneOf(Reader string, String[] allowed) {
    java.util.Set<UTF8String> set = new java.util.HashSet<>();
    for (String a : allowed) {
      set.add(UTF8String.fromString(a));
    }
    String list = String.join(", ", allowed);
    return (p, t) -> {
      Object v = string.read(p, t);
      if (!set.contains(v)) {
        throw new Misfit("'" + clip(p) + "' is not one of the enum's values (" + list + ")");
      }
      return v;
    };
  }

  /** A value that may be null: null where allowed, else a {@link Misfit} under {@code name}. */
  private static Object nullable(JsonParser p, JsonToken t, Reader r, boolean nullOk, String name)
      throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      if (nullOk) {
        return null;
      }
      throw new Misfit("is null, but the type is NOT NULL").under(name);
    }
    try {
      return r.read(p, t);
    } catch (Misfit m) {
      throw m.under(name);
    }
  }

  private final class StructReader implements Reader {
    private final String[] names;
    private final Reader[] readers;
    private final boolean[] nullOk;
    private final Map<String, Integer> index = new HashMap<>();

    StructReader(StructType s) {
      StructField[] f = s.fields();
      names = new String[f.length];
      readers = new Reader[f.length];
      nullOk = new boolean[f.length];
      for (int i = 0; i < f.length; i++) {
        names[i] = f[i].name();
        readers[i] = reader(f[i].dataType());
        if (f[i].metadata().contains(JsonSchemaMapping.ENUM)) {
          readers[i] = oneOf(readers[i], f[i].metadata().getStringArray(JsonSchemaMapping.ENUM));
        }
        nullOk[i] = f[i].nullable();
        index.put(names[i], i);
      }
    }

    @Override
    public Object read(JsonParser p, JsonToken t) throws IOException {
      if (t != JsonToken.START_OBJECT) {
        throw expected("an object (STRUCT)", t);
      }
      Object[] v = new Object[names.length];
      boolean[] seen = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        Integer i = index.get(p.currentName());
        JsonToken vt = p.nextToken();
        if (i == null) {
          p.skipChildren();
          continue;
        }
        v[i] = nullable(p, vt, readers[i], nullOk[i], names[i]);
        if (!nullOk[i]) {
          if (seen == null) {
            seen = new boolean[names.length];
          }
          seen[i] = true;
        }
      }
      for (int i = 0; i < names.length; i++) {
        if (!nullOk[i] && (seen == null || !seen[i])) {
          throw new Misfit("is missing, but the field is NOT NULL").under(names[i]);
        }
      }
      return new GenericInternalRow(v);
    }
  }

  private Object string(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_STRING) {
      return UTF8String.fromString(p.getText());
    }
    if (t.isScalarValue()) {
      return UTF8String.fromString(p.getText());
    }
    StringWriter w = new StringWriter();
    try (JsonGenerator g = json.createGenerator(w)) {
      g.copyCurrentStructure(p);
    }
    return UTF8String.fromString(w.toString());
  }

  private static long integral(JsonParser p, JsonToken t, long min, long max, String type)
      throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT) {
      throw expected("an integer (" + type + ")", t);
    }
    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw new Misfit(p.getText() + " is out of range for " + type);
    }
    long v = p.getLongValue();
    if (v < min || v > max) {
      throw new Misfit(v + " is out of range for " + type);
    }
    return v;
  }

  private static double fractional(JsonParser p, JsonToken t, String type) throws IOException {
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      return p.getDoubleValue();
    }
    if (t == JsonToken.VALUE_STRING) {
      switch (p.getText()) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
        case "+Infinity":
        case "INF":
        case "+INF":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
        case "-INF":
          return Double.NEGATIVE_INFINITY;
        default:
          throw new Misfit("expected a number (" + type + "), got the string '" + clip(p) + "'");
      }
    }
    throw expected("a number (" + type + ")", t);
  }

  private static Decimal decimal(JsonParser p, JsonToken t, int precision, int scale)
      throws IOException {
    String type = "DECIMAL(" + precision + "," + scale + ")";
    BigDecimal v;
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      v = p.getDecimalValue();
    } else if (t == JsonToken.VALUE_STRING) {
      try {
        v = new BigDecimal(p.getText().replace(",", ""));
      } catch (NumberFormatException e) {
        throw new Misfit("expected a number (" + type + "), got the string '" + clip(p) + "'");
      }
    } else {
      throw expected("a number (" + type + ")", t);
    }
    BigDecimal scaled = v.setScale(scale, RoundingMode.HALF_UP);
    if (scaled.precision() > precision) {
      throw new Misfit(v.toPlainString() + " does not fit " + type);
    }
    return Decimal.apply(scaled, precision, scale);
  }

  private static Misfit expected(String what, JsonToken got) {
    return new Misfit("expected " + what + ", got " + describe(got));
  }

  /** A token for messages: "a string", "an object", ... */
  static String describe(JsonToken t) {
    if (t == null) {
      return "nothing";
    }
    switch (t) {
      case START_OBJECT:
        return "an object";
      case START_ARRAY:
        return "an array";
      case VALUE_STRING:
        return "a string";
      case VALUE_NUMBER_INT:
        return "an integer";
      case VALUE_NUMBER_FLOAT:
        return "a fractional number";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "a boolean";
      case VALUE_NULL:
        return "null";
      default:
        return t.name().toLowerCase(Locale.ROOT);
    }
  }

  /** The current string, cut to 40 characters for a message. */
  private static String clip(JsonParser p) throws IOException {
    String s = p.getText();
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
