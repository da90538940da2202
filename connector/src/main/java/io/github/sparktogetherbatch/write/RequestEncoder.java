package io.github.sparktogetherbatch.write;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparktogetherbatch.exceptions.TogetherDataException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Turns one {@link InternalRow} into one JSONL request line, {@code {"custom_id": ..., "body":
 * {...}}}, with Jackson's streaming generator and typed getters: no {@code Row} conversion, no
 * per-row tree except for JSON-string bodies (which must be parsed to be checked). Built once per
 * task from the driver's {@link InputMapping}; reuses its buffers, so {@link #encode} allocates
 * little more than the id.
 *
 * <p>Bodies: {@code promptColumn} gives {@code {"model", "messages": [system?, {"role": "user",
 * "content": prompt}], <body.* options>}} for chat and {@code {"model", "prompt", <body.*>}} for
 * completions; {@code messagesColumn} gives {@code {"model", "messages": [system?, ...rows'
 * messages], <body.*>}}; {@code bodyColumn} is sent as it is, with {@code model} and the {@code
 * body.*} options added only where the body lacks them (or has them null).
 *
 * <p><b>Derived ids.</b> Without an id column, {@code custom_id} is {@code
 * r-<partitionId>-<rowIndex>-<h>}: the Spark partition, the row's 0-based position in it, and
 * {@code h}, the first 8 hex digits of a 64-bit hash (FNV-1a with a Murmur3 finalizer) of the
 * request body's JSON bytes. At most 2+10+1+19+1+8 = 41 characters. Unique within a write by
 * construction (partition and position), and the same for the same input in the same order, so a
 * retried task produces the same ids; the hash part lets a result be matched against its request
 * text.
 *
 * <p>Every per-row problem is a {@link TogetherDataException} naming the column, the option, the
 * row's custom_id (or its partition and position) and the fix, never the row's text.
 */
final class RequestEncoder {
  /** Together's limit on custom_id length, in characters. */
  static final int MAX_ID_CHARS = 64;

  private static final byte[] PREFIX = bytes("{\"custom_id\":");
  private static final byte[] MIDDLE = bytes(",\"body\":");
  private static final byte[] SUFFIX = bytes("}\n");
  private static final SerializedString MODEL = new SerializedString("model");
  private static final SerializedString MESSAGES = new SerializedString("messages");
  private static final SerializedString PROMPT = new SerializedString("prompt");
  private static final SerializedString ROLE = new SerializedString("role");
  private static final SerializedString CONTENT = new SerializedString("content");
  private static final SerializedString SYSTEM = new SerializedString("system");
  private static final SerializedString USER = new SerializedString("user");
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final InputMapping m;
  private final int partitionId;
  private final Buffer body = new Buffer();

  /** Parses JSON-string bodies: exactly one value per cell, nothing after it. */
  private final ObjectMapper mapper =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final JsonFactory factory;
  private JsonGenerator gen;
  private final SerializedString model;
  private final SerializedString systemPrompt;
  private final SerializedString[] fieldNames;
  private final String[] fieldJson;

  /** Struct bodies: the body's writer; messages: one message's writer. */
  private final JsonValueWriter structWriter;

  private final int structFields;
  private final int roleOrdinal;
  private final int contentOrdinal;
  private final boolean contentIsString;

  /** Struct bodies: ordinals of model, messages/prompt, and of each body.* field (-1: absent). */
  private final int structModel;

  private final int structInput;
  private final int[] fieldInStruct;

  /**
   * Prompt bodies: everything Jackson writes before and after the prompt text (model, system
   * message, role, body.* fields are the same in every row), so that a row only adds its escaped
   * prompt; null for other inputs.
   */
  private final byte[] promptPrefix;

  private final byte[] promptSuffix;

  private long rowIndex;
  private String customId;
  private byte[] quotedId;
  private long idDigest;

