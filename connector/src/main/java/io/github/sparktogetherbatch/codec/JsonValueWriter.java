package io.github.sparktogetherbatch.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.NullType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Writes one Spark value as JSON with typed getters ({@code getUTF8String}, {@code getLong}, {@code
 * getStruct}, {@code getArray}, ...), built once per data type. Used for struct request bodies and
 * message structs. A struct's null fields are left out (Spark structs carry every field; a null
 * {@code max_tokens} means "not set"), nulls inside arrays and map values are written as JSON null.
 * Maps need string keys.
 */
final class JsonValueWriter {
  private static final int STRING = 0;
  private static final int BOOLEAN = 1;
  private static final int BYTE = 2;
  private static final int SHORT = 3;
  private static final int INT = 4;
  private static final int LONG = 5;
  private static final int FLOAT = 6;
  private static final int DOUBLE = 7;
  private static final int DECIMAL = 8;
  private static final int STRUCT = 9;
  private static final int ARRAY = 10;
  private static final int MAP = 11;
  private static final int NULL = 12;

  /** A value JSON cannot represent (NaN, infinity); the caller adds the row's context. */
  static final class BadValueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadValueException(String message) {
      super(message, null, false, false);
    }
  }

  private final int code;
  private final String path;
  private final int precision;
  private final int scale;
  private final JsonValueWriter element;
  private final JsonValueWriter[] fields;
  private final String[] names;

  private JsonValueWriter(
      int code,
      String path,
      int precision,
      int scale,
      JsonValueWriter element,
      JsonValueWriter[] fields,
      String[] names) {
    this.code = code;
    this.path = path;
    this.precision = precision;
    this.scale = scale;
    this.element = element;
    this.fields = fields;
    this.names = names;
  }

  /** Why {@code type} cannot be written as JSON (naming the field path), or null when it can. */
  static String unsupported(DataType type, String path) {
    if (type instanceof StringType
        || type instanceof BooleanType
        || type instanceof ByteType
        || type instanceof ShortType
        || type instanceof IntegerType
        || type instanceof LongType
        || type instanceof FloatType
        || type instanceof DoubleType
        || type instanceof DecimalType
        || type instanceof NullType) {
      return null;
    }
    if (type instanceof ArrayType) {
      return unsupported(((ArrayType) type).elementType(), path + "[]");
    }
    if (type instanceof MapType) {
      MapType m = (MapType) type;
      if (!(m.keyType() instanceof StringType)) {
        return "map field '"
            + path
            + "' has "
            + m.keyType().simpleString()
            + " keys; JSON objects need string keys";
      }
      return unsupported(m.valueType(), path + "{}");
    }
    if (type instanceof StructType) {
      for (StructField f : ((StructType) type).fields()) {
        String p = unsupported(f.dataType(), path + "." + f.name());
        if (p != null) {
          return p;
        }
      }
      return null;
    }
    return "field '"
        + path
        + "' has type "
        + type.simpleString()
        + ", which has no JSON form here; "
        + "cast it to a string or a number";
  }

  /** Builds the writer for a type that {@link #unsupported} accepts. */
  static JsonValueWriter forType(DataType type, String path) {
    if (type instanceof StringType) {
      return leaf(STRING, path);
    } else if (type instanceof BooleanType) {
      return leaf(BOOLEAN, path);
    } else if (type instanceof ByteType) {
      return leaf(BYTE, path);
    } else if (type instanceof ShortType) {
      return leaf(SHORT, path);
    } else if (type instanceof IntegerType) {
      return leaf(INT, path);
    } else if (type instanceof LongType) {
      return leaf(LONG, path);
    } else if (type instanceof FloatType) {
      return leaf(FLOAT, path);
    } else if (type instanceof DoubleType) {
      return leaf(DOUBLE, path);
    } else if (type instanceof DecimalType) {
      DecimalType d = (DecimalType) type;
      return new JsonValueWriter(DECIMAL, path, d.precision(), d.scale(), null, null, null);
    } else if (type instanceof NullType) {
      return leaf(NULL, path);
    } else if (type instanceof ArrayType) {
      return new JsonValueWriter(
          ARRAY, path, 0, 0, forType(((ArrayType) type).elementType(), path + "[]"), null, null);
    } else if (type instanceof MapType) {
      return new JsonValueWriter(
          MAP, path, 0, 0, forType(((MapType) type).valueType(), path + "{}"), null, null);
    } else if (type instanceof StructType) {
      StructField[] fs = ((StructType) type).fields();
      JsonValueWriter[] w = new JsonValueWriter[fs.length];
      String[] n = new String[fs.length];
      for (int i = 0; i < fs.length; i++) {
        w[i] = forType(fs[i].dataType(), path + "." + fs[i].name());
        n[i] = fs[i].name();
      }
      return new JsonValueWriter(STRUCT, path, 0, 0, null, w, n);
    }
    throw new IllegalArgumentException(unsupported(type, path));
  }

  private static JsonValueWriter leaf(int code, String path) {
    return new JsonValueWriter(code, path, 0, 0, null, null, null);
  }

  /** Writes field {@code i} of {@code row} (JSON null when null). */
  void writeField(JsonGenerator g, InternalRow row, int i) throws IOException {
    if (row.isNullAt(i)) {
      g.writeNull();
      return;
    }
    switch (code) {
      case STRING:
        writeUtf8(g, row.getUTF8String(i));
        break;
      case BOOLEAN:
        g.writeBoolean(row.getBoolean(i));
        break;
      case BYTE:
        g.writeNumber(row.getByte(i));
        break;
      case SHORT:
        g.writeNumber(row.getShort(i));
        break;
      case INT:
        g.writeNumber(row.getInt(i));
        break;
      case LONG:
        g.writeNumber(row.getLong(i));
        break;
      case FLOAT:
        writeFloat(g, row.getFloat(i));
        break;
      case DOUBLE:
        writeDouble(g, row.getDouble(i));
        break;
      case DECIMAL:
        g.writeNumber(row.getDecimal(i, precision, scale).toJavaBigDecimal());
        break;
      case STRUCT:
        writeStruct(g, row.getStruct(i, fields.length));
        break;
      case ARRAY:
        writeArray(g, row.getArray(i));
        break;
      case MAP:
        writeMap(g, row.getMap(i));
        break;
      default:
        g.writeNull();
    }
  }

  /** Writes element {@code i} of {@code a} (JSON null when null). */
  void writeElement(JsonGenerator g, ArrayData a, int i) throws IOException {
    if (a.isNullAt(i)) {
      g.writeNull();
      return;
    }
    switch (code) {
      case STRING:
        writeUtf8(g, a.getUTF8String(i));
        break;
      case BOOLEAN:
        g.writeBoolean(a.getBoolean(i));
        break;
      case BYTE:
        g.writeNumber(a.getByte(i));
        break;
      case SHORT:
        g.writeNumber(a.getShort(i));
        break;
      case INT:
        g.writeNumber(a.getInt(i));
        break;
      case LONG:
        g.writeNumber(a.getLong(i));
        break;
      case FLOAT:
        writeFloat(g, a.getFloat(i));
        break;
      case DOUBLE:
        writeDouble(g, a.getDouble(i));
        break;
      case DECIMAL:
        g.writeNumber(a.getDecimal(i, precision, scale).toJavaBigDecimal());
        break;
      case STRUCT:
        writeStruct(g, a.getStruct(i, fields.length));
        break;
      case ARRAY:
        writeArray(g, a.getArray(i));
        break;
      case MAP:
        writeMap(g, a.getMap(i));
        break;
      default:
        g.writeNull();
    }
  }

  /** Writes a struct as an object, leaving out null fields. */
  void writeStruct(JsonGenerator g, InternalRow s) throws IOException {
    g.writeStartObject();
    writeStructFields(g, s, -1);
    g.writeEndObject();
  }

  /** Writes the struct's non-null fields (except {@code skip}) into the current object. */
  void writeStructFields(JsonGenerator g, InternalRow s, int skip) throws IOException {
    for (int f = 0; f < fields.length; f++) {
      if (f != skip && !s.isNullAt(f)) {
        g.writeFieldName(names[f]);
        fields[f].writeField(g, s, f);
      }
    }
  }

  private void writeArray(JsonGenerator g, ArrayData a) throws IOException {
    int n = a.numElements();
    g.writeStartArray();
    for (int i = 0; i < n; i++) {
      element.writeElement(g, a, i);
    }
    g.writeEndArray();
  }

  private void writeMap(JsonGenerator g, MapData m) throws IOException {
    ArrayData keys = m.keyArray();
    ArrayData values = m.valueArray();
    g.writeStartObject();
    for (int i = 0; i < m.numElements(); i++) {
      g.writeFieldName(keys.getUTF8String(i).toString());
      element.writeElement(g, values, i);
    }
    g.writeEndObject();
  }

  private void writeFloat(JsonGenerator g, float f) throws IOException {
    if (Float.isNaN(f) || Float.isInfinite(f)) {
      throw new BadValueException("field '" + path + "' is " + f + ", which JSON cannot represent");
    }
    g.writeNumber(f);
  }

  private void writeDouble(JsonGenerator g, double d) throws IOException {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new BadValueException("field '" + path + "' is " + d + ", which JSON cannot represent");
    }
    g.writeNumber(d);
  }

  /**
   * Writes a Spark string without making a Java String: Jackson escapes the UTF-8 bytes, read in
   * place when they are on the heap (UTF8String.getBytes() copied every value: 5% of encoding).
   */
  static void writeUtf8(JsonGenerator g, UTF8String s) throws IOException {
    Object base = s.getBaseObject();
    if (base instanceof byte[]) {
      byte[] arr = (byte[]) base;
      int off = (int) (s.getBaseOffset() - Platform.BYTE_ARRAY_OFFSET);
      int len = s.numBytes();
      if (isValidUtf8(arr, off, len)) {
        g.writeUTF8String(arr, off, len);
      } else {
        g.writeString(s.toString());
      }
    } else {
      writeUtf8(g, s.getBytes());
    }
  }

  /**
   * Writes UTF-8 bytes as a JSON string. Jackson copies the bytes as they are, so bytes that are
   * not valid UTF-8 (a Spark string cast from binary can hold any bytes) would make the whole batch
   * input file invalid at Together; such a value is written as Spark itself decodes it ({@code
   * UTF8String.toString()}: each malformed sequence becomes U+FFFD).
   */
  static void writeUtf8(JsonGenerator g, byte[] b) throws IOException {
    if (isValidUtf8(b, 0, b.length)) {
      g.writeUTF8String(b, 0, b.length);
    } else {
      g.writeString(new String(b, java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  static boolean isValidUtf8(byte[] b) {
    return isValidUtf8(b, 0, b.length);
  }

  /**
   * Strict UTF-8 (RFC 3629) in {@code b[off, off + len)}: no overlong forms, no surrogates, nothing
   * above U+10FFFF.
   */
  static boolean isValidUtf8(byte[] b, int off, int len) {
    int i = off;
    int n = off + len;
    while (i < n) {
      // ASCII eight bytes at a time (most text): no byte with its high bit set.
      while (i + 8 <= n && ((long) JsonStrings.LONGS.get(b, i) & 0x8080808080808080L) == 0) {
        i += 8;
      }
      if (i >= n) {
        break;
      }
      int c = b[i];
      if (c >= 0) {
        i++;
        continue;
      }
      c &= 0xff;
      int extra;
      int min;
      int max = 0xbf;
      if (c >= 0xc2 && c <= 0xdf) {
        extra = 1;
        min = 0x80;
      } else if (c >= 0xe0 && c <= 0xef) {
        extra = 2;
        min = c == 0xe0 ? 0xa0 : 0x80;
        max = c == 0xed ? 0x9f : 0xbf;
      } else if (c >= 0xf0 && c <= 0xf4) {
        extra = 3;
        min = c == 0xf0 ? 0x90 : 0x80;
        max = c == 0xf4 ? 0x8f : 0xbf;
      } else {
        return false;
      }
      if (i + extra >= n) {
        return false;
      }
      int second = b[i + 1] & 0xff;
      if (second < min || second > max) {
        return false;
      }
      for (int k = 2; k <= extra; k++) {
        int cont = b[i + k] & 0xff;
        if (cont < 0x80 || cont > 0xbf) {
          return false;
        }
      }
      i += extra + 1;
    }
    return true;
  }
}
