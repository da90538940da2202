package io.github.sparktogetherbatch.codec;

import java.io.IOException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;

/**
 * {@code bodyColumn} of structs: the struct's non-null fields are the body, written by a {@link
 * JsonValueWriter} built once for its type, with {@code model} and the {@code body.*} options added
 * only where the struct lacks them (or has them null). The fields' ordinals come from the {@link
 * InputMapping}.
 */
final class StructBodyEncoder extends BodyEncoder {
  private final JsonValueWriter struct;
  private final int fields;
  private final int modelField;
  private final int inputField;
  private final int[] optionFields;

  StructBodyEncoder(InputMapping mapping, RowLabel row) {
    super(mapping, row);
    this.struct = JsonValueWriter.forType((StructType) mapping.inputType, mapping.inputColumn);
    this.fields = mapping.structFields;
    this.modelField = mapping.structModelOrdinal;
    this.inputField = mapping.structInputOrdinal;
    this.optionFields = mapping.bodyFieldOrdinals;
  }

  @Override
  void write(InternalRow r) throws IOException {
    int o = m.inputOrdinal;
    if (r.isNullAt(o)) {
      throw emptyInput("is null");
    }
    InternalRow s = r.getStruct(o, fields);
    boolean hasModel =
        modelField >= 0 && !s.isNullAt(modelField) && !isBlank(s.getUTF8String(modelField));
    if (!hasModel && model == null) {
      throw noModel();
    }
    if (inputField < 0 || s.isNullAt(inputField)) {
      throw emptyInput(
          "has no \"" + (m.chat ? "messages" : "prompt") + "\" (required by " + m.endpoint + ")");
    }
    gen.writeStartObject();
    struct.writeStructFields(gen, s, hasModel ? -1 : modelField);
    if (!hasModel) {
      gen.writeFieldName(MODEL);
      gen.writeString(model);
    }
    for (int i = 0; i < fieldNames.length; i++) {
      int f = optionFields[i];
      if (f < 0 || s.isNullAt(f)) {
        gen.writeFieldName(fieldNames[i]);
        gen.writeRawValue(fieldJson[i]);
      }
    }
    gen.writeEndObject();
  }

  @Override
  String emptyInputFix() {
    return bodyFix();
  }
}