  RequestEncoder(InputMapping mapping, int partitionId) {
    this.m = mapping;
    this.partitionId = partitionId;
    this.factory = mapper.getFactory();
    // a body may be as large as a batch file (100 MB); Jackson's default caps strings at 20M chars
    factory.setStreamReadConstraints(IdDigest.LARGE_INPUT);
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
    this.fieldInStruct = new int[n];
    Arrays.fill(fieldInStruct, -1);
    if (mapping.kind == InputMapping.Kind.MESSAGES) {
      StructType el = (StructType) ((ArrayType) mapping.inputType).elementType();
      this.structWriter = JsonValueWriter.forType(el, mapping.inputColumn + "[]");
      this.structFields = el.fields().length;
      this.roleOrdinal = InputMapping.find(el, "role");
      this.contentOrdinal = InputMapping.find(el, "content");
      this.contentIsString = el.fields()[contentOrdinal].dataType() instanceof StringType;
      this.structModel = -1;
      this.structInput = -1;
    } else if (mapping.kind == InputMapping.Kind.BODY_STRUCT) {
      StructType st = (StructType) mapping.inputType;
      this.structWriter = JsonValueWriter.forType(st, mapping.inputColumn);
      this.structFields = st.fields().length;
      this.roleOrdinal = -1;
      this.contentOrdinal = -1;
      this.contentIsString = false;
      this.structModel = InputMapping.find(st, "model");
      this.structInput = InputMapping.find(st, mapping.chat ? "messages" : "prompt");
      i = 0;
      for (String f : mapping.bodyFieldJson.keySet()) {
        fieldInStruct[i++] = InputMapping.find(st, f);
      }
    } else {
      this.structWriter = null;
      this.structFields = 0;
      this.roleOrdinal = -1;
      this.contentOrdinal = -1;
      this.contentIsString = false;
      this.structModel = -1;
      this.structInput = -1;
    }
    if (mapping.kind == InputMapping.Kind.PROMPT && model != null) {
      byte[][] t = promptTemplate();
      this.promptPrefix = t[0];
      this.promptSuffix = t[1];
    } else {
      this.promptPrefix = null;
      this.promptSuffix = null;
    }
  }

