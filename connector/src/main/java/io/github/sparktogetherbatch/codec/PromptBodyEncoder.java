package io.github.sparktogetherbatch.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * {@code promptColumn}: {@code {"model", "messages": [system?, {"role": "user", "content":
 * prompt}], <body.* options>}} for chat and {@code {"model", "prompt", <body.*>}} for completions.
 * Everything Jackson writes before and after the prompt text is the same in every row (the mapping
 * always has a model for prompts), so it is written once into a template and a row only adds its
 * escaped prompt ({@link JsonStrings}).
 */
final class PromptBodyEncoder extends BodyEncoder {
  private final byte[] promptPrefix;
  private final byte[] promptSuffix;

  PromptBodyEncoder(InputMapping mapping, RowLabel row) {
    super(mapping, row);
    byte[][] t = template();
    this.promptPrefix = t[0];
    this.promptSuffix = t[1];
  }

  /**
   * Jackson's prompt body around an empty prompt, cut between the two quotes of {@code ""}, so the
   * bytes are the generator's own.
   */
  private byte[][] template() {
    try {
      BodyBuffer b = new BodyBuffer();
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

  @Override
  void write(InternalRow r) {
    int o = m.inputOrdinal;
    if (r.isNullAt(o)) {
      throw emptyInput("is null");
    }
    UTF8String p = r.getUTF8String(o);
    if (isBlank(p)) {
      throw emptyInput(p.numBytes() == 0 ? "is empty" : "is blank (whitespace only)");
    }
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
      arr = p.toString().getBytes(StandardCharsets.UTF_8);
      off = 0;
      len = arr.length;
    }
    JsonStrings.escapeUtf8(arr, off, len, body);
    body.write(promptSuffix, 0, promptSuffix.length);
  }

  @Override
  String emptyInputFix() {
    return "Every row needs a non-empty prompt: filter such rows out (e.g. "
        + "df.filter(\"length(trim("
        + m.inputColumn
        + ")) > 0\")) or fill them.";
  }
}
