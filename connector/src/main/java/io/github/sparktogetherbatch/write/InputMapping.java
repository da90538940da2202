package io.github.sparktogetherbatch.write;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sparktogetherbatch.config.WriteConfig;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import io.github.sparktogetherbatch.exceptions.TogetherDataException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a DataFrame's rows become requests: which column is the input (prompt, messages or a whole
 * body), which is the {@code custom_id}, the model and the fields merged into every body. Resolved
 * once on the driver against the DataFrame's schema, so every schema problem (a missing column, a
 * wrong type, two input mappings, no model) fails the write before any task runs. Serializable:
 * executors build their {@link RequestEncoder} from it.
 *
 * <p>Rules (design.md, "Options"):
 *
 * <ul>
 *   <li>Exactly one input mapping: {@code promptColumn}, {@code messagesColumn} or {@code
 *       bodyColumn}; without any, a column named {@code prompt} if present, else {@code messages}.
 *   <li>{@code idColumn}, else a column {@code custom_id}, else {@code id} (a defaulted column is
 *       used only when it is a string or integral column); without one, ids are derived (see {@link
 *       RequestEncoder}).
 *   <li>The model comes from {@code model} (or {@code body.model}); bodies from {@code bodyColumn}
 *       may name their own, checked per row.
 *   <li>{@code systemPrompt} is prepended as a system message. It is rejected for {@code
 *       /v1/completions} (there are no messages to prepend to; put it into the prompt column) and
 *       with {@code bodyColumn} (bodies are used verbatim; put it into the body's messages).
 * </ul>
 */
final class InputMapping implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(InputMapping.class);
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** What the input column holds. */
  enum Kind {
    PROMPT,
    MESSAGES,
    BODY_JSON,
    BODY_STRUCT
  }

  /** Where custom_id comes from. */
  enum IdKind {
    STRING,
    INTEGRAL,
    DERIVED
  }

  final Kind kind;
  final int inputOrdinal;
  final String inputColumn;

  /** The option that named the input column, e.g. {@code promptColumn} (also when defaulted). */
  final String inputOption;

  final DataType inputType;
  final IdKind idKind;
  final int idOrdinal;
  final String idColumn;
  final DataType idType;

  /** The model every request gets unless its body names one; null only for body columns. */
  final String model;

  /** body.&lt;field&gt; options as JSON text, without {@code model}. */
  final LinkedHashMap<String, String> bodyFieldJson;

  final String systemPrompt;
  final boolean chat;
  final String endpoint;

  private InputMapping(
      Kind kind,
      int inputOrdinal,
      String inputColumn,
      String inputOption,
      DataType inputType,
      IdKind idKind,
      int idOrdinal,
      String idColumn,
      DataType idType,
      String model,
      LinkedHashMap<String, String> bodyFieldJson,
      String systemPrompt,
      boolean chat,
      String endpoint) {
    this.kind = kind;
    this.inputOrdinal = inputOrdinal;
    this.inputColumn = inputColumn;
    this.inputOption = inputOption;
    this.inputType = inputType;
    this.idKind = idKind;
    this.idOrdinal = idOrdinal;
    this.idColumn = idColumn;
    this.idType = idType;
    this.model = model;
    this.bodyFieldJson = bodyFieldJson;
    this.systemPrompt = systemPrompt;
    this.chat = chat;
    this.endpoint = endpoint;
  }

  boolean idsDerived() {
    return idKind == IdKind.DERIVED;
  }

  boolean isBody() {
    return kind == Kind.BODY_JSON || kind == Kind.BODY_STRUCT;
  }

  /** The model to pass as the batch's {@code model_id}: only when every line has this model. */
  String batchModelId() {
    return isBody() ? null : model;
  }

  Map<String, String> bodyFieldJson() {
    return Collections.unmodifiableMap(bodyFieldJson);
  }

  /**
   * Resolves the mapping; throws {@link TogetherConfigException} for option problems and {@link
   * TogetherDataException} for the DataFrame's columns (missing, wrong type).
   */
  static InputMapping resolve(StructType schema, WriteConfig config) {
    String endpoint = config.endpoint();
    boolean chat = config.isChat();

    // The input mapping.
    List<String> given = new ArrayList<>();
    if (config.promptColumn() != null) {
      given.add("promptColumn");
    }
    if (config.messagesColumn() != null) {
      given.add("messagesColumn");
    }
    if (config.bodyColumn() != null) {
      given.add("bodyColumn");
    }
    if (given.size() > 1) {
      throw new TogetherConfigException(
          "Options "
              + quoteAll(given)
              + " are all set; give exactly "
              + "one input mapping: 'promptColumn' (a string column), 'messagesColumn' "
              + "(array<struct<role,content>>) or 'bodyColumn' (a JSON string or struct column used as "
              + "the whole request body).");
    }
    String option;
    int ordinal;
    if (given.isEmpty()) {
      int p = find(schema, "prompt");
      int m = find(schema, "messages");
      if (p >= 0) {
        option = "promptColumn";
        ordinal = p;
      } else if (m >= 0) {
        option = "messagesColumn";
        ordinal = m;
      } else {
        throw new TogetherConfigException(
            "No input column: the DataFrame has no column 'prompt' or "
                + "'messages' (its columns: "
                + columns(schema)
                + "). Name the input with the option "
                + "'promptColumn' (a string column), 'messagesColumn' (array<struct<role,content>>) or "
                + "'bodyColumn' (a JSON string or struct column used as the request body).");
      }
    } else {
      option = given.get(0);
      String name =
          option.equals("promptColumn")
              ? config.promptColumn()
              : option.equals("messagesColumn") ? config.messagesColumn() : config.bodyColumn();
      ordinal = require(schema, name, option);
    }
    StructField input = schema.fields()[ordinal];
    DataType type = input.dataType();
    Kind kind;
    switch (option) {
      case "promptColumn":
        if (!(type instanceof StringType)) {
          throw wrongType(
              input,
              option,
              "a string column",
              "cast it, e.g. col(\"" + input.name() + "\").cast(\"string\")");
        }
        kind = Kind.PROMPT;
        break;
      case "messagesColumn":
        if (!chat) {
          throw new TogetherConfigException(
              "Option 'messagesColumn' (column '"
                  + input.name()
                  + "') needs the endpoint /v1/chat/completions, but 'endpoint' is "
                  + endpoint
                  + ". Use 'promptColumn' for /v1/completions, or the chat endpoint.");
        }
        checkMessagesType(input, option);
        kind = Kind.MESSAGES;
        break;
      default:
        if (type instanceof StringType) {
          kind = Kind.BODY_JSON;
        } else if (type instanceof StructType) {
          String problem = JsonValueWriter.unsupported(type, input.name());
          if (problem != null) {
            throw wrongType(
                input, option, "a JSON string or a struct of JSON-representable fields", problem);
          }
          String needed = chat ? "messages" : "prompt";
          if (find((StructType) type, needed) < 0) {
            throw wrongType(
                input,
                option,
                "a request body for " + endpoint + ", with a field '" + needed + "'",
                "add the field '" + needed + "' to the struct");
          }
          kind = Kind.BODY_STRUCT;
        } else {
          throw wrongType(
              input,
              option,
              "a JSON string or a struct column",
              "build it with to_json(...) or struct(...)");
        }
    }

    // systemPrompt
    String system = config.systemPrompt();
    if (system != null) {
      if (kind == Kind.BODY_JSON || kind == Kind.BODY_STRUCT) {
        throw new TogetherConfigException(
            "Option 'systemPrompt' cannot be combined with "
                + "'bodyColumn': bodies are sent verbatim. Put the system message into each body's "
                + "messages, or use 'promptColumn'/'messagesColumn'.");
      }
      if (!chat) {
        throw new TogetherConfigException(
            "Option 'systemPrompt' needs the endpoint "
                + "/v1/chat/completions (it becomes a system message); /v1/completions has no messages. "
                + "Put the instruction into the prompt column instead, e.g. concat(lit(\"...\"), "
                + "col(\"prompt\")).");
      }
      if (system.isEmpty()) {
        system = null;
      }
    }

    // body.<field> and the model
    LinkedHashMap<String, String> fields = new LinkedHashMap<>();
    String model = config.model();
    for (Map.Entry<String, String> e : config.bodyFields().entrySet()) {
      String field = e.getKey();
      String json = toJson(e.getValue());
      if (field.equals("model")) {
        String bodyModel = textValue(json);
        if (bodyModel == null || bodyModel.isBlank()) {
          throw new TogetherConfigException(
              "Option 'body.model' must be a model name, e.g. "
                  + "meta-llama/Llama-3.3-70B-Instruct-Turbo.");
        }
        if (model != null && !model.equals(bodyModel)) {
          throw new TogetherConfigException(
              "Options 'model' ("
                  + model
                  + ") and 'body.model' ("
                  + bodyModel
                  + ") disagree; set only 'model'.");
        }
        model = bodyModel.trim();
        continue;
      }
      if (kind == Kind.PROMPT || kind == Kind.MESSAGES) {
        String generated = chat ? "messages" : "prompt";
        if (field.equals(generated)) {
          throw new TogetherConfigException(
              "Option 'body."
                  + field
                  + "' would replace the "
                  + generated
                  + " built from column '"
                  + input.name()
                  + "' ('"
                  + option
                  + "'). Remove it, "
                  + "or use 'bodyColumn' to send whole bodies.");
        }
      }
      fields.put(field, json);
    }
    if (model == null && !(kind == Kind.BODY_JSON || kind == Kind.BODY_STRUCT)) {
      throw new TogetherConfigException(
          "Option 'model' is not set: name the model for every "
              + "request, e.g. .option(\"model\", \"meta-llama/Llama-3.3-70B-Instruct-Turbo\"), or use "
              + "'bodyColumn' with bodies that each name a \"model\".");
    }
    if (kind == Kind.BODY_STRUCT && model == null) {
      StructType st = (StructType) type;
      int mi = find(st, "model");
      if (mi < 0 || !(st.fields()[mi].dataType() instanceof StringType)) {
        throw new TogetherConfigException(
            "Option 'model' is not set and the struct column '"
                + input.name()
                + "' ('bodyColumn') has no string field 'model'. Set the option 'model' "
                + "or add a model field to the struct.");
      }
    }

    // custom_id
    IdKind idKind = IdKind.DERIVED;
    int idOrdinal = -1;
    String idName = null;
    DataType idType = null;
    if (config.idColumn() != null) {
      idOrdinal = require(schema, config.idColumn(), "idColumn");
      StructField f = schema.fields()[idOrdinal];
      idKind = idKindOf(f.dataType());
      if (idKind == null) {
        throw wrongType(
            f,
            "idColumn",
            "a string or integral (byte, short, int, long) column",
            "cast it, e.g. col(\"" + f.name() + "\").cast(\"string\")");
      }
      idName = f.name();
      idType = f.dataType();
    } else {
      for (String candidate : new String[] {"custom_id", "id"}) {
        int i = find(schema, candidate);
        if (i >= 0) {
          StructField f = schema.fields()[i];
          IdKind k = idKindOf(f.dataType());
          if (k != null) {
            idKind = k;
            idOrdinal = i;
            idName = f.name();
            idType = f.dataType();
            break;
          }
          LOG.info(
              "Column '{}' is {}, not a string or integral column, so it is not used as "
                  + "custom_id; ids are derived (set 'idColumn' to choose a column)",
              f.name(),
              f.dataType().simpleString());
        }
      }
    }
    return new InputMapping(
        kind,
        ordinal,
        input.name(),
        option,
        type,
        idKind,
        idOrdinal,
        idName,
        idType,
        model,
        fields,
        system,
        chat,
        endpoint);
  }

  private static IdKind idKindOf(DataType t) {
    if (t instanceof StringType) {
      return IdKind.STRING;
    }
    if (t instanceof LongType
        || t instanceof IntegerType
        || t instanceof ShortType
        || t instanceof ByteType) {
      return IdKind.INTEGRAL;
    }
    return null;
  }

  private static void checkMessagesType(StructField f, String option) {
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
    String problem = JsonValueWriter.unsupported(el, f.name());
    if (problem != null) {
      throw wrongType(f, option, expected, problem);
    }
  }

  private static TogetherDataException wrongType(
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

  private static int require(StructType schema, String name, String option) {
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

  private static String columns(StructType schema) {
    List<String> n = new ArrayList<>();
    for (StructField f : schema.fields()) {
      n.add(f.name());
    }
    return n.isEmpty() ? "none" : String.join(", ", n);
  }

  private static String quoteAll(List<String> names) {
    List<String> q = new ArrayList<>();
    for (String n : names) {
      q.add("'" + n + "'");
    }
    return String.join(" and ", q);
  }

  /**
   * A body.&lt;field&gt; value as JSON text: the value itself when it parses as one JSON value
   * (number, boolean, null, object, array, quoted string), else the value as a JSON string.
   */
  static String toJson(String raw) {
    if (raw == null) {
      return "null";
    }
    String t = raw.trim();
    if (!t.isEmpty()) {
      try {
        JsonNode n = MAPPER.readTree(t);
        if (n != null && !n.isMissingNode()) {
          return MAPPER.writeValueAsString(n);
        }
      } catch (JsonProcessingException notJson) {
        // a plain string
      }
    }
    try {
      return MAPPER.writeValueAsString(raw);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String textValue(String json) {
    try {
      JsonNode n = MAPPER.readTree(json);
      return n != null && n.isTextual() ? n.asText() : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return "InputMapping{"
        + kind
        + " from '"
        + inputColumn
        + "', custom_id "
        + (idKind == IdKind.DERIVED ? "derived" : "from '" + idColumn + "'")
        + ", model="
        + model
        + ", endpoint="
        + endpoint
        + ", bodyFields="
        + bodyFieldJson.keySet()
        + "}";
  }
}
