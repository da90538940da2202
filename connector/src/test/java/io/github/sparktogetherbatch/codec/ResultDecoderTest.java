package io.github.sparktogetherbatch.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResultDecoderTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static final String CHAT_BODY =
      "{\"id\":\"c-1\",\"object\":\"chat.completion\","
          + "\"created\":1,\"model\":\"m/x\",\"prompt\":[],\"choices\":[{\"index\":0,\"message\":"
          + "{\"role\":\"assistant\",\"content\":\"Hello \\\"there\\\" \\u00e9\",\"tool_calls\":[]},"
          + "\"logprobs\":null,\"finish_reason\":\"stop\",\"seed\":7}],\"usage\":{\"prompt_tokens\":12,"
          + "\"completion_tokens\":3,\"total_tokens\":15},\"system_fingerprint\":\"fp\"}";

  private final ResultDecoder full = new ResultDecoder(true, true);

  private DecodedResult decode(ResultDecoder d, String line) {
    DecodedResult r = new DecodedResult();
    assertEquals(ResultDecoder.Outcome.OK, d.decode(line, r), line);
    return r;
  }

  @Test
  void chatSuccessLine() throws IOException {
    String line =
        "{\"id\":\"br_1\",\"custom_id\":\"request-1\",\"response\":{\"status_code\":200,"
            + "\"request_id\":\"abc\",\"body\":"
            + CHAT_BODY
            + "}}";
    DecodedResult r = decode(full, line);
    assertEquals("request-1", r.customId);
    assertFalse(r.failed);
    assertEquals("m/x", r.model);
    assertEquals("Hello \"there\" \u00e9", r.content);
    assertEquals("stop", r.finishReason);
    assertEquals(12, r.promptTokens);
    assertEquals(3, r.completionTokens);
    assertEquals(15, r.totalTokens);
    assertNull(r.errorCode);
    assertNull(r.errorMessage);
    // The raw body, byte for byte.
    assertEquals(CHAT_BODY, r.response);
    assertEquals(MAPPER.readTree(CHAT_BODY), MAPPER.readTree(r.response));
  }

  @Test
  void decodesALineInsideABiggerBuffer() {
    // As the partition reader does: the line is a slice of a buffer holding other lines too.
    String line =
        "{\"id\":\"br_1\",\"custom_id\":\"r-\u00e9\",\"response\":{\"status_code\":200,"
            + "\"body\":"
            + CHAT_BODY
            + "}}";
    byte[] l = line.getBytes(StandardCharsets.UTF_8);
    byte[] buf = new byte[l.length + 20];
    java.util.Arrays.fill(buf, (byte) '{');
    System.arraycopy(l, 0, buf, 7, l.length);
    DecodedResult r = new DecodedResult();
    assertEquals(ResultDecoder.Outcome.OK, full.decode(buf, 7, l.length, r));
    assertEquals("r-\u00e9", r.customId);
    assertEquals("Hello \"there\" \u00e9", r.content);
    assertEquals(CHAT_BODY, r.response);
    assertEquals(15, r.totalTokens);
  }

  @Test
  void bytesThatAreNotUtf8AreMalformedUntilDecodedAsText() {
    byte[] line =
        "{\"custom_id\":\"a\",\"error\":\"bad \u00ff\u00fe\"}"
            .getBytes(StandardCharsets.ISO_8859_1);
    DecodedResult r = new DecodedResult();
    assertEquals(ResultDecoder.Outcome.MALFORMED, full.decode(line, 0, line.length, r));
    assertEquals(
        ResultDecoder.Outcome.OK, full.decode(new String(line, StandardCharsets.UTF_8), r));
    assertEquals("bad \ufffd\ufffd", r.errorMessage);
  }

  @Test
  void completionsSuccessLineAndFieldOrder() {
    // Fields in another order than usual; the response before the custom_id; OpenAI's error: null.
    String line =
        "{\"response\":{\"body\":{\"usage\":{\"total_tokens\":5,\"prompt_tokens\":2,"
            + "\"completion_tokens\":3},\"choices\":[{\"finish_reason\":\"length\",\"text\":\"one two\","
            + "\"index\":0},{\"text\":\"second choice\"}],\"model\":\"m/y\"},\"status_code\":200},"
            + "\"error\":null,\"custom_id\":\"c2\"}";
    DecodedResult r = decode(full, line);
    assertEquals("c2", r.customId);
    assertFalse(r.failed);
    assertEquals("one two", r.content);
    assertEquals("length", r.finishReason);
    assertEquals("m/y", r.model);
    assertEquals(2, r.promptTokens);
    assertEquals(3, r.completionTokens);
    assertEquals(5, r.totalTokens);
  }

  @Test
  void errorObjectLine() {
    DecodedResult r =
        decode(
            full,
            "{\"custom_id\":\"req-1\",\"error\":{\"message\":"
                + "\"Invalid model specified\",\"code\":\"invalid_model\",\"param\":null}}");
    assertEquals("req-1", r.customId);
    assertTrue(r.failed);
    assertEquals("invalid_model", r.errorCode);
    assertEquals("Invalid model specified", r.errorMessage);
    assertNull(r.content);
    assertNull(r.response);
  }

  @Test
  void errorObjectWithTypeOnlyOrNoMessage() {
    DecodedResult r =
        decode(
            full,
            "{\"custom_id\":\"a\",\"error\":{\"type\":\"server_error\","
                + "\"message\":\"boom\"}}");
    assertEquals("server_error", r.errorCode);
    assertEquals("boom", r.errorMessage);
    r = decode(full, "{\"custom_id\":\"b\",\"error\":{\"code\":42,\"detail\":{\"x\":1}}}");
    assertTrue(r.failed);
    assertEquals("42", r.errorCode);
    assertEquals("{\"code\":42,\"detail\":{\"x\":1}}", r.errorMessage);
  }

  @Test
  void errorStringLine() {
    DecodedResult r =
        decode(full, "{\"custom_id\":\"req-2\",\"error\":\"context length exceeded\"}");
    assertEquals("req-2", r.customId);
    assertTrue(r.failed);
    assertNull(r.errorCode);
    assertEquals("context length exceeded", r.errorMessage);
  }

  @Test
  void errorResponseLine() {
    String body =
        "{\"error\":{\"message\":\"bad things\",\"type\":\"invalid_request_error\","
            + "\"code\":\"emulated_failure\"}}";
    DecodedResult r =
        decode(
            full,
            "{\"custom_id\":\"req-3\",\"response\":{\"status_code\":400,"
                + "\"body\":"
                + body
                + "}}");
    assertEquals("req-3", r.customId);
    assertTrue(r.failed);
    assertEquals("emulated_failure", r.errorCode);
    assertEquals("bad things", r.errorMessage);
    assertEquals(body, r.response);
  }

  @Test
  void errorResponseWithoutCodeOrBody() {
    DecodedResult r =
        decode(
            full,
            "{\"custom_id\":\"a\",\"response\":{\"status_code\":500,"
                + "\"body\":{\"error\":{\"message\":\"m\",\"type\":\"server_error\"}}}}");
    assertEquals("server_error", r.errorCode);
    r = decode(full, "{\"custom_id\":\"b\",\"response\":{\"status_code\":503}}");
    assertTrue(r.failed);
    assertEquals("http_503", r.errorCode);
    assertTrue(r.errorMessage.contains("503"));
    r =
        decode(
            full,
            "{\"custom_id\":\"c\",\"response\":{\"status_code\":429,\"body\":{\"error\":\"slow down\"}}}");
    assertEquals("http_429", r.errorCode);
    assertEquals("slow down", r.errorMessage);
  }

  @Test
  void unknownFieldsAnywhereAreIgnored() {
    String line =
        "{\"x\":[1,{\"custom_id\":\"not me\"}],\"custom_id\":\"u1\",\"extra\":{\"a\":[true,null]},"
            + "\"response\":{\"status_code\":200,\"new\":{\"error\":\"no\"},\"body\":{\"choices\":[{\"message\":"
            + "{\"content\":\"hi\",\"reasoning\":{\"deep\":[1,2]}},\"finish_reason\":\"stop\",\"future\":[[]]}],"
            + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2,"
            + "\"details\":{\"cached\":0}},\"model\":\"m\",\"zzz\":{}}},\"trailing\":1.5e3}";
    DecodedResult r = decode(full, line);
    assertEquals("u1", r.customId);
    assertFalse(r.failed);
    assertEquals("hi", r.content);
    assertEquals("stop", r.finishReason);
    assertEquals(2, r.totalTokens);
    assertEquals("m", r.model);
  }

  @Test
  void numericCustomIdAndMissingTotal() {
    DecodedResult r =
        decode(
            full,
            "{\"custom_id\":17,\"response\":{\"status_code\":200,\"body\":"
                + "{\"choices\":[{\"message\":{\"content\":null},\"finish_reason\":\"tool_calls\"}],"
                + "\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":6}}}}");
    assertEquals("17", r.customId);
    assertFalse(r.failed);
    assertNull(r.content);
    assertEquals(10, r.totalTokens);
  }

  @Test
  void reasoningAndToolCallsOfTheMessage() {
    DecodedResult r =
        decode(
            full,
            "{\"custom_id\":\"t\",\"response\":{\"status_code\":200,\"body\":{\"choices\":"
                + "[{\"message\":{\"role\":\"assistant\",\"content\":null,\"reasoning\":\"think\","
                + "\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":"
                + "{\"name\":\"f\",\"arguments\":\"{}\"}}]},\"finish_reason\":\"tool_calls\"}]}}}");
    assertNull(r.content);
    assertEquals("think", r.reasoning);
    assertEquals(
        "[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\","
            + "\"arguments\":\"{}\"}}]",
        r.toolCalls);
    assertEquals("tool_calls", r.finishReason);
    DecodedResult none =
        decode(
            full,
            "{\"custom_id\":\"n\",\"response\":{\"status_code\":200,\"body\":{\"choices\":"
                + "[{\"message\":{\"content\":\"hi\",\"tool_calls\":[]},\"finish_reason\":\"eos\"}]}}}");
    assertNull(none.toolCalls, "an empty list is no call");
    assertNull(none.reasoning);
    assertEquals("eos", none.finishReason);
    DecodedResult lean =
        decode(
            new ResultDecoder(true, false, false, false),
            "{\"custom_id\":\"t\","
                + "\"response\":{\"body\":{\"choices\":[{\"message\":{\"content\":\"c\",\"reasoning\":\"r\","
                + "\"tool_calls\":[{}]}}]}}}");
    assertEquals("c", lean.content);
    assertNull(lean.reasoning);
    assertNull(lean.toolCalls);
  }

  @Test
  void contentAndResponseSkippedWhenNotRequested() {
    ResultDecoder lean = new ResultDecoder(false, false);
    String line =
        "{\"custom_id\":\"r\",\"response\":{\"status_code\":200,\"body\":" + CHAT_BODY + "}}";
    DecodedResult r = decode(lean, line);
    assertNull(r.content);
    assertNull(r.response);
    assertEquals("stop", r.finishReason);
    assertEquals(15, r.totalTokens);
  }

  @Test
  void neitherResponseNorError() {
    DecodedResult r = decode(full, "{\"custom_id\":\"n\",\"error\":null,\"response\":null}");
    assertTrue(r.failed);
    assertEquals(ResultDecoder.UNRECOGNIZED_CODE, r.errorCode);
  }

  @Test
  void badLines() {
    DecodedResult r = new DecodedResult();
    assertEquals(ResultDecoder.Outcome.MALFORMED, full.decode("not json", r));
    assertEquals(ResultDecoder.Outcome.MALFORMED, full.decode("[1,2]", r));
    assertEquals(
        ResultDecoder.Outcome.MALFORMED, full.decode("{\"custom_id\":\"x\",\"response\":{", r));
    assertEquals(
        ResultDecoder.Outcome.NO_CUSTOM_ID, full.decode("{\"response\":{\"status_code\":200}}", r));
    assertEquals(
        ResultDecoder.Outcome.NO_CUSTOM_ID, full.decode("{\"custom_id\":null,\"error\":\"x\"}", r));
    assertEquals(
        ResultDecoder.Outcome.NO_CUSTOM_ID,
        full.decode("{\"custom_id\":{\"a\":1},\"error\":\"x\"}", r));
  }

  @Test
  void reusedResultIsCleared() {
    DecodedResult r = new DecodedResult();
    full.decode(
        "{\"custom_id\":\"a\",\"response\":{\"status_code\":200,\"body\":" + CHAT_BODY + "}}", r);
    full.decode("{\"custom_id\":\"b\",\"error\":\"e\"}", r);
    assertEquals("b", r.customId);
    assertNull(r.model);
    assertNull(r.totalTokens);
    assertNull(r.response);
    assertEquals("e", r.errorMessage);
  }

  @Test
  void decodedRawBodyMatchesEveryEmulatorShapeAsTree() throws IOException {
    // Pretty-printed and nested bodies still slice to valid JSON equal to the original.
    JsonNode body = MAPPER.readTree(CHAT_BODY);
    String pretty =
        "{ \"custom_id\" : \"p\", \"response\" : { \"status_code\" : 200, \"body\" : "
            + MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(body).replace("\n", " ")
            + " } }";
    DecodedResult r = decode(full, pretty);
    assertEquals(body, MAPPER.readTree(r.response));
  }
}
