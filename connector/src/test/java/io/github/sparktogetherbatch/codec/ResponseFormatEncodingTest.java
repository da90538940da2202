package io.github.sparktogetherbatch.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import io.github.sparktogetherbatch.testing.WriteFixtures;
import java.io.IOException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/** The option responseSchema on the request lines of every input kind; no Spark job, no server. */
class ResponseFormatEncodingTest {
  private static final String SCHEMA = "label STRING NOT NULL, score DOUBLE";

  private static JsonNode body(InputMapping m, InternalRow r) throws IOException {
    RequestEncoder e = new RequestEncoder(m, 0);
    e.encode(r, 0);
    return RequestEncoderTest.line(e).get("body");
  }

  private static JsonNode expected() throws IOException {
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(
            JsonSchemaMapping.responseFormatJson(StructType.fromDDL(SCHEMA), "responseSchema"));
  }

  @Test
  void promptAndMessagesRequestsCarryTheJsonSchema() throws IOException {
    InputMapping prompt =
        InputMapping.resolve(
            WriteFixtures.schema("id STRING, prompt STRING"),
            WriteFixtures.config("model", "m", "idColumn", "id", "responseSchema", SCHEMA));
    assertEquals(expected(), body(prompt, WriteFixtures.row("a", "hi")).get("response_format"));
    assertEquals(
        StructType.fromDDL(SCHEMA).json(), prompt.responseSchemaJson(), "recorded in the job");
  }

  @Test
  void aBodysOwnResponseFormatWins() throws IOException {
    InputMapping json =
        InputMapping.resolve(
            WriteFixtures.schema("id STRING, body STRING"),
            WriteFixtures.config(
                "model", "m", "idColumn", "id", "bodyColumn", "body", "responseSchema", SCHEMA));
    JsonNode own =
        body(
            json,
            WriteFixtures.row(
                "a",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], "
                    + "\"response_format\": {\"type\": \"json_object\"}}"));
    assertEquals("json_object", own.path("response_format").path("type").asText());
    JsonNode none =
        body(
            json,
            WriteFixtures.row("b", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}"));
    assertEquals(expected(), none.get("response_format"));

    InputMapping struct =
        InputMapping.resolve(
            WriteFixtures.schema(
                "id STRING, body STRUCT<messages: ARRAY<STRUCT<role: STRING, content: STRING>>, "
                    + "response_format: STRUCT<type: STRING>>"),
            WriteFixtures.config(
                "model", "m", "idColumn", "id", "bodyColumn", "body", "responseSchema", SCHEMA));
    InternalRow message =
        new GenericInternalRow(
            new Object[] {UTF8String.fromString("user"), UTF8String.fromString("x")});
    InternalRow withFormat =
        new GenericInternalRow(
            new Object[] {
              new org.apache.spark.sql.catalyst.util.GenericArrayData(new Object[] {message}),
              new GenericInternalRow(new Object[] {UTF8String.fromString("text")})
            });
    JsonNode b =
        body(struct, new GenericInternalRow(new Object[] {UTF8String.fromString("c"), withFormat}));
    assertEquals("text", b.path("response_format").path("type").asText());
    InternalRow without =
        new GenericInternalRow(
            new Object[] {
              new org.apache.spark.sql.catalyst.util.GenericArrayData(new Object[] {message}), null
            });
    JsonNode b2 =
        body(struct, new GenericInternalRow(new Object[] {UTF8String.fromString("d"), without}));
    assertEquals(expected(), b2.get("response_format"));
  }

  @Test
  void aTypeWithoutJsonSchemaFailsTheMappingNamingTheField() {
    TogetherConfigException e =
        assertThrows(
            TogetherConfigException.class,
            () ->
                InputMapping.resolve(
                    WriteFixtures.schema("prompt STRING"),
                    WriteFixtures.config(
                        "model", "m", "responseSchema", "a STRING, m MAP<INT, STRING>")));
    assertTrue(e.getMessage().contains("'m'"), e.getMessage());
  }
}
