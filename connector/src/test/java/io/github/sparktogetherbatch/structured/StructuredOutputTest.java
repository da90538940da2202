package io.github.sparktogetherbatch.structured;

import static io.github.sparktogetherbatch.testing.WriteTestSupport.causeOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.metrics.ReadMetrics;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import io.github.sparktogetherbatch.testing.WriteTestSupport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.datasources.v2.BatchScanExec;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Structured output through the emulator: the option responseSchema on the write, the column parsed
 * on the read (by path from the recorded schema, by batchId from the option, in SQL), the answers
 * that do not fit, and the pruning of the decoding.
 */
class StructuredOutputTest {
  @RegisterExtension static final EmulatorExtension EMULATOR = new EmulatorExtension();

  /** Every supported type, nested and nullable. */
  static final String ALL_TYPES =
      "label STRING NOT NULL, score DOUBLE, n INT, big BIGINT, small SMALLINT, tiny TINYINT, "
          + "f FLOAT, price DECIMAL(10,2), ok BOOLEAN NOT NULL, day DATE, at TIMESTAMP, "
          + "tags ARRAY<STRING>, meta STRUCT<lang: STRING, n: INT NOT NULL>, "
          + "counts MAP<STRING, INT>, entities ARRAY<STRUCT<name: STRING, kind: STRING>>";

  @TempDir Path tmp;

  private SparkSession spark;

  @BeforeEach
  void setUp() {
    spark = SparkTestSession.get();
  }

