package io.github.sparktogetherbatch.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Decoding answers into the column parsed: Spark's JSON rules, tolerated wrappers, misfits. */
class ParsedContentTest {
  private static DecodedResult decode(String ddl, String content) {
    return decode(ddl, content, "UTC");
  }

  private static DecodedResult decode(String ddl, String content, String zone) {
    DecodedResult r = new DecodedResult();
    r.customId = "id";
    r.content = content;
    new ParsedContent(StructType.fromDDL(ddl), zone).apply(r);
    return r;
  }

  private static InternalRow row(DecodedResult r) {
    assertFalse(r.failed, () -> "failed: " + r.errorMessage);
    return (InternalRow) r.parsed;
  }

  private static String misfit(String ddl, String content) {
    DecodedResult r = decode(ddl, content);
    assertTrue(r.failed, "expected a misfit");
    assertEquals(ParsedContent.INVALID_RESPONSE_FORMAT, r.errorCode);
    assertNull(r.parsed);
    assertEquals(content, r.content, "content is kept");
    return r.errorMessage;
  }

  @Test
  void scalarsNestedValuesAndMaps() {
    InternalRow r =
        row(
            decode(
                "label STRING, score DOUBLE, n INT, big BIGINT, ok BOOLEAN, f FLOAT, "
                    + "tags ARRAY<STRING>, meta STRUCT<lang: STRING, n: SMALLINT>, "
                    + "counts MAP<STRING, TINYINT>",
                "{\"label\": \"pos\", \"score\": 0.75, \"n\": 3, \"big\": 9007199254740993, "
                    + "\"ok\": true, \"f\": 1, \"tags\": [\"a\", null], "
                    + "\"meta\": {\"lang\": \"en\", \"n\": -2, \"extra\": [1, {\"x\": 2}]}, "
                    + "\"counts\": {\"x\": 1, \"y\": null}, \"unknown\": {\"deep\": [1]}}"));
    assertEquals("pos", r.getUTF8String(0).toString());
    assertEquals(0.75, r.getDouble(1));
    assertEquals(3, r.getInt(2));
    assertEquals(9007199254740993L, r.getLong(3));
    assertTrue(r.getBoolean(4));
    assertEquals(1.0f, r.getFloat(5));
    ArrayData tags = r.getArray(6);
    assertEquals(2, tags.numElements());
    assertEquals("a", tags.getUTF8String(0).toString());
    assertTrue(tags.isNullAt(1));
    InternalRow meta = r.getStruct(7, 2);
    assertEquals("en", meta.getUTF8String(0).toString());
    assertEquals((short) -2, meta.getShort(1));
    MapData counts = r.getMap(8);
    assertEquals(2, counts.numElements());
    assertEquals("x", counts.keyArray().getUTF8String(0).toString());
    assertEquals((byte) 1, counts.valueArray().getByte(0));
    assertTrue(counts.valueArray().isNullAt(1));
  }

  @Test
  void missingFieldsAndNullsAreNullWhereNullable() {
    InternalRow r = row(decode("a STRING, b INT, c ARRAY<INT>", "{\"b\": null}"));
    assertTrue(r.isNullAt(0));
    assertTrue(r.isNullAt(1));
    assertTrue(r.isNullAt(2));
  }

  @Test
  void aFieldGivenTwiceTakesTheLastValue() {
    assertEquals(2, row(decode("a INT", "{\"a\": 1, \"a\": 2}")).getInt(0));
  }

  @Test
  void stringsTakeAnyValueAsItsJsonText() {
    InternalRow r =
        row(
            decode(
                "a STRING, b STRING, c STRING, d STRING",
                "{\"a\": 12.50, \"b\": true, \"c\": {\"x\": [1, \"y\"]}, \"d\": [ ]}"));
    assertEquals("12.50", r.getUTF8String(0).toString());
    assertEquals("true", r.getUTF8String(1).toString());
    assertEquals("{\"x\":[1,\"y\"]}", r.getUTF8String(2).toString());
    assertEquals("[]", r.getUTF8String(3).toString());
  }

