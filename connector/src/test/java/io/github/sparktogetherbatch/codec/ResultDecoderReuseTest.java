package io.github.sparktogetherbatch.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One decoder (one Jackson parser) reads every line of a file: each line decodes exactly as it does
 * alone, whatever the lines before it were (cut short, not JSON, not UTF-8, trailing bytes, longer
 * than the parser's buffer).
 */
class ResultDecoderReuseTest {
  private static String good(String id, String content) {
    return "{\"id\":\"br\",\"custom_id\":\""
        + id
        + "\",\"response\":{\"status_code\":200,\"body\":{\"model\":\"m/x\",\"choices\":[{"
        + "\"message\":{\"role\":\"assistant\",\"content\":\""
        + content
        + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,"
        + "\"completion_tokens\":2,\"total_tokens\":5}}}}";
  }

  private static final String FAILED =
      "{\"custom_id\":\"f-1\",\"error\":{\"code\":\"model_not_found\",\"message\":\"no such model\"}}";

  /** Odd lines between good ones; each is decoded alone too, by a decoder of its own. */
  private static List<byte[]> lines() {
    List<String> s = new ArrayList<>();
    s.add(good("a-1", "first"));
    s.add("{\"custom_id\":\"cut-1\",\"response\":{\"status_code\":200,\"body\":{\"model\""); // cut
    s.add(good("a-2", "after a cut line"));
    s.add(good("a-3", "trailing") + " {\"custom_id\":\"x\"} garbage"); // trailing bytes ignored
    s.add(good("a-4", "after trailing bytes"));
    s.add("not json at all");
    s.add(FAILED);
    s.add("[1, 2, 3]");
    s.add(good("a-5", "after an array"));
    s.add("12345");
    s.add("\"a string\"");
    s.add(good("a-6", "after scalars"));
    s.add("   ");
    s.add("{\"no_id\":true}");
    s.add(good("a-7", "x".repeat(20_000))); // longer than Jackson's 8,000-byte read buffer
    s.add(good("a-8", "caf\\u00e9 \u00e9t\u00e9 \u2713"));
    s.add(
        "{\"custom_id\":\"n-1\",\"response\":{\"status_code\":500,\"body\":{\"error\":{\"x\":1}}}}");
    s.add("{\"custom_id\":\"a-9\"}}"); // an extra closing brace after the object
    s.add(good("a-10", "after an extra brace"));
    List<byte[]> out = new ArrayList<>();
    for (String line : s) {
      out.add(line.getBytes(StandardCharsets.UTF_8));
    }
    byte[] notUtf8 = good("bad-utf8", "XX").getBytes(StandardCharsets.UTF_8);
    int at = new String(notUtf8, StandardCharsets.ISO_8859_1).indexOf("XX");
    notUtf8[at] = (byte) 0xC3; // a lead byte followed by an ASCII byte: not UTF-8
    out.add(6, notUtf8);
    out.add(good("a-11", "last").getBytes(StandardCharsets.UTF_8));
    return out;
  }

  private static List<String> fields(ResultDecoder.Outcome outcome, DecodedResult r) {
    return Arrays.asList(
        outcome.name(),
        r.customId,
        String.valueOf(r.failed),
        r.model,
        r.content,
        r.finishReason,
        String.valueOf(r.promptTokens),
        String.valueOf(r.completionTokens),
        String.valueOf(r.totalTokens),
        r.errorCode,
        r.errorMessage,
        r.response);
  }

  @Test
  void everyLineDecodesAsItDoesAloneWithOneDecoderForAll() throws IOException {
    List<byte[]> lines = lines();
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    for (byte[] l : lines) {
      file.write(l);
      file.write('\n');
    }
    ResultDecoder shared = new ResultDecoder(true, true);
    DecodedResult r = new DecodedResult();
    List<String> okIds = new ArrayList<>();
    int i = 0;
    try (ResultLines in = new ResultLines(new ByteArrayInputStream(file.toByteArray()))) {
      while (in.next()) {
        ResultDecoder.Outcome got = shared.decode(in.bytes(), in.offset(), in.length(), r);
        List<String> sharedFields = fields(got, r);
        DecodedResult alone = new DecodedResult();
        byte[] line = lines.get(i);
        ResultDecoder.Outcome expected =
            new ResultDecoder(true, true).decode(line, 0, line.length, alone);
        assertEquals(fields(expected, alone), sharedFields, "line " + i);
        if (got == ResultDecoder.Outcome.OK && !r.failed) {
          okIds.add(r.customId);
        }
        i++;
      }
    }
    assertEquals(lines.size(), i);
    // A new parser only after each of the seven lines that did not end a root object: the cut one,
    // the one not JSON, the one not UTF-8, the array, the two scalars and the blank one.
    assertEquals(8, shared.parsersMade());
    // a-9 is a result without a response (failed); the others are the good lines.
    assertEquals(
        List.of("a-1", "a-2", "a-3", "a-4", "a-5", "a-6", "a-7", "a-8", "a-10", "a-11"), okIds);
  }

  @Test
  void contentAndRawResponseOfLinesAfterOddOnesAreExact() {
    ResultDecoder shared = new ResultDecoder(true, true);
    DecodedResult r = new DecodedResult();
    shared.decode("{\"custom_id\":\"cut\",\"response\":{\"body\":{\"choices\":[", r);
    shared.decode(good("t-1", "one") + "   trailing", r);
    String body =
        "{\"model\":\"m/y\",\"choices\":[{\"message\":{\"content\":\"two\"}}],\"usage\":{}}";
    assertEquals(
        ResultDecoder.Outcome.OK,
        shared.decode("{\"custom_id\":\"t-2\",\"response\":{\"body\":" + body + "}}", r));
    assertEquals("t-2", r.customId);
    assertEquals("two", r.content);
    assertEquals(body, r.response, "the raw body, byte for byte, from the line's own offsets");
    assertEquals(2, shared.parsersMade(), "the cut line's parser was replaced, then kept");
  }
}