  private Dataset<Row> prompts(String... prompts) {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < prompts.length; i++) {
      rows.add(String.format("{\"id\": \"r%02d\", \"prompt\": %s}", i, quote(prompts[i])));
    }
    return spark.read().json(spark.createDataset(rows, org.apache.spark.sql.Encoders.STRING()));
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static List<String> numbered(String prefix, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(prefix + " " + i);
    }
    return out;
  }

  private String write(Dataset<Row> df, String schema, String... options) {
    String path = tmp.resolve("job-" + System.nanoTime()).toString();
    var w =
        WriteTestSupport.writer(df, EMULATOR)
            .option("idColumn", "id")
            .option("promptColumn", "prompt");
    if (schema != null) {
      w = w.option("responseSchema", schema);
    }
    for (int i = 0; i < options.length; i += 2) {
      w = w.option(options[i], options[i + 1]);
    }
    w.save(path);
    return path;
  }

  private org.apache.spark.sql.DataFrameReader reader() {
    return spark
        .read()
        .format("together-batch")
        .option("apiKey", EmulatorExtension.TEST_API_KEY)
        .option("baseUrl", EMULATOR.baseUrl())
        .option("pollInterval", "50ms");
  }

  private static Map<String, Row> byId(List<Row> rows) {
    Map<String, Row> m = new HashMap<>();
    for (Row r : rows) {
      m.put(r.getAs("custom_id"), r);
    }
    return m;
  }

  @Test
  void everySupportedTypeRoundTripsByPathAndDecodesAsFromJsonDoes() throws Exception {
    String path = write(prompts(numbered("review", 24).toArray(new String[0])), ALL_TYPES);

    // the requests asked for the schema
    try (TogetherClient client = WriteTestSupport.client(EMULATOR)) {
      JsonNode file = WriteTestSupport.inputFiles(EMULATOR).get(0);
      JsonNode line = WriteTestSupport.lines(client, file.path("id").asText()).get(0);
      JsonNode rf = line.path("body").path("response_format");
      assertEquals("json_schema", rf.path("type").asText());
      assertTrue(rf.path("json_schema").path("strict").asBoolean());
      JsonNode schema = rf.path("json_schema").path("schema");
      assertEquals(15, schema.path("required").size());
      assertFalse(schema.path("additionalProperties").asBoolean(true));
      assertEquals("date-time", schema.path("properties").path("at").path("format").asText());
    }
    // the job records it
    JobManifest m = WriteTestSupport.manifest(spark, path).orElseThrow();
    StructType expectedType = StructType.fromDDL(ALL_TYPES);
    assertEquals(expectedType, DataType.fromJson(m.responseSchema()));

    // a read by path alone (as a new session would) has the column parsed of that type
    Dataset<Row> df = reader().load(path);
    assertEquals(expectedType, df.schema().apply("parsed").dataType());
    List<Row> rows =
        df.selectExpr(
                "custom_id",
                "status",
                "parsed",
                "from_json(content, '" + ALL_TYPES.replace(" NOT NULL", "") + "') AS expected")
            .collectAsList();
    assertEquals(24, rows.size());
    int nulls = 0;
    for (Row r : rows) {
      assertEquals("succeeded", r.getAs("status"), (String) r.getAs("custom_id"));
      Row parsed = r.getAs("parsed");
      assertNotNull(parsed);
      assertEquals(r.<Row>getAs("expected"), parsed, (String) r.getAs("custom_id"));
      for (int i = 0; i < parsed.length(); i++) {
        nulls += parsed.isNullAt(i) ? 1 : 0;
      }
      assertNotNull(parsed.getAs("label"));
    }
    assertTrue(nulls > 0, "nullable fields (type unions with null) gave some nulls");
  }

  @Test
  void sqlOnATemporaryViewReadsParsedFields() {
    String path =
        write(prompts(numbered("sql", 12).toArray(new String[0])), "label STRING, score DOUBLE");
    spark.sql(
        "CREATE OR REPLACE TEMPORARY VIEW structured_answers USING `together-batch` OPTIONS ("
            + "path '"
            + path
            + "', apiKey '"
            + EmulatorExtension.TEST_API_KEY
            + "', baseUrl '"
            + EMULATOR.baseUrl()
            + "', pollInterval '50ms')");
    List<Row> rows =
        spark
            .sql(
                "SELECT custom_id, parsed.label AS label, parsed.score AS score, "
                    + "from_json(content, 'label STRING, score DOUBLE') AS expected "
                    + "FROM structured_answers WHERE status = 'succeeded'")
            .collectAsList();
    assertEquals(12, rows.size());
    for (Row r : rows) {
      Row e = r.getAs("expected");
      assertEquals(e.<String>getAs("label"), r.<String>getAs("label"));
      assertEquals(e.<Double>getAs("score"), r.<Double>getAs("score"));
    }
    Row agg =
        spark
            .sql(
                "SELECT count(parsed.label) + count(CASE WHEN parsed.label IS NULL THEN 1 END) "
                    + "AS n FROM structured_answers")
            .first();
    assertEquals(12L, agg.getLong(0));
  }

  @Test
  void aReadByBatchIdTakesTheOption() {
    String path = write(prompts("a", "b", "c"), "label STRING, n INT");
    List<String> ids = WriteTestSupport.manifest(spark, path).orElseThrow().batchIds();
    Dataset<Row> plain = reader().option("batchId", String.join(",", ids)).load();
    assertFalse(List.of(plain.schema().fieldNames()).contains("parsed"));
    Dataset<Row> typed =
        reader()
            .option("batchId", String.join(",", ids))
            .option("responseSchema", "label STRING, n INT")
            .load();
    assertEquals(
        StructType.fromDDL("label STRING, n INT"), typed.schema().apply("parsed").dataType());
    List<Row> rows =
        typed
            .selectExpr("parsed", "from_json(content, 'label STRING, n INT') AS expected")
            .collectAsList();
    assertEquals(3, rows.size());
    for (Row r : rows) {
      assertEquals(r.<Row>getAs("expected"), r.<Row>getAs("parsed"));
    }
  }

  @Test
  void aReadOptionReplacesTheRecordedSchemaAndIsCheckedToo() {
    String path = write(prompts("a", "b"), "label STRING NOT NULL");
    Dataset<Row> wider =
        reader().option("responseSchema", "label STRING NOT NULL, n INT").load(path);
    assertEquals(
        StructType.fromDDL("label STRING NOT NULL, n INT"),
        wider.schema().apply("parsed").dataType());
    for (Row r : wider.selectExpr("status", "parsed.label", "parsed.n").collectAsList()) {
      assertEquals("succeeded", r.getString(0));
      assertNotNull(r.get(1));
      assertTrue(r.isNullAt(2), "a field the answer lacks is null");
    }
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                reader().option("responseSchema", "label STRING, raw BINARY").load(path).schema());
    assertTrue(causeOf(e, TogetherConfigException.class).getMessage().contains("'raw'"));
  }

  @Test
  void fencedAndThinkingAnswersAreTolerated_badJsonFailsAndKeepsContent() {
    String path =
        write(
            prompts(
                "plain",
                "wrapped !!fence!!",
                "thinking !!think!!",
                "both !!think!! !!fence!!",
                "broken !!badjson!!",
                "request fails !!fail!!"),
            "label STRING NOT NULL, score DOUBLE");
    Map<String, Row> got =
        byId(
            reader()
                .load(path)
                .selectExpr(
                    "custom_id",
                    "status",
                    "error_code",
                    "error_message",
                    "content",
                    "parsed.label AS label")
                .collectAsList());
    for (String id : List.of("r00", "r01", "r02", "r03")) {
      Row r = got.get(id);
      assertEquals("succeeded", r.getAs("status"), id);
      assertNotNull(r.getAs("label"), id);
      assertNull(r.getAs("error_code"), id);
    }
    assertTrue(got.get("r01").<String>getAs("content").startsWith("```json"));
    assertTrue(got.get("r02").<String>getAs("content").startsWith("<think>"));
    Row bad = got.get("r04");
    assertEquals("failed", bad.getAs("status"));
    assertEquals("invalid_response_format", bad.getAs("error_code"));
    assertTrue(bad.<String>getAs("error_message").contains("not JSON"), bad.toString());
    assertEquals("Echo: broken !!badjson!!", bad.getAs("content"));
    assertNull(bad.getAs("label"));
    Row failed = got.get("r05");
    assertEquals("failed", failed.getAs("status"));
    assertEquals("emulated_failure", failed.getAs("error_code"));
  }

  @Test
  void anAnswerThatDoesNotFitNamesTheFirstFieldAndWhy() {
    // body.response_format wins over the schema's: the emulator answers {"echo": <text>, "words":
    // n}
    String path =
        write(
            prompts("one two three"),
            "words INT, echo INT",
            "body.response_format",
            "{\"type\": \"json_object\"}");
    Row r =
        reader()
            .load(path)
            .selectExpr("status", "error_code", "error_message", "content", "parsed")
            .first();
    assertEquals("failed", r.getAs("status"));
    assertEquals("invalid_response_format", r.getAs("error_code"));
    String msg = r.getAs("error_message");
    assertTrue(msg.contains("'echo'") && msg.contains("integer") && msg.contains("string"), msg);
    assertTrue(r.<String>getAs("content").contains("\"echo\""));
    assertNull(r.getAs("parsed"));

    String missing =
        write(
            prompts("four five"),
            "words INT, label STRING NOT NULL",
            "body.response_format",
            "{\"type\": \"json_object\"}");
    String msg2 = reader().load(missing).select("error_message").first().getString(0);
    assertTrue(msg2.contains("'label'") && msg2.contains("missing"), msg2);
  }

  @Test
  void aBodyWithItsOwnResponseFormatKeepsIt() throws Exception {
    write(prompts("x"), "label STRING", "body.response_format", "{\"type\": \"json_object\"}");
    try (TogetherClient client = WriteTestSupport.client(EMULATOR)) {
      JsonNode file = WriteTestSupport.inputFiles(EMULATOR).get(0);
      JsonNode line = WriteTestSupport.lines(client, file.path("id").asText()).get(0);
      assertEquals("json_object", line.path("body").path("response_format").path("type").asText());
    }
  }

  @Test
  void parsedIsDecodedOnlyWhenAQueryNeedsIt() {
    String path = write(prompts(numbered("prune", 10).toArray(new String[0])), "label STRING");
    Dataset<Row> plain = reader().load(path).select("custom_id", "content", "prompt_tokens");
    assertEquals(10, plain.collectAsList().size());
    assertEquals(0L, answersParsed(plain));

    Dataset<Row> typed = reader().load(path).selectExpr("custom_id", "parsed.label");
    assertEquals(10, typed.collectAsList().size());
    assertEquals(10L, answersParsed(typed));

    // status depends on the decoding, so it is decoded too: the same status whatever is read
    Dataset<Row> status = reader().load(path).select("status");
    assertEquals(10, status.collectAsList().size());
    assertEquals(10L, answersParsed(status));
  }

  @Test
  void typesWithoutAJsonSchemaAreRefusedBeforeAnythingIsUploaded() {
    Exception e =
        assertThrows(
            Exception.class, () -> write(prompts("x"), "label STRING, meta STRUCT<blob: BINARY>"));
    String msg = causeOf(e, TogetherConfigException.class).getMessage();
    assertTrue(msg.contains("'meta.blob'") && msg.contains("BINARY"), msg);
    assertTrue(WriteTestSupport.inputFiles(EMULATOR).isEmpty());
    assertTrue(WriteTestSupport.batches(EMULATOR).isEmpty());
  }

  @Test
  void anAppendMustKeepTheJobsSchema() {
    String path = write(prompts("a"), "label STRING");
    int files = WriteTestSupport.inputFiles(EMULATOR).size();
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                WriteTestSupport.writer(prompts("b"), EMULATOR)
                    .option("idColumn", "id")
                    .option("responseSchema", "label STRING, score DOUBLE")
                    .mode("append")
                    .save(path));
    assertTrue(causeOf(e, TogetherConfigException.class).getMessage().contains("responseSchema"));
    assertEquals(files, WriteTestSupport.inputFiles(EMULATOR).size());
    // the same schema appends
    WriteTestSupport.writer(
            prompts("c").withColumn("id", org.apache.spark.sql.functions.lit("c1")), EMULATOR)
        .option("idColumn", "id")
        .option("responseSchema", "label STRING")
        .mode("append")
        .save(path);
    assertEquals(2, reader().load(path).where("parsed IS NOT NULL").count());
  }

  /** The read metric answersParsed of the query's scan (after it ran). */
  private static long answersParsed(Dataset<Row> df) {
    SparkPlan plan = df.queryExecution().executedPlan();
    BatchScanExec scan = find(plan);
    assertNotNull(scan, "no BatchScanExec in " + plan);
    return scan.metrics().apply(ReadMetrics.ANSWERS_PARSED).value();
  }

  private static BatchScanExec find(SparkPlan plan) {
    if (plan instanceof AdaptiveSparkPlanExec) {
      plan = ((AdaptiveSparkPlanExec) plan).executedPlan();
    }
    if (plan instanceof BatchScanExec) {
      return (BatchScanExec) plan;
    }
    try {
      scala.collection.Iterator<?> it =
          ((scala.collection.Seq<?>) plan.getClass().getMethod("children").invoke(plan)).iterator();
      while (it.hasNext()) {
        BatchScanExec found = find((SparkPlan) it.next());
        if (found != null) {
          return found;
        }
      }
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
    return null;
  }
}