  @Test
  void fractionalNumbersTakeIntegersAndNonNumericStrings() {
    InternalRow r =
        row(
            decode(
                "a DOUBLE, b DOUBLE, c DOUBLE, d FLOAT, e DOUBLE",
                "{\"a\": 3, \"b\": \"NaN\", \"c\": \"-Infinity\", \"d\": \"+INF\", \"e\": 1e3}"));
    assertEquals(3.0, r.getDouble(0));
    assertTrue(Double.isNaN(r.getDouble(1)));
    assertEquals(Double.NEGATIVE_INFINITY, r.getDouble(2));
    assertEquals(Float.POSITIVE_INFINITY, r.getFloat(3));
    assertEquals(1000.0, r.getDouble(4));
  }

  @Test
  void decimalsRoundHalfUpAndTakeNumericStrings() {
    InternalRow r =
        row(decode("a DECIMAL(5,2), b DECIMAL(5,2)", "{\"a\": 1.005, \"b\": \"123.4\"}"));
    assertEquals(new BigDecimal("1.01"), r.getDecimal(0, 5, 2).toJavaBigDecimal());
    assertEquals(new BigDecimal("123.40"), r.getDecimal(1, 5, 2).toJavaBigDecimal());
    String m = misfit("a DECIMAL(5,2)", "{\"a\": 1234.5}");
    assertTrue(m.contains("'a'") && m.contains("DECIMAL(5,2)"), m);
  }

  @Test
  void datesAndTimestampsAsSparkReadsThem() {
    InternalRow r =
        row(
            decode(
                "d DATE, d2 DATE, t TIMESTAMP, t2 TIMESTAMP, t3 TIMESTAMP, t4 TIMESTAMP",
                "{\"d\": \"2026-12-31\", \"d2\": \"2026-02-03T10:00:00Z\", "
                    + "\"t\": \"2026-12-31T23:59:59Z\", \"t2\": \"2026-12-31T23:59:59.123+01:00\", "
                    + "\"t3\": \"2026-12-31 08:00:00\", \"t4\": 86400}",
                "America/New_York"));
    assertEquals((int) LocalDate.of(2026, 12, 31).toEpochDay(), r.getInt(0));
    assertEquals((int) LocalDate.of(2026, 2, 3).toEpochDay(), r.getInt(1));
    assertEquals(micros("2026-12-31T23:59:59Z"), r.getLong(2));
    assertEquals(micros("2026-12-31T22:59:59.123Z"), r.getLong(3));
    // no offset: the session time zone
    assertEquals(micros("2026-12-31T13:00:00Z"), r.getLong(4));
    assertEquals(86_400_000_000L, r.getLong(5));
    assertTrue(misfit("d DATE", "{\"d\": \"last tuesday\"}").contains("'d'"));
    assertTrue(misfit("t TIMESTAMP", "{\"t\": \"2026-13-01T00:00:00Z\"}").contains("'t'"));
  }

