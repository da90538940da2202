package io.github.sparktogetherbatch.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sparktogetherbatch.config.WriteConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/** The prompt fast path writes exactly the bytes Jackson's generator writes. */
class JsonStringsTest {
  private static final JsonFactory JACKSON = new ObjectMapper().getFactory();

  private static byte[] jackson(byte[] s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JACKSON.createGenerator(out)) {
      g.writeUTF8String(s, 0, s.length);
    }
    byte[] b = out.toByteArray();
    return Arrays.copyOfRange(b, 1, b.length - 1); // without the quotes
  }

  private static byte[] ours(byte[] s, int pad) {
    byte[] padded = new byte[s.length + 2 * pad];
    Arrays.fill(padded, (byte) '"');
    System.arraycopy(s, 0, padded, pad, s.length);
    BodyBuffer out = new BodyBuffer();
    JsonStrings.escapeUtf8(padded, pad, s.length, out);
    return Arrays.copyOf(out.buf, out.size);
  }

  @Test
  void everyByteValueEscapesAsJacksonDoes() throws IOException {
    for (int b = 0; b < 256; b++) {
      byte[] one = {(byte) b};
      assertArrayEquals(jackson(one), ours(one, 3), "byte " + b);
      byte[] inRun = new byte[40];
      Arrays.fill(inRun, (byte) 'a');
      inRun[17] = (byte) b;
      assertArrayEquals(jackson(inRun), ours(inRun, 0), "byte " + b + " in a run");
    }
  }

  @Test
  void randomTextEscapesAsJacksonDoes() throws IOException {
    Random rnd = new Random(11);
    byte[] specials = {
      '"',
      '\\',
      '\n',
      '\r',
      '\t',
      0,
      0x1f,
      0x20,
      0x7f,
      (byte) 0x80,
      (byte) 0xc3,
      (byte) 0xa9,
      (byte) 0xff,
      '/',
      'u'
    };
    for (int round = 0; round < 5000; round++) {
      byte[] s = new byte[rnd.nextInt(300)];
      for (int i = 0; i < s.length; i++) {
        s[i] =
            rnd.nextInt(5) == 0
                ? specials[rnd.nextInt(specials.length)]
                : (byte) (' ' + rnd.nextInt(95));
      }
      assertArrayEquals(jackson(s), ours(s, rnd.nextInt(9)), "round " + round);
    }
  }

  /** The line the generator path wrote before the fast path existed. */
  private static String generatorLine(
      String id,
      String model,
      String system,
      boolean chat,
      Map<String, String> fields,
      String prompt)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(("{\"custom_id\":\"" + id + "\",\"body\":").getBytes(StandardCharsets.UTF_8));
    try (JsonGenerator g = JACKSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("model", model);
      byte[] p = prompt.getBytes(StandardCharsets.UTF_8);
      if (chat) {
        g.writeArrayFieldStart("messages");
        if (system != null) {
          g.writeStartObject();
          g.writeStringField("role", "system");
          g.writeStringField("content", system);
          g.writeEndObject();
        }
        g.writeStartObject();
        g.writeStringField("role", "user");
        g.writeFieldName("content");
        g.writeUTF8String(p, 0, p.length);
        g.writeEndObject();
        g.writeEndArray();
      } else {
        g.writeFieldName("prompt");
        g.writeUTF8String(p, 0, p.length);
      }
      for (Map.Entry<String, String> f : fields.entrySet()) {
        g.writeFieldName(f.getKey());
        g.writeRawValue(f.getValue());
      }
      g.writeEndObject();
    }
    out.write("}\n".getBytes(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void promptLinesAreTheGeneratorsBytes() throws IOException {
    String[] prompts = {
      "Hello \"world\"\n\u00e9\u4e2d",
      "plain",
      "tab\tand\\back",
      "x\u0001\u001f",
      "emoji \ud83d\ude00 </script>"
    };
    // With a system prompt and request fields, and without (completions are refused today).
    for (boolean full : new boolean[] {true, false}) {
      WriteConfig c =
          full
              ? RequestEncoderTest.config(
                  "model",
                  "meta/\"m\"\u00e9",
                  "systemPrompt",
                  "Be \"brief\".\n",
                  "body.max_tokens",
                  "200",
                  "body.response_format",
                  "{\"type\":\"json_object\"}",
                  "body.stop",
                  "END")
              : RequestEncoderTest.config("model", "meta/\"m\"\u00e9", "body.max_tokens", "200");
      InputMapping m = InputMapping.resolve(RequestEncoderTest.schema("id LONG, prompt STRING"), c);
      RequestEncoder e = new RequestEncoder(m, 0);
      for (int i = 0; i < prompts.length; i++) {
        // In a bigger array at an offset, as Spark's rows hold strings.
        byte[] p = prompts[i].getBytes(StandardCharsets.UTF_8);
        byte[] big = new byte[p.length + 10];
        System.arraycopy(p, 0, big, 5, p.length);
        UTF8String u = UTF8String.fromBytes(big, 5, p.length);
        e.encode(new GenericInternalRow(new Object[] {(long) i, u}), i);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        e.writeLine(out);
        assertEquals(
            generatorLine(
                Integer.toString(i),
                "meta/\"m\"\u00e9",
                full ? "Be \"brief\".\n" : null,
                true,
                m.bodyFieldJson,
                prompts[i]),
            out.toString(StandardCharsets.UTF_8));
        assertEquals(out.size(), e.lineLength());
      }
    }
  }
}
