package io.github.sparktogetherbatch.codec;

import java.io.IOException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructType;

/**
 * {@code messagesColumn}: {@code {"model", "messages": [system?, ...the row's messages],
 * <body.*>}}, each message struct written by a {@link JsonValueWriter} built once for its type.
 */
final class MessagesBodyEncoder extends BodyEncoder {
  private final JsonValueWriter message;
  private final int fields;
  private final int role;
  private final int content;
  private final boolean contentIsString;

  MessagesBodyEncoder(InputMapping mapping, RowLabel row) {
    super(mapping, row);
    StructType el = (StructType) ((ArrayType) mapping.inputType).elementType();
    this.message = JsonValueWriter.forType(el, mapping.inputColumn + "[]");
    this.fields = mapping.structFields;
    this.role = mapping.roleOrdinal;
    this.content = mapping.contentOrdinal;
    this.contentIsString = mapping.contentIsString;
  }

  @Override
  void write(InternalRow r) throws IOException {
    int o = m.inputOrdinal;
    if (r.isNullAt(o)) {
      throw emptyInput("is null");
    }
    ArrayData a = r.getArray(o);
    int n = a.numElements();
    if (n == 0) {
      throw emptyInput("is an empty array (no messages)");
    }
    gen.writeStartObject();
    gen.writeFieldName(MODEL);
    gen.writeString(model);
    gen.writeFieldName(MESSAGES);
    gen.writeStartArray();
    writeSystem(gen);
    for (int i = 0; i < n; i++) {
      if (a.isNullAt(i)) {
        throw emptyInput("holds a null message at position " + i);
      }
      InternalRow msg = a.getStruct(i, fields);
      if (msg.isNullAt(role) || msg.getUTF8String(role).numBytes() == 0) {
        throw emptyInput("holds a message without a role at position " + i);
      }
      if (msg.isNullAt(content)) {
        throw emptyInput("holds a message with null content at position " + i);
      }
      if (contentIsString
          && isBlank(msg.getUTF8String(content))
          && "user".equals(msg.getUTF8String(role).toString())) {
        throw emptyInput("holds a user message with empty content at position " + i);
      }
      message.writeStruct(gen, msg);
    }
    gen.writeEndArray();
    writeBodyFields(gen, null);
    gen.writeEndObject();
  }

  @Override
  String emptyInputFix() {
    return "Every row needs a non-empty list of messages, each with a role and content: filter "
        + "such rows out or fix them.";
  }
}