  private static long micros(String instant) {
    Instant i = Instant.parse(instant);
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "plain | {\"label\": \"x\"}",
        "spaces | '  \n {\"label\": \"x\"} \n '",
        "fence | '```json\n{\"label\": \"x\"}\n```'",
        "fence without tag | '```\n{\"label\": \"x\"}\n```\n'",
        "think | '<think>\nthe user wants {json}\n</think>\n\n{\"label\": \"x\"}'",
        "think and fence | '<think>hmm</think>\n```json\n{\"label\": \"x\"}\n```'",
        "text after the fence | '```json\n{\"label\": \"x\"}\n```\nHope this helps.'",
      })
  void thinkBlocksAndCodeFencesAreTolerated(String name, String content) {
    assertEquals("x", row(decode("label STRING", content)).getUTF8String(0).toString(), name);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "text | Echo: hello | not JSON",
        "empty | '' | empty",
        "array | '[{\"label\": \"x\"}]' | expected a JSON object, got an array",
        "truncated | '{\"label\": \"x\", \"sc' | ends before",
        "text after | '{\"label\": \"x\"} and more' | followed by more text",
        "unclosed think | '<think>thinking...' | </think>",
      })
  void contentThatIsNotOneJsonObjectFails(String name, String content, String why) {
    String m = misfit("label STRING", content);
    assertTrue(m.contains(why), name + ": " + m);
  }

  @Test
  void noContentFails() {
    DecodedResult r = decode("label STRING", null);
    assertTrue(r.failed);
    assertTrue(r.errorMessage.contains("no content"), r.errorMessage);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "a INT | {\"a\": \"7\"} | field 'a': expected an integer (INT), got a string",
        "a INT | {\"a\": 1.5} | field 'a': expected an integer (INT), got a fractional number",
        "a INT | {\"a\": 3000000000} | field 'a': 3000000000 is out of range for INT",
        "a TINYINT | {\"a\": 300} | field 'a': 300 is out of range for TINYINT",
        "a BIGINT | {\"a\": 99999999999999999999} | out of range for BIGINT",
        "a BOOLEAN | {\"a\": \"true\"} | field 'a': expected true or false (BOOLEAN), got a string",
        "a DOUBLE | {\"a\": \"high\"} | field 'a': expected a number (DOUBLE), got the string 'high'",
        "a ARRAY<INT> | {\"a\": 1} | field 'a': expected an array, got an integer",
        "a STRING NOT NULL | {} | field 'a': is missing, but the field is NOT NULL",
        "a STRING NOT NULL | {\"a\": null} | field 'a': is null, but the type is NOT NULL",
        "e ARRAY<STRUCT<name: STRING, score: DOUBLE>> | {\"e\": [{\"score\": 1}, {\"score\": \"x\"}]}"
            + " | field 'e[1].score': expected a number (DOUBLE)",
        "m MAP<STRING, INT> | {\"m\": {\"k\": \"v\"}} | field 'm.k': expected an integer",
        "s STRUCT<a: INT> | {\"s\": [1]} | field 's': expected an object (STRUCT), got an array",
      })
  void aMisfitNamesTheFirstFieldAndWhy(String ddl, String content, String expected) {
    String m = misfit(ddl, content);
    assertTrue(m.startsWith("The answer does not fit the responseSchema: "), m);
    assertTrue(m.contains(expected), m);
  }

  @Test
  void aNullElementWhereTheArrayHasNoNullsIsAMisfit() {
    StructType s =
        new StructType()
            .add(
                "m",
                new StructType()
                    .add("tags", DataTypes.createArrayType(DataTypes.StringType, false)));
    DecodedResult r = new DecodedResult();
    r.customId = "id";
    r.content = "{\"m\": {\"tags\": [\"a\", null]}}";
    new ParsedContent(s, "UTC").apply(r);
    assertTrue(r.failed);
    assertTrue(r.errorMessage.contains("field 'm.tags[1]': is null"), r.errorMessage);
  }

  @Test
  void anEnumTakesOnlyItsValues() {
    StructType s =
        new StructType()
            .add(
                "label",
                DataTypes.StringType,
                true,
                new org.apache.spark.sql.types.MetadataBuilder()
                    .putStringArray("enum", new String[] {"positive", "negative"})
                    .build());
    ParsedContent p = new ParsedContent(s, "UTC");
    DecodedResult r = new DecodedResult();
    r.customId = "id";
    r.content = "{\"label\": \"negative\"}";
    p.apply(r);
    assertEquals("negative", ((InternalRow) r.parsed).getUTF8String(0).toString());
    r.clear();
    r.customId = "id";
    r.content = "{\"label\": \"meh\"}";
    p.apply(r);
    assertTrue(r.failed);
    assertTrue(r.errorMessage.contains("field 'label': 'meh' is not one of"), r.errorMessage);
    JsonSchemaMappingTest.assertEnum(s);
  }

  @Test
  void failedResultsAreLeftAsTheyAreAndNotCounted() {
    DecodedResult r = new DecodedResult();
    r.customId = "id";
    r.failed = true;
    r.errorCode = "model_not_found";
    ParsedContent p = new ParsedContent(StructType.fromDDL("a INT"), "UTC");
    p.apply(r);
    assertEquals("model_not_found", r.errorCode);
    assertEquals(0, p.decoded());
    r.clear();
    r.customId = "id2";
    r.content = "{\"a\": 1}";
    p.apply(r);
    assertEquals(1, p.decoded());
    assertEquals(1, ((InternalRow) r.parsed).getInt(0));
  }
}
