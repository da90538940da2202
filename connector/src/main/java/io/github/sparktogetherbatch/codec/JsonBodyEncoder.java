package io.github.sparktogetherbatch.codec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparktogetherbatch.exceptions.TogetherDataException;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * {@code bodyColumn} of JSON strings: each body is parsed (it must be checked: one object, a model,
 * a non-empty input) and sent as it is, with {@code model} and the {@code body.*} options added
 * only where the body lacks them (or has them null). The only kind that builds a tree per row.
 */
final class JsonBodyEncoder extends BodyEncoder {
  JsonBodyEncoder(InputMapping mapping, RowLabel row) {
    super(mapping, row);
  }

  @Override
  void write(InternalRow r) throws IOException {
    int o = m.inputOrdinal;
    if (r.isNullAt(o)) {
      throw emptyInput("is null");
    }
    byte[] b = r.getUTF8String(o).getBytes();
    JsonNode node;
    try {
      node = mapper.readTree(b);
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String at =
          loc == null ? "" : " (at line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
      // Jackson's own message quotes the text; it is left out on purpose.
      throw new TogetherDataException(
          "Column '"
              + m.inputColumn
              + "' ('bodyColumn') in "
              + row.where()
              + " is not valid JSON"
              + at
              + ". Each value must be one JSON object, the request body, "
              + "e.g. built with to_json(struct(...)).");
    }
    if (node == null || !node.isObject()) {
      throw emptyInput(
          node == null || node.isMissingNode()
              ? "is empty"
              : "is JSON but not an object ("
                  + node.getNodeType().name().toLowerCase(Locale.ROOT)
                  + ")");
    }
    ObjectNode obj = (ObjectNode) node;
    JsonNode mn = obj.get("model");
    boolean hasModel = mn != null && mn.isTextual() && !mn.asText().isBlank();
    if (mn != null && !mn.isNull() && !mn.isTextual()) {
      throw new TogetherDataException(
          "Column '"
              + m.inputColumn
              + "' ('bodyColumn') in "
              + row.where()
              + " has a \"model\" that is not a string. Give the model name as a string.");
    }
    if (!hasModel && model == null) {
      throw noModel();
    }
    String inputField = m.chat ? "messages" : "prompt";
    JsonNode in = obj.get(inputField);
    boolean inputOk =
        in != null
            && !in.isNull()
            && (m.chat
                ? in.isArray() && in.size() > 0
                : !(in.isTextual() && in.asText().isBlank()));
    if (!inputOk) {
      throw emptyInput("has no non-empty \"" + inputField + "\" (required by " + m.endpoint + ")");
    }
    gen.writeStartObject();
    Iterator<Map.Entry<String, JsonNode>> it = obj.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!hasModel && e.getKey().equals("model")) {
        continue;
      }
      if (e.getValue().isNull() && m.bodyFieldJson.containsKey(e.getKey())) {
        continue; // the option fills it below
      }
      gen.writeFieldName(e.getKey());
      gen.writeTree(e.getValue());
    }
    if (!hasModel) {
      gen.writeFieldName(MODEL);
      gen.writeString(model);
    }
    writeBodyFields(gen, obj);
    gen.writeEndObject();
  }

  @Override
  String emptyInputFix() {
    return bodyFix();
  }
}