  /**
   * Jackson's prompt body around an empty prompt, cut between the two quotes of {@code ""}: the
   * same calls as the generator path of {@link #encodePrompt}, so the bytes are the same.
   */
  private byte[][] promptTemplate() {
    try {
      Buffer b = new Buffer();
      JsonGenerator g = factory.createGenerator(b);
      g.setRootValueSeparator(null);
      g.writeStartObject();
      g.writeFieldName(MODEL);
      g.writeString(model);
      if (m.chat) {
        g.writeFieldName(MESSAGES);
        g.writeStartArray();
        writeSystem(g);
        g.writeStartObject();
        g.writeFieldName(ROLE);
        g.writeString(USER);
        g.writeFieldName(CONTENT);
      } else {
        g.writeFieldName(PROMPT);
      }
      g.writeString("");
      g.flush();
      int cut = b.size - 1;
      if (m.chat) {
        g.writeEndObject();
        g.writeEndArray();
      }
      writeBodyFields(g, null);
      g.writeEndObject();
      g.flush();
      return new byte[][] {
        Arrays.copyOfRange(b.buf, 0, cut), Arrays.copyOfRange(b.buf, cut, b.size)
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Encodes {@code row}, the {@code rowIndex}-th (0-based) row of this partition. Afterwards {@link
   * #customId()}, {@link #idDigest()}, {@link #lineLength()} and {@link #writeLine} describe it,
   * until the next call.
   */
  void encode(InternalRow row, long rowIndex) {
    this.rowIndex = rowIndex;
    this.customId = null;
    if (m.idKind != InputMapping.IdKind.DERIVED) {
      customId = readId(row);
    }
    body.reset();
    try {
      switch (m.kind) {
        case PROMPT:
          encodePrompt(row);
          break;
        case MESSAGES:
          encodeMessages(row);
          break;
        case BODY_JSON:
          encodeJsonBody(row);
          break;
        default:
          encodeStructBody(row);
      }
      gen.flush();
    } catch (JsonValueWriter.BadValueException e) {
      resetGenerator();
      throw new TogetherDataException(
          "Column '"
              + m.inputColumn
              + "' ('"
              + m.inputOption
              + "') in "
              + where()
              + ": "
              + e.getMessage()
              + ". Replace such values (e.g. with null) first.");
    } catch (TogetherDataException e) {
      resetGenerator();
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (customId == null) {
      long h = IdDigest.hash64(body.buf, 0, body.size);
      customId = derivedId(partitionId, rowIndex, h);
    }
    quotedId = IdDigest.quoted(customId);
    idDigest = IdDigest.hash64(quotedId, 0, quotedId.length);
  }

  /** {@code r-<partition>-<row>-<first 8 hex digits of the body hash>}. */
  static String derivedId(int partitionId, long rowIndex, long bodyHash) {
    char[] h = new char[8];
    for (int i = 0; i < 8; i++) {
      h[i] = HEX[(int) (bodyHash >>> (60 - 4 * i)) & 0xf];
    }
    return "r-" + partitionId + "-" + rowIndex + "-" + new String(h);
  }

  String customId() {
    return customId;
  }

  /** The {@link IdDigest} of the current custom_id. */
  long idDigest() {
    return idDigest;
  }

  /** Bytes of the current line, newline included. */
  int lineLength() {
    return PREFIX.length + quotedId.length + MIDDLE.length + body.size + SUFFIX.length;
  }

  /** Writes the current line, newline included. */
  void writeLine(OutputStream out) throws IOException {
    out.write(PREFIX);
    out.write(quotedId);
    out.write(MIDDLE);
    out.write(body.buf, 0, body.size);
    out.write(SUFFIX);
  }

  /** How messages name the current row: its custom_id, or its position when ids are derived. */
  String where() {
    if (customId != null) {
      return "the row with custom_id '" + customId + "'";
    }
    return "row " + rowIndex + " of partition " + partitionId + " (ids are derived: no idColumn)";
  }

  // ---------------------------------------------------------------------------------------------

  private String readId(InternalRow row) {
    int o = m.idOrdinal;
    String label = "Column '" + m.idColumn + "' (custom_id; option 'idColumn')";
    if (row.isNullAt(o)) {
      throw new TogetherDataException(
          label
              + " is null in row "
              + rowIndex
              + " of partition "
              + partitionId
              + ". Every request needs a unique, non-empty custom_id: fill or drop rows "
              + "without one, or choose another 'idColumn'.");
    }
    String id;
    if (m.idKind == InputMapping.IdKind.STRING) {
      id = row.getUTF8String(o).toString();
    } else if (m.idType instanceof IntegerType) {
      id = Integer.toString(row.getInt(o));
    } else if (m.idType instanceof ShortType) {
      id = Short.toString(row.getShort(o));
    } else if (m.idType instanceof ByteType) {
      id = Byte.toString(row.getByte(o));
    } else {
      id = Long.toString(row.getLong(o));
    }
    if (id.isBlank()) {
      throw new TogetherDataException(
          label
              + " is empty in row "
              + rowIndex
              + " of partition "
              + partitionId
              + ". Every request needs a unique, non-empty custom_id: fill or drop rows "
              + "without one, or choose another 'idColumn'.");
    }
    int chars = id.codePointCount(0, id.length());
    if (chars > MAX_ID_CHARS) {
      String shown = id.substring(0, id.offsetByCodePoints(0, MAX_ID_CHARS)) + "...";
      throw new TogetherDataException(
          label
              + " has a value of "
              + chars
              + " characters in row "
              + rowIndex
              + " of partition "
              + partitionId
              + " ('"
              + shown
              + "'); Together allows at most "
              + MAX_ID_CHARS
              + ". Use shorter unique ids, e.g. sha2(col(\""
              + m.idColumn
              + "\"), 256) (64 hex characters).");
    }
    return id;
  }

  private void encodePrompt(InternalRow row) throws IOException {
    int o = m.inputOrdinal;
    if (row.isNullAt(o)) {
      throw emptyInput("is null");
    }
    UTF8String p = row.getUTF8String(o);
    if (isBlank(p)) {
      throw emptyInput(p.numBytes() == 0 ? "is empty" : "is blank (whitespace only)");
    }
    if (promptPrefix != null) {
      body.write(promptPrefix, 0, promptPrefix.length);
      Object base = p.getBaseObject();
      byte[] arr;
      int off;
      int len = p.numBytes();
      if (base instanceof byte[]) {
        arr = (byte[]) base;
        off = (int) (p.getBaseOffset() - Platform.BYTE_ARRAY_OFFSET);
      } else {
        arr = p.getBytes();
        off = 0;
      }
      if (!JsonValueWriter.isValidUtf8(arr, off, len)) {
        // As Spark decodes it (U+FFFD for malformed bytes): invalid UTF-8 would fail the whole
        // batch.
        arr = p.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        off = 0;
        len = arr.length;
      }
      JsonStrings.escapeUtf8(arr, off, len, body);
      body.write(promptSuffix, 0, promptSuffix.length);
      return;
    }
    gen.writeStartObject();
    gen.writeFieldName(MODEL);
    gen.writeString(model);
    if (m.chat) {
      gen.writeFieldName(MESSAGES);
      gen.writeStartArray();
      writeSystem();
      gen.writeStartObject();
      gen.writeFieldName(ROLE);
      gen.writeString(USER);
      gen.writeFieldName(CONTENT);
      JsonValueWriter.writeUtf8(gen, p);
      gen.writeEndObject();
      gen.writeEndArray();
    } else {
      gen.writeFieldName(PROMPT);
      JsonValueWriter.writeUtf8(gen, p);
    }
    writeBodyFields(null);
    gen.writeEndObject();
  }

  private void encodeMessages(InternalRow row) throws IOException {
    int o = m.inputOrdinal;
    if (row.isNullAt(o)) {
      throw emptyInput("is null");
    }
    ArrayData a = row.getArray(o);
    int n = a.numElements();
    if (n == 0) {
      throw emptyInput("is an empty array (no messages)");
    }
    gen.writeStartObject();
    gen.writeFieldName(MODEL);
    gen.writeString(model);
    gen.writeFieldName(MESSAGES);
    gen.writeStartArray();
    writeSystem();
    for (int i = 0; i < n; i++) {
      if (a.isNullAt(i)) {
        throw emptyInput("holds a null message at position " + i);
      }
      InternalRow msg = a.getStruct(i, structFields);
      if (msg.isNullAt(roleOrdinal) || msg.getUTF8String(roleOrdinal).numBytes() == 0) {
        throw emptyInput("holds a message without a role at position " + i);
      }
      if (msg.isNullAt(contentOrdinal)) {
        throw emptyInput("holds a message with null content at position " + i);
      }
      if (contentIsString
          && isBlank(msg.getUTF8String(contentOrdinal))
          && "user".equals(msg.getUTF8String(roleOrdinal).toString())) {
        throw emptyInput("holds a user message with empty content at position " + i);
      }
      structWriter.writeStruct(gen, msg);
    }
    gen.writeEndArray();
    writeBodyFields(null);
    gen.writeEndObject();
  }

  private void encodeJsonBody(InternalRow row) throws IOException {
    int o = m.inputOrdinal;
    if (row.isNullAt(o)) {
      throw emptyInput("is null");
    }
    byte[] b = row.getUTF8String(o).getBytes();
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
              + where()
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
              + where()
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
      if (e.getValue().isNull() && hasOption(e.getKey())) {
        continue; // the option fills it below
      }
      gen.writeFieldName(e.getKey());
      gen.writeTree(e.getValue());
    }
    if (!hasModel) {
      gen.writeFieldName(MODEL);
      gen.writeString(model);
    }
    writeBodyFields(obj);
    gen.writeEndObject();
  }

  private void encodeStructBody(InternalRow row) throws IOException {
    int o = m.inputOrdinal;
    if (row.isNullAt(o)) {
      throw emptyInput("is null");
    }
    InternalRow s = row.getStruct(o, structFields);
    boolean hasModel =
        structModel >= 0 && !s.isNullAt(structModel) && !isBlank(s.getUTF8String(structModel));
    if (!hasModel && model == null) {
      throw noModel();
    }
    if (structInput < 0 || s.isNullAt(structInput)) {
      throw emptyInput(
          "has no \"" + (m.chat ? "messages" : "prompt") + "\" (required by " + m.endpoint + ")");
    }
    gen.writeStartObject();
    structWriter.writeStructFields(gen, s, hasModel ? -1 : structModel);
    if (!hasModel) {
      gen.writeFieldName(MODEL);
      gen.writeString(model);
    }
    for (int i = 0; i < fieldNames.length; i++) {
      int f = fieldInStruct[i];
      if (f < 0 || s.isNullAt(f)) {
        gen.writeFieldName(fieldNames[i]);
        gen.writeRawValue(fieldJson[i]);
      }
    }
    gen.writeEndObject();
  }

  private boolean hasOption(String field) {
    return m.bodyFieldJson.containsKey(field);
  }

  private void writeSystem() throws IOException {
    writeSystem(gen);
  }

  private void writeSystem(JsonGenerator g) throws IOException {
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
  private void writeBodyFields(ObjectNode present) throws IOException {
    writeBodyFields(gen, present);
  }

  private void writeBodyFields(JsonGenerator g, ObjectNode present) throws IOException {
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

  private TogetherDataException emptyInput(String what) {
    String fix;
    switch (m.kind) {
      case PROMPT:
        fix =
            "Every row needs a non-empty prompt: filter such rows out (e.g. "
                + "df.filter(\"length(trim("
                + m.inputColumn
                + ")) > 0\")) or fill them.";
        break;
      case MESSAGES:
        fix =
            "Every row needs a non-empty list of messages, each with a role and content: filter "
                + "such rows out or fix them.";
        break;
      default:
        fix =
            "Every body must be a complete request body for "
                + m.endpoint
                + ": filter such rows "
                + "out or fix them.";
    }
    return new TogetherDataException(
        "Column '"
            + m.inputColumn
            + "' ('"
            + m.inputOption
            + "') "
            + what
            + " in "
            + where()
            + ". "
            + fix);
  }

  private TogetherDataException noModel() {
    return new TogetherDataException(
        "The body in column '"
            + m.inputColumn
            + "' ('bodyColumn') of "
            + where()
            + " names no model, and the option 'model' is not set. Set the option 'model' "
            + "(used for bodies without one), or give every body a \"model\".");
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

  /** After an error mid-body the generator is inside an unfinished object: start a new one. */
  private void resetGenerator() {
    gen = newGenerator();
    body.reset();
  }

  /** Whether every byte is a space or a control character (read in place, not copied). */
  private static boolean isBlank(UTF8String s) {
    Object base = s.getBaseObject();
    long offset = s.getBaseOffset();
    for (int i = 0, n = s.numBytes(); i < n; i++) {
      if ((Platform.getByte(base, offset + i) & 0xff) > ' ') {
        return false;
      }
    }
    return true;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** A growable byte buffer the generator writes one body into. */
  static final class Buffer extends OutputStream {
    byte[] buf = new byte[8192];
    int size;

    @Override
    public void write(int b) {
      ensure(1);
      buf[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, buf, size, len);
      size += len;
    }

    private void ensure(int n) {
      if (size + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
      }
    }

    void reset() {
      size = 0;
    }
  }
}
