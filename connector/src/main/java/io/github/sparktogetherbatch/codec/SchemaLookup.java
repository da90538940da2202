package io.github.sparktogetherbatch.codec;

import io.github.sparktogetherbatch.exceptions.TogetherDataException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Finds the columns and struct fields an {@link InputMapping} names, and checks their types, with
 * messages that name the column, the option, the type found and the fix.
 */
final class SchemaLookup {
  private SchemaLookup() {}

  /** The field's index: exact name first, then a unique case-insensitive match; -1 if none. */
  static int find(StructType schema, String name) {
    StructField[] fs = schema.fields();
    for (int i = 0; i < fs.length; i++) {
      if (fs[i].name().equals(name)) {
        return i;
      }
    }
    int found = -1;
    for (int i = 0; i < fs.length; i++) {
      if (fs[i].name().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
        if (found >= 0) {
          return -2 - i; // ambiguous
        }
        found = i;
      }
    }
    return found;
  }

  /** The index of the column an option names; fails when there is none or several. */
  static int require(StructType schema, String name, String option) {
    int i = find(schema, name);
    if (i == -1 || i < -1) {
      String why =
          i == -1
              ? "which the DataFrame does not have"
              : "which matches several columns " + "when case is ignored";
      throw new TogetherDataException(
          "Option '"
              + option
              + "' names column '"
              + name
              + "', "
              + why
              + " (its columns: "
              + columns(schema)
              + "). Give the exact name of one column.");
    }
    return i;
  }

  static String columns(StructType schema) {
    List<String> n = new ArrayList<>();
    for (StructField f : schema.fields()) {
      n.add(f.name());
    }
    return n.isEmpty() ? "none" : String.join(", ", n);
  }

  /**
   * Checks a messages column: {@code array<struct<role: string, content: ...>>}, the content a
   * string or an array of content parts ({@code struct<type: string, text, image_url: struct<url>,
   * ...>}, as Together's spec types them for vision models).
   */
  static void checkMessagesType(StructField f, String option) {
    String expected = "array<struct<role: string, content: string>>";
    if (!(f.dataType() instanceof ArrayType)
        || !(((ArrayType) f.dataType()).elementType() instanceof StructType)) {
      throw wrongType(
          f,
          option,
          expected,
          "build it with array(struct(lit(\"user\").as(\"role\"), "
              + "col(\"q\").as(\"content\")))");
    }
    StructType el = (StructType) ((ArrayType) f.dataType()).elementType();
    int role = find(el, "role");
    int content = find(el, "content");
    if (role < 0 || content < 0 || !(el.fields()[role].dataType() instanceof StringType)) {
      throw wrongType(
          f,
          option,
          expected,
          "each message needs a string field 'role' and a field " + "'content'");
    }
    DataType ct = el.fields()[content].dataType();
    boolean contentOk =
        ct instanceof StringType
            || (ct instanceof ArrayType && ((ArrayType) ct).elementType() instanceof StructType);
    if (!contentOk) {
      throw wrongType(
          f, option, expected, "'content' must be a string (or an array of content " + "parts)");
    }
    if (ct instanceof ArrayType) {
      StructType part = (StructType) ((ArrayType) ct).elementType();
      int type = find(part, "type");
      if (type < 0 || !(part.fields()[type].dataType() instanceof StringType)) {
        throw wrongType(
            f,
            option,
            "array<struct<role: string, content: array<struct<type: string, text: string,"
                + " image_url: struct<url: string>>>>>",
            "each content part needs a string field 'type' ('text' with 'text', 'image_url' with"
                + " 'image_url.url')");
      }
    }
    String problem = JsonValueWriter.unsupported(el, f.name());
    if (problem != null) {
      throw wrongType(f, option, expected, problem);
    }
  }

  static TogetherDataException wrongType(
      StructField f, String option, String expected, String fix) {
    return new TogetherDataException(
        "Column '"
            + f.name()
            + "' ('"
            + option
            + "') has type "
            + f.dataType().simpleString()
            + "; it must be "
            + expected
            + ". Fix: "
            + fix
            + ".");
  }
}
