package io.github.sparktogetherbatch.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sparktogetherbatch.config.TogetherBatchOptions;
import io.github.sparktogetherbatch.config.WriteConfig;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code body.<field>} options as JSON text, and the model of every request: {@code model}, or
 * {@code body.model}, which must agree with it.
 */
final class BodyOptions {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** The request field {@code responseSchema} fills unless given. */
  static final String RESPONSE_FORMAT = "response_format";

  /** body.&lt;field&gt; options as JSON text, without {@code model}, in the options' order. */
  final LinkedHashMap<String, String> fields;

  /** The model from {@code model} or {@code body.model}; null when neither is set. */
  final String model;

  private BodyOptions(LinkedHashMap<String, String> fields, String model) {
    this.fields = fields;
    this.model = model;
  }

  /**
   * @param generated the body field built from the input column ({@code messages} or {@code
   *     prompt}), which no option may replace; null for body columns
   * @param inputColumn the input column, for messages
   * @param inputOption the option that named it, for messages
   */
  static BodyOptions resolve(
      WriteConfig config, String generated, String inputColumn, String inputOption) {
    String bodyModelOption = TogetherBatchOptions.BODY_PREFIX + TogetherBatchOptions.MODEL.name();
    LinkedHashMap<String, String> fields = new LinkedHashMap<>();
    String model = config.model();
    for (Map.Entry<String, String> e : config.bodyFields().entrySet()) {
      String field = e.getKey();
      String json = toJson(e.getValue());
      if (field.equals(TogetherBatchOptions.MODEL.name())) {
        String bodyModel = textValue(json);
        if (bodyModel == null || bodyModel.isBlank()) {
          throw new TogetherConfigException(
              "Option '"
                  + bodyModelOption
                  + "' must be a model name, e.g. "
                  + "meta-llama/Llama-3.3-70B-Instruct-Turbo.");
        }
        if (model != null && !model.equals(bodyModel)) {
          throw new TogetherConfigException(
              "Options '"
                  + TogetherBatchOptions.MODEL.name()
                  + "' ("
                  + model
                  + ") and '"
                  + bodyModelOption
                  + "' ("
                  + bodyModel
                  + ") disagree; set only '"
                  + TogetherBatchOptions.MODEL.name()
                  + "'.");
        }
        model = bodyModel.trim();
        continue;
      }
      if (field.equals(generated)) {
        throw new TogetherConfigException(
            "Option '"
                + TogetherBatchOptions.BODY_PREFIX
                + field
                + "' would replace the "
                + generated
                + " built from column '"
                + inputColumn
                + "' ('"
                + inputOption
                + "'). Remove it, "
                + "or use '"
                + TogetherBatchOptions.BODY_COLUMN.name()
                + "' to send whole bodies.");
      }
      fields.put(field, json);
    }
    if (config.responseSchema() != null) {
      // checked (and refused, naming the field) even when body.response_format replaces it
      String rf =
          JsonSchemaMapping.responseFormatJson(
              config.responseSchema(), TogetherBatchOptions.RESPONSE_SCHEMA.name());
      fields.putIfAbsent(RESPONSE_FORMAT, rf);
    }
    return new BodyOptions(fields, model);
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
}
