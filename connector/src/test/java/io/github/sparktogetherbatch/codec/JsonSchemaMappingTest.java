package io.github.sparktogetherbatch.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sparktogetherbatch.config.OptionParsers;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Spark type → JSON Schema mapping of the option responseSchema. */
class JsonSchemaMappingTest {
  private static final ObjectMapper M = new ObjectMapper();

  private static JsonNode schema(String ddl) {
    return JsonSchemaMapping.schemaOf(StructType.fromDDL(ddl), "responseSchema");
  }

  private static JsonNode json(String s) throws Exception {
    return M.readTree(s.replace('\'', '"'));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "STRING | {'type':'string'}",
        "BOOLEAN | {'type':'boolean'}",
        "TINYINT | {'type':'integer','minimum':-128,'maximum':127}",
        "SMALLINT | {'type':'integer','minimum':-32768,'maximum':32767}",
        "INT | {'type':'integer','minimum':-2147483648,'maximum':2147483647}",
        "BIGINT | {'type':'integer'}",
        "FLOAT | {'type':'number'}",
        "DOUBLE | {'type':'number'}",
        "DECIMAL(10,2) | {'type':'number'}",
        "DATE | {'type':'string','format':'date'}",
        "TIMESTAMP | {'type':'string','format':'date-time'}",
        "ARRAY<INT> | {'type':'array','items':{'type':['integer','null'],"
            + "'minimum':-2147483648,'maximum':2147483647}}",
        "MAP<STRING, DOUBLE> | {'type':'object','additionalProperties':{'type':['number','null']}}",
        "STRUCT<a: STRING NOT NULL> | {'type':'object','properties':{'a':{'type':'string'}},"
            + "'required':['a'],'additionalProperties':false}",
      })
  void everySupportedTypeNotNull(String type, String expected) throws Exception {
    JsonNode s = schema("x " + type + " NOT NULL");
    assertEquals(json(expected), s.path("properties").path("x"), type);
  }

  @Test
  void elementsAndValuesWithoutNullsAreNotUnions() throws Exception {
    StructType s =
        new StructType()
            .add("a", DataTypes.createArrayType(DataTypes.StringType, false), false)
            .add(
                "m",
                DataTypes.createMapType(DataTypes.StringType, DataTypes.BooleanType, false),
                false);
    JsonNode p = JsonSchemaMapping.schemaOf(s, "responseSchema").path("properties");
    assertEquals(json("{'type':'array','items':{'type':'string'}}"), p.path("a"));
    assertEquals(json("{'type':'object','additionalProperties':{'type':'boolean'}}"), p.path("m"));
  }

  @Test
  void nullableFieldsAreTypeUnionsWithNullAndEveryFieldIsRequired() throws Exception {
    JsonNode s =
        schema(
            "label STRING NOT NULL, score DOUBLE COMMENT 'from 0 to 1', "
                + "meta STRUCT<lang: STRING, tags: ARRAY<STRING>>");
    JsonNode expected =
        json(
            "{'type':'object','properties':{"
                + "'label':{'type':'string'},"
                + "'score':{'type':['number','null'],'description':'from 0 to 1'},"
                + "'meta':{'type':['object','null'],'properties':{"
                + "'lang':{'type':['string','null']},"
                + "'tags':{'type':['array','null'],'items':{'type':['string','null']}}},"
                + "'required':['lang','tags'],'additionalProperties':false}},"
                + "'required':['label','score','meta'],'additionalProperties':false}");
    assertEquals(expected, s);
  }

  @Test
  void theResponseFormatIsAStrictJsonSchema() throws Exception {
    JsonNode rf =
        M.readTree(
            JsonSchemaMapping.responseFormatJson(
                StructType.fromDDL("label STRING"), "responseSchema"));
    assertEquals("json_schema", rf.path("type").asText());
    assertEquals("response", rf.path("json_schema").path("name").asText());
    assertTrue(rf.path("json_schema").path("strict").asBoolean());
    assertEquals(schema("label STRING"), rf.path("json_schema").path("schema"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "a BINARY | 'a' | BINARY",
        "a STRING, m MAP<INT, STRING> | 'm' | MAP<INT,STRING>",
        "a INTERVAL DAY TO SECOND | 'a' | INTERVAL DAY TO SECOND",
        "a INTERVAL YEAR TO MONTH | 'a' | INTERVAL YEAR TO MONTH",
        "a TIMESTAMP_NTZ | 'a' | TIMESTAMP_NTZ",
        "a VOID | 'a' | VOID",
        "meta STRUCT<n: INT, blob: BINARY> | 'meta.blob' | BINARY",
        "items ARRAY<STRUCT<x: BINARY>> | 'items[].x' | BINARY",
        "m MAP<STRING, MAP<BOOLEAN, INT>> | 'm{}' | MAP<BOOLEAN,INT>",
      })
  void typesWithoutAFaithfulJsonSchemaAreRefusedNamingTheField(
      String ddl, String field, String type) {
    TogetherConfigException e = assertThrows(TogetherConfigException.class, () -> schema(ddl));
    assertTrue(e.getMessage().contains("field '" + field + "'"), e.getMessage());
    assertTrue(e.getMessage().contains(type), e.getMessage());
    assertTrue(e.getMessage().contains("responseSchema"), e.getMessage());
  }

  @Test
  void calendarIntervalsAndEmptyOrDuplicateStructsAreRefused() {
    StructType interval = new StructType().add("every", DataTypes.CalendarIntervalType);
    TogetherConfigException e =
        assertThrows(
            TogetherConfigException.class,
            () -> JsonSchemaMapping.schemaOf(interval, "responseSchema"));
    assertTrue(e.getMessage().contains("'every'"), e.getMessage());
    assertThrows(
        TogetherConfigException.class,
        () -> JsonSchemaMapping.schemaOf(new StructType(), "responseSchema"));
    StructType twice =
        new StructType().add("a", DataTypes.StringType).add("a", DataTypes.IntegerType);
    assertTrue(
        assertThrows(
                TogetherConfigException.class,
                () -> JsonSchemaMapping.schemaOf(twice, "responseSchema"))
            .getMessage()
            .contains("'a'"));
  }

  @Test
  void theOptionTakesDdlOrStructTypeJson() {
    StructType s = StructType.fromDDL("label STRING, score DOUBLE, tags ARRAY<STRING>");
    assertEquals(s, OptionParsers.structType("responseSchema", s.toDDL()));
    assertEquals(s, OptionParsers.structType("responseSchema", s.json()));
    // CHAR and VARCHAR are strings, as when Spark reads files
    assertEquals(
        StructType.fromDDL("a STRING, b ARRAY<STRING>"),
        OptionParsers.structType("responseSchema", "a VARCHAR(10), b ARRAY<CHAR(2)>"));
    TogetherConfigException notStruct =
        assertThrows(
            TogetherConfigException.class,
            () -> OptionParsers.structType("responseSchema", DataTypes.StringType.json()));
    assertTrue(notStruct.getMessage().contains("responseSchema"));
    TogetherConfigException bad =
        assertThrows(
            TogetherConfigException.class,
            () -> OptionParsers.structType("responseSchema", "label STRING,, score"));
    assertTrue(bad.getMessage().contains("responseSchema"));
  }

  /** A STRING field's metadata enum becomes the JSON Schema's enum (with null when nullable). */
  static void assertEnum(StructType s) {
    JsonNode label =
        JsonSchemaMapping.schemaOf(s, "responseSchema").path("properties").path("label");
    assertEquals("[\"positive\",\"negative\",null]", label.path("enum").toString());
  }

  @Test
  void anEnumOnlyOnStrings() {
    StructType s =
        new StructType()
            .add(
                "n",
                DataTypes.IntegerType,
                true,
                new org.apache.spark.sql.types.MetadataBuilder()
                    .putStringArray("enum", new String[] {"1"})
                    .build());
    assertTrue(
        assertThrows(
                TogetherConfigException.class,
                () -> JsonSchemaMapping.schemaOf(s, "responseSchema"))
            .getMessage()
            .contains("'n'"));
  }
}
