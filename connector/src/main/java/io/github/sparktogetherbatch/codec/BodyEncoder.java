package io.github.sparktogetherbatch.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparktogetherbatch.exceptions.TogetherDataException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Writes one row's request body into a reused buffer: one subclass per input kind, chosen once per
 * task ({@link #of}), so a row costs one call and no switch. What the kinds share lives here: the
 * buffer and Jackson's streaming generator over it, the model, system message and {@code body.*}
 * fields (serialized once), and the messages for empty input.
 */
abstract class BodyEncoder {
  static final SerializedString MODEL = new SerializedString("model");
  static final SerializedString MESSAGES = new SerializedString("messages");
  static final SerializedString PROMPT = new SerializedString("prompt");
  static final SerializedString ROLE = new SerializedString("role");
  static final SerializedString CONTENT = new SerializedString("content");
  static final SerializedString SYSTEM = new SerializedString("system");
  static final SerializedString USER = new SerializedString("user");

  final InputMapping m;
  final RowLabel row;
  final BodyBuffer body = new BodyBuffer();

  /** Parses JSON-string bodies: exactly one value per cell, nothing after it. */
  final ObjectMapper mapper =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  final JsonFactory factory;
  JsonGenerator gen;
  final SerializedString model;
  final SerializedString systemPrompt;
  final SerializedString[] fieldNames;
  final String[] fieldJson;

  BodyEncoder(InputMapping mapping, RowLabel row) {
    this.m = mapping;
    this.row = row;
    this.factory = mapper.getFactory();
    // a body may be as large as a batch file (100 MB); Jackson's default caps strings at 20M chars
    factory.setStreamReadConstraints(RequestIds.LARGE_INPUT);
    this.gen = newGenerator();
    this.model = mapping.model == null ? null : new SerializedString(mapping.model);
    this.systemPrompt =
        mapping.systemPrompt == null ? null : new SerializedString(mapping.systemPrompt);
    int n = mapping.bodyFieldJson.size();
    this.fieldNames = new SerializedString[n];
    this.fieldJson = new String[n];
    int i = 0;
    for (Map.Entry<String, String> e : mapping.bodyFieldJson.entrySet()) {
      fieldNames[i] = new SerializedString(e.getKey());
      fieldJson[i] = e.getValue();
      i++;
    }
  }

  /** The encoder for the mapping's input kind. */
  static BodyEncoder of(InputMapping mapping, RowLabel row) {
    switch (mapping.kind) {
      case PROMPT:
        return new PromptBodyEncoder(mapping, row);
      case MESSAGES:
        return new MessagesBodyEncoder(mapping, row);
      case BODY_JSON:
        return new JsonBodyEncoder(mapping, row);
      default:
        return new StructBodyEncoder(mapping, row);
    }
  }

  /** Encodes the row's body into {@link #body} (emptied first). */
  final void encode(InternalRow r) throws IOException {
    body.reset();
    write(r);
    gen.flush();
  }

  /** Writes the body of {@code r}; throws {@link TogetherDataException} for bad input. */
  abstract void write(InternalRow r) throws IOException;

  /** What to do about rows with empty input, for {@link #emptyInput}. */
  abstract String emptyInputFix();

  /** After an error mid-body the generator is inside an unfinished object: start a new one. */
  final void reset() {
    gen = newGenerator();
    body.reset();
  }

  final void writeSystem(JsonGenerator g) throws IOException {
    if (systemPrompt != null) {
      g.writeStartObject();
      g.writeFieldName(ROLE);
      g.writeString(SYSTEM);
      g.writeFieldName(CONTENT);
      g.writeString(systemPrompt);
      g.writeEndObject();
    }
  }

  /** The body.* options, except those a JSON body already has (non-null). */
  final void writeBodyFields(JsonGenerator g, ObjectNode present) throws IOException {
    for (int i = 0; i < fieldNames.length; i++) {
      if (present != null) {
        JsonNode v = present.get(fieldNames[i].getValue());
        if (v != null && !v.isNull()) {
          continue;
        }
      }
      g.writeFieldName(fieldNames[i]);
      g.writeRawValue(fieldJson[i]);
    }
  }

  final TogetherDataException emptyInput(String what) {
    return new TogetherDataException(
        "Column '"
            + m.inputColumn
            + "' ('"
            + m.inputOption
            + "') "
            + what
            + " in "
            + row.where()
            + ". "
            + emptyInputFix());
  }

  /** A body of a body column without a model while the option 'model' is not set either. */
  final TogetherDataException noModel() {
    return new TogetherDataException(
        "The body in column '"
            + m.inputColumn
            + "' ('bodyColumn') of "
            + row.where()
            + " names no model, and the option 'model' is not set. Set the option 'model' "
            + "(used for bodies without one), or give every body a \"model\".");
  }

  /** The fix named for bodies with empty input. */
  final String bodyFix() {
    return "Every body must be a complete request body for "
        + m.endpoint
        + ": filter such rows "
        + "out or fix them.";
  }

  private JsonGenerator newGenerator() {
    try {
      JsonGenerator g = factory.createGenerator(body);
      g.setRootValueSeparator(null);
      return g;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether every byte is a space or a control character (read in place, not copied). */
  static boolean isBlank(UTF8String s) {
    Object base = s.getBaseObject();
    long offset = s.getBaseOffset();
    for (int i = 0, n = s.numBytes(); i < n; i++) {
      if ((Platform.getByte(base, offset + i) & 0xff) > ' ') {
        return false;
      }
    }
    return true;
  }
}
