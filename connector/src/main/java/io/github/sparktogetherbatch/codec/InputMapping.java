package io.github.sparktogetherbatch.codec;

import static io.github.sparktogetherbatch.codec.SchemaLookup.find;
import static io.github.sparktogetherbatch.codec.SchemaLookup.wrongType;

import io.github.sparktogetherbatch.config.Option;
import io.github.sparktogetherbatch.config.TogetherBatchOptions;
import io.github.sparktogetherbatch.config.WriteConfig;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import io.github.sparktogetherbatch.exceptions.TogetherDataException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a DataFrame's rows become requests: which column is the input (prompt, messages or a whole
 * body), which is the {@code custom_id}, the model and the fields merged into every body. Resolved
 * once on the driver against the DataFrame's schema, every ordinal included (the input column, the
 * id column, the fields of a message or body struct), so every schema problem (a missing column, a
 * wrong type, two input mappings, no model) fails the write before any task runs. Serializable:
 * executors build their {@link RequestEncoder} from it.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>Exactly one input mapping: {@code promptColumn}, {@code messagesColumn} or {@code
 *       bodyColumn}; without any, a column named {@code prompt} if present, else {@code messages}.
 *   <li>{@code idColumn}, else a column {@code custom_id}, else {@code id} (a defaulted column is
 *       used only when it is a string or integral column); without one, ids are derived (see {@link
 *       CustomIds}).
 *   <li>The model comes from {@code model} (or {@code body.model}); bodies from {@code bodyColumn}
 *       may name their own, checked per row.
 *   <li>{@code systemPrompt} is prepended as a system message. It is rejected for {@code
 *       /v1/completions} (there are no messages to prepend to; put it into the prompt column) and
 *       with {@code bodyColumn} (bodies are used verbatim; put it into the body's messages).
 * </ul>
 */
public final class InputMapping implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(InputMapping.class);

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

  /** The option responseSchema as a StructType's JSON, or null. */
  final String responseSchemaJson;

  final String endpoint;

  /** Fields of the message struct (messages) or of the body struct (struct bodies); else 0. */
  final int structFields;

  /** Messages: ordinals of a message's role and content, and whether content is a string. */
  final int roleOrdinal;

  final int contentOrdinal;
  final boolean contentIsString;

  /**
   * Struct bodies: ordinals of the body's model and messages/prompt field, and of each body.*
   * option's field, in the order of {@link #bodyFieldJson} (negative: the struct has none).
   */
  final int structModelOrdinal;

  final int structInputOrdinal;
  final int[] bodyFieldOrdinals;

  private InputMapping(
      Kind kind,
      int inputOrdinal,
      String inputColumn,
      String inputOption,
      DataType inputType,
      IdColumn id,
      BodyOptions body,
      String systemPrompt,
      boolean chat,
      String endpoint,
      StructType responseSchema) {
    this.kind = kind;
    this.inputOrdinal = inputOrdinal;
    this.inputColumn = inputColumn;
    this.inputOption = inputOption;
    this.inputType = inputType;
    this.idKind = id.kind;
    this.idOrdinal = id.ordinal;
    this.idColumn = id.name;
    this.idType = id.type;
    this.model = body.model;
    this.bodyFieldJson = body.fields;
    this.systemPrompt = systemPrompt;
    this.chat = chat;
    this.endpoint = endpoint;
    this.responseSchemaJson = responseSchema == null ? null : responseSchema.json();
    this.bodyFieldOrdinals = new int[bodyFieldJson.size()];
    Arrays.fill(bodyFieldOrdinals, -1);
    if (kind == Kind.MESSAGES) {
      StructType el = (StructType) ((ArrayType) inputType).elementType();
      this.structFields = el.fields().length;
      this.roleOrdinal = find(el, "role");
      this.contentOrdinal = find(el, "content");
      this.contentIsString = el.fields()[contentOrdinal].dataType() instanceof StringType;
      this.structModelOrdinal = -1;
      this.structInputOrdinal = -1;
    } else if (kind == Kind.BODY_STRUCT) {
      StructType st = (StructType) inputType;
      this.structFields = st.fields().length;
      this.roleOrdinal = -1;
      this.contentOrdinal = -1;
      this.contentIsString = false;
      this.structModelOrdinal = find(st, "model");
      this.structInputOrdinal = find(st, chat ? "messages" : "prompt");
      int i = 0;
      for (String f : bodyFieldJson.keySet()) {
        bodyFieldOrdinals[i++] = find(st, f);
      }
    } else {
      this.structFields = 0;
      this.roleOrdinal = -1;
      this.contentOrdinal = -1;
      this.contentIsString = false;
      this.structModelOrdinal = -1;
      this.structInputOrdinal = -1;
    }
  }

  /** Whether ids are derived (no id column): unique by construction. */
  public boolean idsDerived() {
    return idKind == IdKind.DERIVED;
  }

  boolean isBody() {
    return kind == Kind.BODY_JSON || kind == Kind.BODY_STRUCT;
  }

  /** The model to pass as the batch's {@code model_id}: only when every line has this model. */
  public String batchModelId() {
    return isBody() ? null : model;
  }

  /** The model every request gets unless its body names one; null only for body columns. */
  public String model() {
    return model;
  }

  public String endpoint() {
    return endpoint;
  }

  /** The input column's name. */
  public String inputColumn() {
    return inputColumn;
  }

  /** The option that named the input column, e.g. {@code promptColumn} (also when defaulted). */
  public String inputOption() {
    return inputOption;
  }

  /** The id column's name; null when ids are derived. */
  public String idColumn() {
    return idColumn;
  }

  /**
   * The option {@code responseSchema} as a {@code StructType}'s JSON (recorded in the job), or
   * null.
   */
  public String responseSchemaJson() {
    return responseSchemaJson;
  }

  Map<String, String> bodyFieldJson() {
    return Collections.unmodifiableMap(bodyFieldJson);
  }

  /**
   * Resolves the mapping; throws {@link TogetherConfigException} for option problems and {@link
   * TogetherDataException} for the DataFrame's columns (missing, wrong type).
   */
  public static InputMapping resolve(StructType schema, WriteConfig config) {
    String endpoint = config.endpoint();
    boolean chat = config.isChat();
    Option option = inputOption(schema, config);
    String optionName = option.name();
    String named = columnOf(option, config);
    int ordinal =
        named != null
            ? SchemaLookup.require(schema, named, optionName)
            : find(schema, option == TogetherBatchOptions.PROMPT_COLUMN ? "prompt" : "messages");
    StructField input = schema.fields()[ordinal];
    Kind kind = kindOf(input, option, chat, endpoint);
    boolean body = kind == Kind.BODY_JSON || kind == Kind.BODY_STRUCT;

    // systemPrompt
    String system = config.systemPrompt();
    if (system != null) {
      if (body) {
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
    BodyOptions fields =
        BodyOptions.resolve(
            config, body ? null : chat ? "messages" : "prompt", input.name(), optionName);
    if (fields.model == null && !body) {
      throw new TogetherConfigException(
          "Option 'model' is not set: name the model for every "
              + "request, e.g. .option(\"model\", \"meta-llama/Llama-3.3-70B-Instruct-Turbo\"), or use "
              + "'bodyColumn' with bodies that each name a \"model\".");
    }
    if (kind == Kind.BODY_STRUCT && fields.model == null) {
      StructType st = (StructType) input.dataType();
      int mi = find(st, "model");
      if (mi < 0 || !(st.fields()[mi].dataType() instanceof StringType)) {
        throw new TogetherConfigException(
            "Option 'model' is not set and the struct column '"
                + input.name()
                + "' ('bodyColumn') has no string field 'model'. Set the option 'model' "
                + "or add a model field to the struct.");
      }
    }
    return new InputMapping(
        kind,
        ordinal,
        input.name(),
        optionName,
        input.dataType(),
        IdColumn.resolve(schema, config),
        fields,
        system,
        chat,
        endpoint,
        config.responseSchema());
  }

  /**
   * The one input option given, else the defaulted one: {@code promptColumn} for a column named
   * prompt, else {@code messagesColumn} for one named messages.
   */
  private static Option inputOption(StructType schema, WriteConfig config) {
    List<Option> given = new ArrayList<>();
    if (config.promptColumn() != null) {
      given.add(TogetherBatchOptions.PROMPT_COLUMN);
    }
    if (config.messagesColumn() != null) {
      given.add(TogetherBatchOptions.MESSAGES_COLUMN);
    }
    if (config.bodyColumn() != null) {
      given.add(TogetherBatchOptions.BODY_COLUMN);
    }
    if (given.size() > 1) {
      List<String> q = new ArrayList<>();
      for (Option o : given) {
        q.add("'" + o.name() + "'");
      }
      throw new TogetherConfigException(
          "Options "
              + String.join(" and ", q)
              + " are all set; give exactly "
              + "one input mapping: 'promptColumn' (a string column), 'messagesColumn' "
              + "(array<struct<role,content>>) or 'bodyColumn' (a JSON string or struct column used as "
              + "the whole request body).");
    }
    if (!given.isEmpty()) {
      return given.get(0);
    }
    if (find(schema, "prompt") >= 0) {
      return TogetherBatchOptions.PROMPT_COLUMN;
    }
    if (find(schema, "messages") >= 0) {
      return TogetherBatchOptions.MESSAGES_COLUMN;
    }
    throw new TogetherConfigException(
        "No input column: the DataFrame has no column 'prompt' or "
            + "'messages' (its columns: "
            + SchemaLookup.columns(schema)
            + "). Name the input with the option "
            + "'promptColumn' (a string column), 'messagesColumn' (array<struct<role,content>>) or "
            + "'bodyColumn' (a JSON string or struct column used as the request body).");
  }

  /** The column the option names; null when the option was defaulted. */
  private static String columnOf(Option option, WriteConfig config) {
    if (option == TogetherBatchOptions.PROMPT_COLUMN) {
      return config.promptColumn();
    }
    return option == TogetherBatchOptions.MESSAGES_COLUMN
        ? config.messagesColumn()
        : config.bodyColumn();
  }

  /** What the input column holds, checked against its type and the endpoint. */
  private static Kind kindOf(StructField input, Option option, boolean chat, String endpoint) {
    DataType type = input.dataType();
    String name = option.name();
    if (option == TogetherBatchOptions.PROMPT_COLUMN) {
      if (!(type instanceof StringType)) {
        throw wrongType(
            input,
            name,
            "a string column",
            "cast it, e.g. col(\"" + input.name() + "\").cast(\"string\")");
      }
      return Kind.PROMPT;
    }
    if (option == TogetherBatchOptions.MESSAGES_COLUMN) {
      if (!chat) {
        throw new TogetherConfigException(
            "Option 'messagesColumn' (column '"
                + input.name()
                + "') needs the endpoint /v1/chat/completions, but 'endpoint' is "
                + endpoint
                + ". Use 'promptColumn' for /v1/completions, or the chat endpoint.");
      }
      SchemaLookup.checkMessagesType(input, name);
      return Kind.MESSAGES;
    }
    if (type instanceof StringType) {
      return Kind.BODY_JSON;
    }
    if (type instanceof StructType) {
      String problem = JsonValueWriter.unsupported(type, input.name());
      if (problem != null) {
        throw wrongType(
            input, name, "a JSON string or a struct of JSON-representable fields", problem);
      }
      String needed = chat ? "messages" : "prompt";
      if (find((StructType) type, needed) < 0) {
        throw wrongType(
            input,
            name,
            "a request body for " + endpoint + ", with a field '" + needed + "'",
            "add the field '" + needed + "' to the struct");
      }
      return Kind.BODY_STRUCT;
    }
    throw wrongType(
        input,
        name,
        "a JSON string or a struct column",
        "build it with to_json(...) or struct(...)");
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
