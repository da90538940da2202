package io.github.sparktogetherbatch.faults;

import static io.github.sparktogetherbatch.faults.FaultSupport.assertJobExactlyOnce;
import static io.github.sparktogetherbatch.faults.FaultSupport.byId;
import static io.github.sparktogetherbatch.faults.FaultSupport.causeOf;
import static io.github.sparktogetherbatch.faults.FaultSupport.messages;
import static io.github.sparktogetherbatch.faults.FaultSupport.reader;
import static io.github.sparktogetherbatch.faults.FaultSupport.writer;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.awaitNoRunningTasks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparktogetherbatch.emulator.model.DeterministicModel;
import io.github.sparktogetherbatch.exceptions.TogetherBatchException;
import io.github.sparktogetherbatch.exceptions.TogetherDataException;
import io.github.sparktogetherbatch.manifest.HadoopConfs;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.LogCapture;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile rows, table-driven. Each case either fails with a clear error before anything is
 * submitted (the exception type, the words it must contain — the column or option and the row's id
 * —, no prompt text, no key; afterwards the emulator holds no file and no batch and the path no
 * manifest), or makes a correct round trip (every row back once, its custom_id unchanged, the
 * model's answer to exactly the prompt Spark holds).
 */
class BadInputSweepTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  /** In every prompt of the error cases; must never appear in an error. */
  static final String SECRET = "SECRET-PROMPT-TEXT-7f3a";

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  /** One row of the table. {@code error == null}: a round trip is expected. */
  record Case(
      String name,
      Function<SparkSession, Dataset<Row>> input,
      Map<String, String> options,
      Class<? extends TogetherBatchException> error,
      List<String> mustName) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case fails(
      String name,
      Class<? extends TogetherBatchException> error,
      Function<SparkSession, Dataset<Row>> input,
      List<String> mustName,
      String... options) {
    return new Case(name, input, opts(options), error, mustName);
  }

  static Case roundTrip(
      String name, Function<SparkSession, Dataset<Row>> input, String... options) {
    return new Case(name, input, opts(options), null, List.of());
  }

  static Map<String, String> opts(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  /**
   * {@code n} rows r-0.. with a secret prompt, in two partitions, the row {@code bad} replaced by
   * SQL.
   */
  static Function<SparkSession, Dataset<Row>> prompts(int n, String idSql, String promptSql) {
    return s -> s.range(0, n, 1, 2).selectExpr(idSql + " AS custom_id", promptSql + " AS prompt");
  }

  static final String ID = "concat('r-', id)";
  static final String PROMPT = "concat('" + SECRET + " ', id)";

  static Function<SparkSession, Dataset<Row>> rows(StructType schema, Object[]... rows) {
    return s -> {
      List<Row> list = new ArrayList<>();
      for (Object[] r : rows) {
        list.add(RowFactory.create(r));
      }
      return s.createDataFrame(list, schema).repartition(2);
    };
  }

  static final StructType ID_PROMPT = StructType.fromDDL("custom_id STRING, prompt STRING");

  static Stream<Case> cases() {
    String longId65 = "i".repeat(65);
    String id64 = "x".repeat(63) + "é";
    String megabyte = "word ".repeat(200_000);
    StructType messages =
        StructType.fromDDL(
            "custom_id STRING, messages ARRAY<STRUCT<role: STRING, content: STRING>>");
    StructType wide = wideSchema(200);
    return Stream.of(
        // ---- nulls and empties: an error naming the column and the row
        fails(
            "null prompt",
            TogetherDataException.class,
            prompts(40, ID, "CASE WHEN id = 17 THEN NULL ELSE " + PROMPT + " END"),
            List.of("'prompt'", "is null", "'r-17'")),
        fails(
            "null custom_id",
            TogetherDataException.class,
            prompts(40, "CASE WHEN id = 17 THEN NULL ELSE " + ID + " END", PROMPT),
            List.of("'custom_id'", "is null")),
        fails(
            "empty prompt",
            TogetherDataException.class,
            prompts(40, ID, "CASE WHEN id = 5 THEN '' ELSE " + PROMPT + " END"),
            List.of("'prompt'", "is empty", "'r-5'")),
        fails(
            "whitespace-only prompt",
            TogetherDataException.class,
            prompts(40, ID, "CASE WHEN id = 5 THEN ' \t\n ' ELSE " + PROMPT + " END"),
            List.of("'prompt'", "blank", "'r-5'")),
        fails(
            "empty custom_id",
            TogetherDataException.class,
            prompts(40, "CASE WHEN id = 9 THEN '' ELSE " + ID + " END", PROMPT),
            List.of("'custom_id'", "is empty")),
        fails(
            "nulls in every column",
            TogetherDataException.class,
            rows(ID_PROMPT, new Object[] {"a", SECRET + " a"}, new Object[] {null, null}),
            List.of("is null")),
        // ---- ids
        fails(
            "65-character custom_id",
            TogetherDataException.class,
            prompts(40, "CASE WHEN id = 3 THEN '" + longId65 + "' ELSE " + ID + " END", PROMPT),
            List.of("'custom_id'", "65 characters", "64")),
        fails(
            "duplicate custom_id within a partition",
            TogetherDataException.class,
            rows(
                ID_PROMPT,
                new Object[] {"dup", SECRET + " 1"},
                new Object[] {"dup", SECRET + " 2"},
                new Object[] {"dup", SECRET + " 3"},
                new Object[] {"dup", SECRET + " 4"}),
            List.of("'dup'", "more than once")),
        fails(
            "duplicate custom_id across partitions",
            TogetherDataException.class,
            s ->
                s.range(0, 200, 1, 4)
                    .selectExpr("concat('r-', id % 150) AS custom_id", PROMPT + " AS prompt"),
            List.of("Duplicate custom_id", "'r-0'", "partitions", "deleted")),
        // ---- bodies and messages
        fails(
            "bodyColumn with invalid JSON",
            TogetherDataException.class,
            s ->
                s.range(0, 10, 1, 2)
                    .selectExpr(
                        ID + " AS custom_id",
                        "CASE WHEN id = 4 THEN '{\"messages\": [{\"role\":\"user\",\"content\":\""
                            + SECRET
                            + "\"}' ELSE to_json(named_struct('messages', array(named_struct('role', 'user',"
                            + " 'content', "
                            + PROMPT
                            + ")))) END AS body"),
            List.of("'body'", "bodyColumn", "not valid JSON", "'r-4'"),
            "bodyColumn",
            "body"),
        fails(
            "bodyColumn with a JSON array",
            TogetherDataException.class,
            s ->
                s.range(0, 10, 1, 2)
                    .selectExpr(
                        ID + " AS custom_id",
                        "CASE WHEN id = 4 THEN '[\""
                            + SECRET
                            + "\"]' ELSE to_json(named_struct('messages',"
                            + " array(named_struct('role', 'user', 'content', "
                            + PROMPT
                            + ")))) END AS body"),
            List.of("'body'", "not an object", "'r-4'"),
            "bodyColumn",
            "body"),
        fails(
            "messagesColumn with a missing role",
            TogetherDataException.class,
            rows(
                messages,
                new Object[] {"m1", Arrays.asList(RowFactory.create("user", SECRET + " 1"))},
                new Object[] {
                  "m2",
                  Arrays.asList(
                      RowFactory.create("system", "be brief"),
                      RowFactory.create(null, SECRET + " 2"))
                }),
            List.of("'messages'", "without a role", "'m2'")),
        fails(
            "messagesColumn whose structs have no role field",
            TogetherDataException.class,
            s ->
                s.range(0, 4, 1, 1)
                    .selectExpr(
                        ID + " AS custom_id",
                        "array(named_struct('content', " + PROMPT + ")) AS messages"),
            List.of("'messages'", "role")),
        fails(
            "a 1 MB prompt over maxBytesPerBatch",
            TogetherDataException.class,
            prompts(
                4,
                ID,
                "CASE WHEN id = 2 THEN repeat('" + SECRET + " ', 80000) ELSE " + PROMPT + " END"),
            List.of("'r-2'", "maxBytesPerBatch"),
            "maxBytesPerBatch",
            "1MB"),
        fails(
            "NaN in a struct body",
            TogetherDataException.class,
            s ->
                s.range(0, 6, 1, 1)
                    .selectExpr(
                        ID + " AS custom_id",
                        "named_struct('messages', array(named_struct('role', 'user', 'content', "
                            + PROMPT
                            + ")), 'temperature', CASE WHEN id = 1 THEN double('NaN') ELSE 0.5 END) AS body"),
            List.of("'r-1'", "temperature", "NaN"),
            "bodyColumn",
            "body"),

        // ---- round trips
        roundTrip(
            "1 MB prompts",
            rows(
                ID_PROMPT,
                new Object[] {"big-1", megabyte + "one"},
                new Object[] {"big-2", megabyte + "two"},
                new Object[] {"small", "just this"})),
        roundTrip(
            "control characters in prompts",
            rows(
                ID_PROMPT,
                new Object[] {"nul", "a\u0000b"},
                new Object[] {"c0", controls()},
                new Object[] {"lines", "one\ntwo\r\nthree\u2028four\u2029five\u0085six"},
                new Object[] {"del", "x\u007fy\u001bz"})),
        roundTrip(
            "JSON-breaking characters in prompts and ids",
            rows(
                ID_PROMPT,
                new Object[] {"q\"uote", "say \"hi\""},
                new Object[] {"back\\slash", "C:\\dir\\"},
                new Object[] {"{\"custom_id\":\"x\"}", "}]},{\"body\":"},
                new Object[] {"new\nline", "\\u0000 is not a NUL"},
                new Object[] {"</script><!--", "<b>&amp;</b> ' \""},
                new Object[] {"tab\there", "emoji \uD83D\uDE00 and ünïcödé ✓"})),
        roundTrip(
            "invalid UTF-16 surrogates",
            rows(
                ID_PROMPT,
                new Object[] {"lone-high", "a \uD800 b"},
                new Object[] {"lone-low", "c \uDC00 d"},
                new Object[] {"reversed", "\uDE00\uD83D"})),
        roundTrip(
            "invalid UTF-8 bytes",
            s ->
                s.range(0, 4, 1, 2)
                    .selectExpr(
                        ID + " AS custom_id",
                        "concat('bytes ', CAST(unhex(CASE id WHEN 0 THEN 'C0AF' WHEN 1 THEN 'EDA080' "
                            + "WHEN 2 THEN 'FF' ELSE 'E282' END) AS STRING), ' end ', id) AS prompt")),
        roundTrip(
            "64-character custom_ids",
            rows(
                ID_PROMPT,
                new Object[] {id64, "sixty-four"},
                new Object[] {"y".repeat(64), "also sixty-four"})),
        roundTrip(
            "nulls in every other column",
            s ->
                s.range(0, 30, 1, 2)
                    .selectExpr(
                        ID + " AS custom_id",
                        "concat('q ', id) AS prompt",
                        "CAST(NULL AS STRING) AS a",
                        "CAST(NULL AS INT) AS b",
                        "CAST(NULL AS ARRAY<STRING>) AS c",
                        "CAST(NULL AS STRUCT<x: INT>) AS d")),
        roundTrip(
            "a 200-column DataFrame",
            rows(
                wide,
                wideRow(wide, "w-1", "first"),
                wideRow(wide, "w-2", "second"),
                wideRow(wide, "w-3", "third"))));
  }

  static String controls() {
    StringBuilder sb = new StringBuilder("c0:");
    for (char c = 1; c < 0x20; c++) {
      sb.append(c);
    }
    return sb.toString();
  }

  static StructType wideSchema(int columns) {
    StructType t =
        new StructType().add("custom_id", DataTypes.StringType).add("prompt", DataTypes.StringType);
    for (int i = 2; i < columns; i++) {
      t = t.add("col_" + i, i % 3 == 0 ? DataTypes.LongType : DataTypes.StringType);
    }
    return t;
  }

  static Object[] wideRow(StructType schema, String id, String prompt) {
    Object[] v = new Object[schema.size()];
    v[0] = id;
    v[1] = prompt;
    for (int i = 2; i < v.length; i++) {
      v[i] = i % 3 == 0 ? (Object) (long) i : (i % 7 == 0 ? null : "value " + i);
    }
    return v;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void hostileInput(Case c) {
    String path = tmp.resolve("job").toString();
    Dataset<Row> df = c.input().apply(spark);
    DataFrameWriter<Row> w = writer(df, EMU);
    for (Map.Entry<String, String> o : c.options().entrySet()) {
      w = w.option(o.getKey(), o.getValue());
    }
    if (c.error() != null) {
      DataFrameWriter<Row> write = w;
      Throwable t = assertThrows(Throwable.class, () -> write.save(path));
      TogetherBatchException ours = causeOf(t, c.error());
      for (String s : c.mustName()) {
        assertTrue(ours.getMessage().contains(s), "'" + s + "' not in: " + ours.getMessage());
      }
      String all = messages(t);
      assertFalse(all.contains(SECRET), "prompt text in the error: " + all);
      assertFalse(all.contains(EmulatorExtension.TEST_API_KEY), "API key in the error");
      awaitNoRunningTasks(spark);
      JsonNode state = EMU.emulator().state();
      assertEquals(0, state.path("files").size(), "files left: " + state.path("files"));
      assertEquals(0, state.path("batches").size(), "a batch was created");
      assertEquals(0, EMU.emulator().requestCount("POST /v1/batches"));
      assertFalse(
          JobManifest.read(path, HadoopConfs.forSession(spark)).isPresent(),
          "a manifest was written");
      return;
    }
    w.save(path);
    // What Spark holds for each row (e.g. a lone surrogate is already '?' in Spark's UTF-8).
    Map<String, String> expected = new LinkedHashMap<>();
    for (Row r : df.select("custom_id", "prompt").collectAsList()) {
      expected.put(r.getString(0), r.getString(1));
    }
    List<Row> got = reader(spark, EMU).load(path).collectAsList();
    Map<String, Row> byId = byId(got);
    assertEquals(expected.keySet(), byId.keySet(), "custom_ids came back changed");
    for (Map.Entry<String, String> e : expected.entrySet()) {
      Row r = byId.get(e.getKey());
      assertNotNull(r);
      assertEquals("succeeded", r.getAs("status"), e.getKey() + ": " + r.getAs("error_message"));
      assertEquals(answer(e.getValue()), r.getAs("content"), e.getKey());
    }
    assertJobExactlyOnce(EMU, spark, path, expected.size());
  }

  static String answer(String prompt) {
    ObjectNode body = FaultSupport.JSON.createObjectNode();
    body.put("model", FaultSupport.MODEL);
    ObjectNode m = body.putArray("messages").addObject();
    m.put("role", "user");
    m.put("content", prompt);
    return DeterministicModel.answer(DeterministicModel.CHAT_COMPLETIONS, body).content();
  }

  @Test
  void anEmptyDataFrameCreatesNoBatchAndSaysSo() {
    String path = tmp.resolve("empty").toString();
    try (LogCapture log = LogCapture.attach()) {
      writer(FaultSupport.input(spark, 0, 2), EMU).save(path);
      assertTrue(
          log.lines.stream().anyMatch(l -> l.contains("no rows") && l.contains(path)),
          "no message about the empty write: " + log.lines);
    }
    assertEquals(0, EMU.emulator().requestCount("POST /v1/files"));
    assertEquals(0, EMU.emulator().requestCount("POST /v1/batches"));
    JobManifest m = JobManifest.read(path, HadoopConfs.forSession(spark)).orElseThrow();
    assertTrue(m.batches().isEmpty() && m.pendingFiles().isEmpty());
    assertEquals(0, reader(spark, EMU).load(path).count(), "an empty job reads as no rows");
  }
}
