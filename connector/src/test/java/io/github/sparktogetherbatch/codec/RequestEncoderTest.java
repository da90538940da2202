package io.github.sparktogetherbatch.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sparktogetherbatch.config.WriteConfig;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import io.github.sparktogetherbatch.exceptions.TogetherDataException;
import io.github.sparktogetherbatch.testing.WriteFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/** Row → JSONL line, and the driver-side mapping checks; no Spark job, no server. */
class RequestEncoderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET_TEXT = "TOP-SECRET-PROMPT-TEXT";

  static WriteConfig config(String... kv) {
    return WriteFixtures.config(kv);
  }

  static StructType schema(String ddl) {
    return WriteFixtures.schema(ddl);
  }

  static InternalRow row(Object... values) {
    return WriteFixtures.row(values);
  }

  static JsonNode line(RequestEncoder e) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    e.writeLine(out);
    byte[] b = out.toByteArray();
    assertEquals(e.lineLength(), b.length);
    assertEquals('\n', b[b.length - 1]);
    String s = new String(b, StandardCharsets.UTF_8);
    assertEquals(1, s.split("\n", -1).length - 1, "exactly one line");
    return JSON.readTree(s);
  }

  @Test
  void promptChatWithSystemPromptAndJsonBodyFields() throws IOException {
    WriteConfig c =
        config(
            "model",
            "m1",
            "systemPrompt",
            "Be brief.",
            "body.max_tokens",
            "200",
            "body.temperature",
            "0.2",
            "body.response_format",
            "{\"type\":\"json_object\"}",
            "body.stop",
            "END",
            "body.logprobs",
            "true",
            "body.seed",
            "null",
            "body.quoted",
            "\"7\"");
    InputMapping m = InputMapping.resolve(schema("custom_id STRING, prompt STRING"), c);
    RequestEncoder e = new RequestEncoder(m, 0);
    e.encode(row("q-1", "Hello \"world\"\n\u00e9\u4e2d"), 0);
    JsonNode n = line(e);
    assertEquals("q-1", n.get("custom_id").asText());
    JsonNode body = n.get("body");
    assertEquals("m1", body.get("model").asText());
    assertEquals(2, body.get("messages").size());
    assertEquals("system", body.at("/messages/0/role").asText());
    assertEquals("Be brief.", body.at("/messages/0/content").asText());
    assertEquals("user", body.at("/messages/1/role").asText());
    assertEquals("Hello \"world\"\n\u00e9\u4e2d", body.at("/messages/1/content").asText());
    assertTrue(body.get("max_tokens").isIntegralNumber());
    assertEquals(200, body.get("max_tokens").asInt());
    assertEquals(0.2, body.get("temperature").asDouble());
    assertEquals("json_object", body.at("/response_format/type").asText());
    assertEquals("END", body.get("stop").asText());
    assertTrue(body.get("logprobs").isBoolean());
    assertTrue(body.get("seed").isNull());
    assertEquals("7", body.get("quoted").asText());
    assertEquals(CustomIds.digest("q-1"), e.idDigest());
  }

  @Test
  void promptAndIntegralIds() throws IOException {
    WriteConfig c = config("model", "m2");
    InputMapping m = InputMapping.resolve(schema("id BIGINT, prompt STRING"), c);
    assertEquals(InputMapping.IdKind.INTEGRAL, m.idKind);
    RequestEncoder e = new RequestEncoder(m, 3);
    e.encode(row(1234567890123L, "Once upon"), 0);
    JsonNode n = line(e);
    assertEquals("1234567890123", n.get("custom_id").asText());
    assertEquals("Once upon", n.at("/body/messages/0/content").asText());
    assertFalse(n.get("body").has("prompt"));
  }

  @Test
  void derivedIdsAreDeterministicAndBounded() throws IOException {
    WriteConfig c = config("model", "m");
    InputMapping m = InputMapping.resolve(schema("prompt STRING, other INT"), c);
    assertTrue(m.idsDerived());
    RequestEncoder a = new RequestEncoder(m, 7);
    RequestEncoder b = new RequestEncoder(m, 7);
    a.encode(row("same text", 1), 41);
    b.encode(row("same text", 1), 41);
    assertEquals(a.customId(), b.customId());
    assertTrue(a.customId().matches("r-7-41-[0-9a-f]{8}"), a.customId());
    b.encode(row("other text", 1), 41);
    assertNotEquals(a.customId(), b.customId());
    String longest = CustomIds.derivedId(Integer.MAX_VALUE, Long.MAX_VALUE, -1L);
    assertTrue(longest.length() <= CustomIds.MAX_ID_CHARS, longest);
    assertEquals(a.customId(), line(a).get("custom_id").asText());
  }

  @Test
  void messagesColumnKeepsExtraFieldsAndPrependsSystem() throws IOException {
    WriteConfig c = config("model", "m", "systemPrompt", "sys");
    StructType s =
        schema(
            "custom_id STRING, messages ARRAY<STRUCT<role: STRING, content: STRING, "
                + "name: STRING>>");
    InputMapping m = InputMapping.resolve(s, c);
    assertEquals(InputMapping.Kind.MESSAGES, m.kind);
    RequestEncoder e = new RequestEncoder(m, 0);
    InternalRow msg1 = row("user", "hi", null);
    InternalRow msg2 = row("assistant", "hello", "bot");
    e.encode(row("a", new GenericArrayData(new Object[] {msg1, msg2})), 0);
    JsonNode body = line(e).get("body");
    assertEquals(3, body.get("messages").size());
    assertEquals("sys", body.at("/messages/0/content").asText());
    assertFalse(body.at("/messages/1").has("name"), "null fields are left out");
    assertEquals("bot", body.at("/messages/2/name").asText());

    TogetherDataException empty =
        assertThrows(
            TogetherDataException.class,
            () -> e.encode(row("b", new GenericArrayData(new Object[0])), 1));
    assertTrue(empty.getMessage().contains("'b'") && empty.getMessage().contains("messages"));
    // the encoder is usable after a data error
    e.encode(row("c", new GenericArrayData(new Object[] {msg1})), 2);
    assertEquals("c", line(e).get("custom_id").asText());
  }

  @Test
  void jsonBodyColumnIsVerbatimWithModelAndOptionsFilledIn() throws IOException {
    WriteConfig c = config("model", "fallback", "bodyColumn", "req", "body.max_tokens", "5");
    InputMapping m = InputMapping.resolve(schema("custom_id STRING, req STRING"), c);
    assertEquals(InputMapping.Kind.BODY_JSON, m.kind);
    RequestEncoder e = new RequestEncoder(m, 0);
    e.encode(
        row(
            "x",
            "{\"model\":\"own\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}],"
                + "\"max_tokens\":9,\"tools\":[{\"a\":1.5}]}"),
        0);
    JsonNode body = line(e).get("body");
    assertEquals("own", body.get("model").asText());
    assertEquals(9, body.get("max_tokens").asInt(), "the body's own field wins");
    assertEquals(1.5, body.at("/tools/0/a").asDouble());
    e.encode(row("y", "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}"), 1);
    body = line(e).get("body");
    assertEquals("fallback", body.get("model").asText());
    assertEquals(5, body.get("max_tokens").asInt());
  }

  @Test
  void jsonBodyErrorsNameTheRowNotTheText() {
    WriteConfig c = config("bodyColumn", "req");
    InputMapping m = InputMapping.resolve(schema("custom_id STRING, req STRING"), c);
    RequestEncoder e = new RequestEncoder(m, 0);
    TogetherDataException bad =
        assertThrows(
            TogetherDataException.class,
            () -> e.encode(row("r1", "{\"messages\": " + SECRET_TEXT), 0));
    assertTrue(bad.getMessage().contains("'r1'") && bad.getMessage().contains("bodyColumn"));
    assertFalse(bad.getMessage().contains(SECRET_TEXT), bad.getMessage());
    TogetherDataException trailing =
        assertThrows(
            TogetherDataException.class,
            () ->
                e.encode(
                    row(
                        "r3",
                        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]} "
                            + SECRET_TEXT),
                    2));
    assertTrue(trailing.getMessage().contains("'r3'"));
    assertFalse(trailing.getMessage().contains(SECRET_TEXT));
    TogetherDataException noModel =
        assertThrows(
            TogetherDataException.class,
            () ->
                e.encode(
                    row(
                        "r2",
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"" + SECRET_TEXT + "\"}]}"),
                    1));
    assertTrue(noModel.getMessage().contains("'r2'") && noModel.getMessage().contains("'model'"));
    assertFalse(noModel.getMessage().contains(SECRET_TEXT));
  }

  @Test
  void structBody() throws IOException {
    WriteConfig c = config("bodyColumn", "b", "body.temperature", "0");
    StructType s =
        schema(
            "custom_id STRING, b STRUCT<model: STRING, messages: ARRAY<STRUCT<role: "
                + "STRING, content: STRING>>, max_tokens: INT, temperature: DOUBLE, extra: MAP<STRING, "
                + "BIGINT>>");
    InputMapping m = InputMapping.resolve(s, c);
    assertEquals(InputMapping.Kind.BODY_STRUCT, m.kind);
    RequestEncoder e = new RequestEncoder(m, 0);
    InternalRow msgs = row("user", "q");
    e.encode(
        row(
            "s1",
            row(
                "mm",
                new GenericArrayData(new Object[] {msgs}),
                7,
                null,
                new org.apache.spark.sql.catalyst.util.ArrayBasedMapData(
                    new GenericArrayData(new Object[] {UTF8String.fromString("k")}),
                    new GenericArrayData(new Object[] {3L})))),
        0);
    JsonNode body = line(e).get("body");
    assertEquals("mm", body.get("model").asText());
    assertEquals(7, body.get("max_tokens").asInt());
    assertEquals(0, body.get("temperature").asInt(), "a null struct field takes the option");
    assertEquals(3, body.at("/extra/k").asInt());
  }

  @Test
  void idAndPromptValidation() {
    WriteConfig c = config("model", "m", "idColumn", "key");
    InputMapping m = InputMapping.resolve(schema("key STRING, prompt STRING"), c);
    RequestEncoder e = new RequestEncoder(m, 2);
    TogetherDataException nullPrompt =
        assertThrows(TogetherDataException.class, () -> e.encode(row("k1", null), 0));
    assertTrue(nullPrompt.getMessage().contains("'k1'"));
    assertTrue(nullPrompt.getMessage().contains("promptColumn"));
    TogetherDataException blank =
        assertThrows(TogetherDataException.class, () -> e.encode(row("k2", " \n\t"), 1));
    assertTrue(blank.getMessage().contains("'k2'"));
    TogetherDataException nullId =
        assertThrows(TogetherDataException.class, () -> e.encode(row(null, SECRET_TEXT), 2));
    assertTrue(nullId.getMessage().contains("'key'") && nullId.getMessage().contains("idColumn"));
    String longId = "x".repeat(65);
    TogetherDataException tooLong =
        assertThrows(TogetherDataException.class, () -> e.encode(row(longId, SECRET_TEXT), 3));
    assertTrue(tooLong.getMessage().contains("64") && tooLong.getMessage().contains("65"));
    assertFalse(tooLong.getMessage().contains(SECRET_TEXT));
    e.encode(row("x".repeat(64), "ok"), 4); // exactly 64 is fine
  }

  @Test
  void mappingErrors() {
    assertThrows(
        TogetherConfigException.class,
        () -> InputMapping.resolve(schema("question STRING"), config("model", "m")));
    TogetherConfigException two =
        assertThrows(
            TogetherConfigException.class,
            () ->
                InputMapping.resolve(
                    schema("p STRING, b STRING"),
                    config("model", "m", "promptColumn", "p", "bodyColumn", "b")));
    assertTrue(
        two.getMessage().contains("promptColumn") && two.getMessage().contains("bodyColumn"));
    TogetherDataException type =
        assertThrows(
            TogetherDataException.class,
            () -> InputMapping.resolve(schema("prompt INT"), config("model", "m")));
    assertTrue(type.getMessage().contains("'prompt'") && type.getMessage().contains("int"));
    assertThrows(
        TogetherDataException.class,
        () -> InputMapping.resolve(schema("messages ARRAY<STRING>"), config("model", "m")));
    assertThrows(
        TogetherDataException.class,
        () ->
            InputMapping.resolve(
                schema("prompt STRING, k DOUBLE"), config("model", "m", "idColumn", "k")));
    assertThrows(
        TogetherDataException.class,
        () ->
            InputMapping.resolve(
                schema("prompt STRING"), config("model", "m", "idColumn", "nope")));
    TogetherConfigException model =
        assertThrows(
            TogetherConfigException.class,
            () -> InputMapping.resolve(schema("prompt STRING"), config()));
    assertTrue(model.getMessage().contains("'model'"));
    assertThrows(
        TogetherConfigException.class,
        () ->
            InputMapping.resolve(
                schema("prompt STRING"),
                config("model", "m", "endpoint", "/v1/completions", "systemPrompt", "s")));
    assertThrows(
        TogetherConfigException.class,
        () ->
            InputMapping.resolve(
                schema("prompt STRING"), config("model", "m", "body.messages", "[]")));
    assertThrows(
        TogetherConfigException.class,
        () ->
            InputMapping.resolve(
                schema("b STRING"), config("model", "m", "bodyColumn", "b", "systemPrompt", "s")));
    // a defaulted id column of another type is not used
    assertTrue(
        InputMapping.resolve(schema("prompt STRING, id DOUBLE"), config("model", "m"))
            .idsDerived());
    // body.model counts as the model
    assertEquals(
        "bm", InputMapping.resolve(schema("prompt STRING"), config("body.model", "bm")).model);
  }

  @Test
  void bodyFieldValues() {
    assertEquals("200", BodyOptions.toJson("200"));
    assertEquals("true", BodyOptions.toJson("true"));
    assertEquals("{\"a\":[1,2]}", BodyOptions.toJson(" {\"a\": [1, 2]} "));
    assertEquals("\"hello\"", BodyOptions.toJson("hello"));
    assertEquals("\"2024-01-01\"", BodyOptions.toJson("2024-01-01"));
    assertEquals("\"{broken\"", BodyOptions.toJson("{broken"));
    assertEquals("null", BodyOptions.toJson("null"));
  }
}
