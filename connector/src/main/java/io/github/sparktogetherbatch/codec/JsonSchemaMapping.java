package io.github.sparktogetherbatch.codec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
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

/**
 * The JSON Schema of a Spark struct, for {@code response_format} {@code json_schema} with {@code
 * strict: true}: strings, integral numbers ({@code integer}, bounded for BYTE, SHORT and INT),
 * fractional numbers and decimals ({@code number}), booleans, dates and timestamps (strings of
 * format {@code date} and {@code date-time}), arrays, maps with string keys (objects with {@code
 * additionalProperties}) and structs (objects listing every field as required, {@code
 * additionalProperties: false}). A nullable field, element or value is a type union with {@code
 * null}; a field's comment becomes its {@code description}, and a STRING field's metadata {@value
 * #ENUM} (a list of strings) its {@code enum}.
 *
 * <p>Every other type (binary, intervals, timestamps without time zone, maps with non-string keys,
 * ...) has no faithful JSON Schema and is refused with a {@link TogetherConfigException} naming the
 * field, before anything is uploaded.
 */
public final class JsonSchemaMapping {
  /** The {@code json_schema.name} of every request. */
  public static final String SCHEMA_NAME = "response";

  /**
   * A STRING field's metadata key listing its allowed values (the JSON Schema's {@code enum}); set
   * it in a StructType's JSON or with a {@code MetadataBuilder}.
   */
  public static final String ENUM = "enum";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final String option;

  private JsonSchemaMapping(String option) {
    this.option = option;
  }

  /**
   * The JSON Schema of {@code schema}.
   *
   * @param option the option that gave the schema, for messages
   * @throws TogetherConfigException naming the first field whose type has no JSON Schema
   */
  public static ObjectNode schemaOf(StructType schema, String option) {
    if (schema.fields().length == 0) {
      throw new TogetherConfigException(
          "Option '" + option + "' has no fields: give at least one, e.g. \"label STRING\".");
    }
    return new JsonSchemaMapping(option).struct(schema, "", false);
  }

  /**
   * The request field {@code response_format}: {@code {"type": "json_schema", "json_schema":
   * {"name", "schema", "strict": true}}}, as JSON text.
   */
  public static String responseFormatJson(StructType schema, String option) {
    ObjectNode rf = MAPPER.createObjectNode();
    rf.put("type", "json_schema");
    ObjectNode js = rf.putObject("json_schema");
    js.put("name", SCHEMA_NAME);
    js.set("schema", schemaOf(schema, option));
    js.put("strict", true);
    return rf.toString();
  }

  private ObjectNode struct(StructType s, String path, boolean nullable) {
    ObjectNode o = MAPPER.createObjectNode();
    type(o, "object", nullable);
    ObjectNode props = o.putObject("properties");
    ArrayNode required = o.putArray("required");
    Set<String> names = new HashSet<>();
    for (StructField f : s.fields()) {
      String p = path.isEmpty() ? f.name() : path + "." + f.name();
      if (!names.add(f.name())) {
        throw new TogetherConfigException(
            "Option '" + option + "': the field '" + p + "' is given twice. Name each field once.");
      }
      ObjectNode fs = value(f.dataType(), p, f.nullable());
      if (f.metadata().contains(ENUM)) {
        if (!(f.dataType() instanceof StringType)) {
          throw new TogetherConfigException(
              "Option '"
                  + option
                  + "': the field '"
                  + p
                  + "' has an enum, but only STRING fields take one.");
        }
        ArrayNode values = fs.putArray(ENUM);
        for (String v : f.metadata().getStringArray(ENUM)) {
          values.add(v);
        }
        if (f.nullable()) {
          values.addNull();
        }
      }
      if (f.metadata().contains("comment")) {
        fs.put("description", f.metadata().getString("comment"));
      }
      props.set(f.name(), fs);
      required.add(f.name());
    }
    o.put("additionalProperties", false);
    return o;
  }

  private ObjectNode value(DataType t, String path, boolean nullable) {
    if (t instanceof StructType) {
      return struct((StructType) t, path, nullable);
    }
    ObjectNode o = MAPPER.createObjectNode();
    if (t instanceof StringType) {
      type(o, "string", nullable);
    } else if (t instanceof BooleanType) {
      type(o, "boolean", nullable);
    } else if (t instanceof ByteType) {
      integer(o, nullable, Byte.MIN_VALUE, Byte.MAX_VALUE);
    } else if (t instanceof ShortType) {
      integer(o, nullable, Short.MIN_VALUE, Short.MAX_VALUE);
    } else if (t instanceof IntegerType) {
      integer(o, nullable, Integer.MIN_VALUE, Integer.MAX_VALUE);
    } else if (t instanceof LongType) {
      type(o, "integer", nullable);
    } else if (t instanceof FloatType || t instanceof DoubleType || t instanceof DecimalType) {
      type(o, "number", nullable);
    } else if (t instanceof DateType) {
      type(o, "string", nullable);
      o.put("format", "date");
    } else if (t instanceof TimestampType) {
      type(o, "string", nullable);
      o.put("format", "date-time");
    } else if (t instanceof ArrayType) {
      ArrayType a = (ArrayType) t;
      type(o, "array", nullable);
      o.set("items", value(a.elementType(), path + "[]", a.containsNull()));
    } else if (t instanceof MapType && ((MapType) t).keyType() instanceof StringType) {
      MapType m = (MapType) t;
      type(o, "object", nullable);
      o.set("additionalProperties", value(m.valueType(), path + "{}", m.valueContainsNull()));
    } else {
      throw refused(t, path);
    }
    return o;
  }

  private TogetherConfigException refused(DataType t, String path) {
    String name = t.simpleString().toUpperCase(Locale.ROOT);
    String hint;
    if (t instanceof MapType) {
      hint =
          "JSON object keys are strings: use MAP<STRING, ...>, or an ARRAY of STRUCT<key, value>";
    } else if (name.startsWith("BINARY")) {
      hint = "use STRING (e.g. base64 text) instead";
    } else if (name.startsWith("TIMESTAMP_NTZ")) {
      hint = "use TIMESTAMP (a date-time with an offset) or STRING instead";
    } else if (name.startsWith("INTERVAL")) {
      hint = "use a number (e.g. seconds as DOUBLE) or STRING instead";
    } else {
      hint = "use STRING, a number, BOOLEAN, DATE, TIMESTAMP, ARRAY, MAP<STRING, ...> or STRUCT";
    }
    return new TogetherConfigException(
        "Option '"
            + option
            + "': the field '"
            + path
            + "' is "
            + name
            + ", which has no faithful JSON Schema; "
            + hint
            + ".");
  }

  private static void integer(ObjectNode o, boolean nullable, int min, int max) {
    type(o, "integer", nullable);
    o.put("minimum", min);
    o.put("maximum", max);
  }

  private static void type(ObjectNode o, String type, boolean nullable) {
    if (nullable) {
      o.putArray("type").add(type).add("null");
    } else {
      o.put("type", type);
    }
  }
}
