package io.github.sparktogetherbatch.read;

import static io.github.sparktogetherbatch.read.ReadFixtures.byId;
import static io.github.sparktogetherbatch.read.ReadFixtures.findCause;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparktogetherbatch.TogetherBatchResults;
import io.github.sparktogetherbatch.client.BatchJob;
import io.github.sparktogetherbatch.client.BatchStatus;
import io.github.sparktogetherbatch.codec.ResultSchema;
import io.github.sparktogetherbatch.emulator.model.DeterministicModel;
import io.github.sparktogetherbatch.exceptions.TogetherJobException;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Reads jobs back from the emulator through Spark ({@code local[2]}). */
class TogetherReadTest {
  @RegisterExtension static final EmulatorExtension EMULATOR = new EmulatorExtension();

  @TempDir Path tmp;

  private ReadFixtures fx;
  private SparkSession spark;

  @BeforeEach
  void setUp() {
    fx = new ReadFixtures(EMULATOR, tmp);
    spark = SparkTestSession.get();
  }

  @AfterEach
  void tearDown() {
    EMULATOR.emulator().setRequestsPerSecond(0);
    EMULATOR.emulator().clearFaults();
    fx.close();
  }

  /** Asserts that a succeeded or failed row is exactly what the emulator's model answers. */
  private static void assertResult(ReadFixtures.Job job, Row r) {
    String id = r.getAs("custom_id");
    DeterministicModel.Answer a = job.expected(id);
    assertEquals(job.batchOf.get(id), r.getAs("batch_id"), id);
    if (a.succeeded()) {
      assertEquals("succeeded", r.getAs("status"), id);
      assertEquals(a.content(), r.getAs("content"), id);
      assertEquals(a.finishReason(), r.getAs("finish_reason"), id);
      assertEquals(a.model(), r.getAs("model"), id);
      assertEquals(a.promptTokens(), (Integer) r.getAs("prompt_tokens"), id);
      assertEquals(a.completionTokens(), (Integer) r.getAs("completion_tokens"), id);
      assertEquals(a.totalTokens(), (Integer) r.getAs("total_tokens"), id);
      assertNull(r.getAs("error_code"), id);
      assertNull(r.getAs("error_message"), id);
    } else {
      assertEquals("failed", r.getAs("status"), id);
      assertEquals(a.errorMessage(), r.getAs("error_message"), id);
      assertNull(r.getAs("content"), id);
    }
  }

  @Test
  void schemaIsKnownWithoutAnyNetworkCallAndAMissingJobIsAClearError() {
    String nowhere = tmp.resolve("no-job-here").toUri().toString();
    Dataset<Row> df =
        spark
            .read()
            .format("together-batch")
            .option("baseUrl", "http://127.0.0.1:9/v1")
            .option("apiKey", "k")
            .load(nowhere);
    assertEquals(ResultSchema.SCHEMA, df.schema());
    assertEquals(
        List.of("custom_id", "content"),
        List.of(df.select("custom_id", "content").schema().fieldNames()));
    Exception e = assertThrows(Exception.class, df::collectAsList);
    assertTrue(
        findCause(e, io.github.sparktogetherbatch.exceptions.TogetherConfigException.class)
            .getMessage()
            .contains(nowhere));
  }

  @Test
  void roundTripReturnsOneRowPerRequestWithDeterministicResults() throws Exception {
    Map<String, String> prompts = ReadFixtures.prompts("r", 40, 5);
    prompts.put("r-string", "please !!fail-string!! now");
    prompts.put("r-response", "please !!fail-response!! now");
    ReadFixtures.Job job = fx.createJob(prompts);

    Dataset<Row> df = fx.reader(spark).load(job.path);
    assertEquals(ResultSchema.SCHEMA, df.schema());
    List<Row> rows = df.collectAsList();
    assertEquals(prompts.size(), rows.size());
    Map<String, Row> got = byId(rows);
    assertEquals(prompts.keySet(), got.keySet());
    int failed = 0;
    for (Row r : rows) {
      assertResult(job, r);
      if ("failed".equals(r.getAs("status"))) {
        failed++;
      } else {
        JsonNode response = ReadFixtures.MAPPER.readTree((String) r.getAs("response"));
        assertEquals(r.getAs("content"), response.at("/choices/0/message/content").asText());
      }
    }
    assertEquals(8 + 2, failed);
    // Each error-line shape keeps its code.
    assertEquals("emulated_failure", got.get("r-4").getAs("error_code"));
    assertNull(got.get("r-string").getAs("error_code"));
    assertEquals("emulated_failure", got.get("r-response").getAs("error_code"));
    assertNotNull(got.get("r-response").getAs("response"));

    // The plan (scan description, options) never shows the key.
    assertFalse(df.queryExecution().toString().contains(EmulatorExtension.TEST_API_KEY));

    // Column pruning: narrower reads give the same answers.
    assertEquals(prompts.size(), df.count());
    assertEquals(prompts.size(), df.select("custom_id").distinct().count());
    Set<String> failedIds =
        df.where("status = 'failed'").select("custom_id").collectAsList().stream()
            .map(r -> r.getString(0))
            .collect(Collectors.toSet());
    assertEquals(10, failedIds.size());
    for (Row r : df.select("total_tokens", "custom_id").collectAsList()) {
      assertEquals(2, r.size());
      DeterministicModel.Answer a = job.expected(r.getString(1));
      assertEquals(
          a.succeeded() ? (Integer) a.totalTokens() : null, r.isNullAt(0) ? null : r.getInt(0));
    }

    // Joining back to the input on its id column.
    List<Row> inputRows = new ArrayList<>();
    for (Map.Entry<String, String> e : prompts.entrySet()) {
      inputRows.add(RowFactory.create(e.getKey(), e.getValue(), "input-status"));
    }
    inputRows.add(RowFactory.create("never-submitted", "x", "input-status"));
    StructType inputSchema =
        new StructType()
            .add("id", DataTypes.StringType)
            .add("question", DataTypes.StringType)
            .add("status", DataTypes.StringType);
    Dataset<Row> input = spark.createDataFrame(inputRows, inputSchema);
    List<Row> joined = TogetherBatchResults.joinWithInput(input, df, "id").collectAsList();
    assertEquals(inputRows.size(), joined.size());
    for (Row r : joined) {
      String id = r.getAs("id");
      assertEquals("input-status", r.getAs("status"));
      if (id.equals("never-submitted")) {
        assertNull(r.getAs("result_status"));
      } else {
        DeterministicModel.Answer a = job.expected(id);
        assertEquals(a.succeeded() ? "succeeded" : "failed", r.getAs("result_status"));
        assertEquals(a.content(), r.getAs("content"));
      }
    }
  }

  @Test
  void writtenByTheWriterReadsBackOneRowPerInputRow() {
    List<Row> inputRows = new ArrayList<>();
    Map<String, String> prompts = ReadFixtures.prompts("w", 30, 6);
    int i = 0;
    ReadFixtures.Job expected = new ReadFixtures.Job(tmp.resolve("written").toUri().toString());
    for (String prompt : prompts.values()) {
      inputRows.add(RowFactory.create(1000L + i, prompt));
      expected.prompts.put(String.valueOf(1000L + i), prompt);
      i++;
    }
    Dataset<Row> input =
        spark
            .createDataFrame(
                inputRows,
                new StructType()
                    .add("id", DataTypes.LongType)
                    .add("question", DataTypes.StringType))
            .repartition(3);
    input
        .write()
        .format("together-batch")
        .option("baseUrl", EMULATOR.baseUrl())
        .option("apiKey", EmulatorExtension.TEST_API_KEY)
        .option("model", ReadFixtures.MODEL)
        .option("promptColumn", "question")
        .option("idColumn", "id")
        .option("maxRequestsPerBatch", "12")
        .save(expected.path);

    Dataset<Row> results = fx.reader(spark).load(expected.path);
    List<Row> rows = results.collectAsList();
    assertEquals(30, rows.size());
    assertEquals(expected.prompts.keySet(), byId(rows).keySet());
    Set<String> batches = new HashSet<>();
    for (Row r : rows) {
      expected.batchOf.put(r.getAs("custom_id"), r.getAs("batch_id"));
      batches.add(r.getAs("batch_id"));
      assertResult(expected, r);
    }
    assertTrue(batches.size() >= 3, "split by maxRequestsPerBatch: " + batches);
    assertEquals(5, rows.stream().filter(r -> "failed".equals(r.getAs("status"))).count());

    List<Row> joined = TogetherBatchResults.joinWithInput(input, results, "id").collectAsList();
    assertEquals(30, joined.size());
    for (Row r : joined) {
      DeterministicModel.Answer a = expected.expected(String.valueOf((Long) r.getAs("id")));
      assertEquals(a.content(), r.getAs("content"));
    }
  }

  @Test
  void jobInSeveralBatchesReadsWholeAndByBatchIdEqualsByPath() {
    ReadFixtures.Job job =
        fx.createJob(
            ReadFixtures.prompts("a", 12, 4),
            ReadFixtures.prompts("b", 7, 0),
            ReadFixtures.prompts("c", 9, 3));
    List<Row> byPath = sorted(fx.reader(spark).load(job.path).collectAsList());
    assertEquals(28, byPath.size());
    assertEquals(job.prompts.keySet(), byId(byPath).keySet());
    for (Row r : byPath) {
      assertResult(job, r);
    }
    assertEquals(
        new HashSet<>(job.batchIds),
        byPath.stream().map(r -> (String) r.getAs("batch_id")).collect(Collectors.toSet()));

    List<Row> byBatchIds =
        sorted(
            fx.reader(spark)
                .option("batchId", String.join(" , ", job.batchIds))
                .load()
                .collectAsList());
    assertEquals(byPath, byBatchIds);

    List<Row> oneBatch =
        fx.reader(spark).option("batchId", job.batchIds.get(1)).load().collectAsList();
    assertEquals(7, oneBatch.size());
    assertTrue(oneBatch.stream().allMatch(r -> job.batchIds.get(1).equals(r.getAs("batch_id"))));
  }

  @Test
  void expiredAndCancelledBatchesReturnFinishedRowsPlusMissing() {
    EMULATOR.emulator().setRequestsPerSecond(25);
    ReadFixtures.Job job =
        fx.createJob(ReadFixtures.prompts("e", 40, 6), ReadFixtures.prompts("c", 40, 6));
    String expired = job.batchIds.get(0);
    String cancelled = job.batchIds.get(1);
    fx.awaitBatch(expired, b -> b.progress() >= 10, Duration.ofSeconds(20));
    EMULATOR.emulator().expireBatch(expired);
    fx.awaitBatch(cancelled, b -> b.progress() >= 10, Duration.ofSeconds(20));
    fx.client().cancelBatch(cancelled);

    List<Row> rows = fx.reader(spark).load(job.path).collectAsList();
    assertEquals(80, rows.size());
    assertEquals(job.prompts.keySet(), byId(rows).keySet());
    assertEquals(BatchStatus.EXPIRED, fx.client().getBatch(expired).status());
    assertEquals(BatchStatus.CANCELLED, fx.client().getBatch(cancelled).status());
    for (String batch : job.batchIds) {
      List<Row> mine =
          rows.stream().filter(r -> batch.equals(r.getAs("batch_id"))).collect(Collectors.toList());
      assertEquals(40, mine.size());
      long finished = mine.stream().filter(r -> !"missing".equals(r.getAs("status"))).count();
      long missing = mine.size() - finished;
      assertTrue(finished >= 4, batch + ": " + finished + " finished");
      assertTrue(missing > 0, batch + ": nothing missing");
      String code = batch.equals(expired) ? "batch_expired" : "batch_cancelled";
      for (Row r : mine) {
        if ("missing".equals(r.getAs("status"))) {
          assertEquals(code, r.getAs("error_code"));
          assertTrue(((String) r.getAs("error_message")).contains(batch));
          assertNull(r.getAs("content"));
        } else {
          assertResult(job, r);
        }
      }
    }
  }

  @Test
  void failedBatchFailsTheReadNamingItWithItsMessage() {
    EMULATOR.emulator().setRequestsPerSecond(2);
    ReadFixtures.Job job = fx.createJob(ReadFixtures.prompts("f", 10, 0));
    String id = job.batchIds.get(0);
    EMULATOR.emulator().failBatch(id, "Input validation failed: line 3 is not valid");

    Exception e =
        assertThrows(Exception.class, () -> fx.reader(spark).load(job.path).collectAsList());
    TogetherJobException ours = findCause(e, TogetherJobException.class);
    assertEquals(List.of(id), ours.batchIds());
    assertTrue(ours.getMessage().contains(id), ours.getMessage());
    assertTrue(
        ours.getMessage().contains("Input validation failed: line 3 is not valid"),
        ours.getMessage());
  }

  @Test
  void failedBatchNextToCompletedOneComesBackAsFailedRows() {
    ReadFixtures.Job done = fx.createJob(ReadFixtures.prompts("ok", 6, 0));
    fx.awaitBatch(done.batchIds.get(0), BatchJob::isTerminal, Duration.ofSeconds(20));
    EMULATOR.emulator().setRequestsPerSecond(1);
    ReadFixtures.Job broken = fx.createJob(ReadFixtures.prompts("bad", 5, 0));
    EMULATOR.emulator().failBatch(broken.batchIds.get(0), "Model is unavailable");
    String both = done.batchIds.get(0) + "," + broken.batchIds.get(0);

    List<Row> rows = fx.reader(spark).option("batchId", both).load().collectAsList();
    assertEquals(11, rows.size());
    Map<String, Row> got = byId(rows);
    for (String id : done.prompts.keySet()) {
      assertResult(done, got.get(id));
    }
    for (String id : broken.prompts.keySet()) {
      Row r = got.get(id);
      assertEquals("failed", r.getAs("status"));
      assertEquals("batch_failed", r.getAs("error_code"));
      assertTrue(((String) r.getAs("error_message")).contains("Model is unavailable"));
      assertTrue(((String) r.getAs("error_message")).contains(broken.batchIds.get(0)));
    }
  }

  @Test
  void waitFalseReturnsPendingRowsForRunningBatches() {
    ReadFixtures.Job done = fx.createJob(ReadFixtures.prompts("d", 5, 0));
    fx.awaitBatch(done.batchIds.get(0), BatchJob::isTerminal, Duration.ofSeconds(20));
    EMULATOR.emulator().setRequestsPerSecond(0.5);
    ReadFixtures.Job running = fx.createJob(ReadFixtures.prompts("p", 8, 0));
    String both = done.batchIds.get(0) + "," + running.batchIds.get(0);

    List<Row> rows =
        fx.reader(spark).option("batchId", both).option("wait", "false").load().collectAsList();
    assertEquals(13, rows.size());
    Map<String, Row> got = byId(rows);
    for (String id : done.prompts.keySet()) {
      assertResult(done, got.get(id));
    }
    for (String id : running.prompts.keySet()) {
      Row r = got.get(id);
      assertEquals("pending", r.getAs("status"), id);
      assertEquals(running.batchIds.get(0), r.getAs("batch_id"));
      assertNull(r.getAs("content"));
      assertNull(r.getAs("error_code"));
    }
    assertFalse(fx.client().getBatch(running.batchIds.get(0)).isTerminal());
  }

  @Test
  void waitTimeoutNamesTheRunningBatch() {
    EMULATOR.emulator().setRequestsPerSecond(0.5);
    ReadFixtures.Job job = fx.createJob(ReadFixtures.prompts("t", 6, 0));
    long t0 = System.nanoTime();
    Exception e =
        assertThrows(
            Exception.class,
            () -> fx.reader(spark).option("waitTimeout", "400ms").load(job.path).collectAsList());
    TogetherJobException ours = findCause(e, TogetherJobException.class);
    assertEquals(job.batchIds, ours.batchIds());
    assertTrue(ours.getMessage().contains(job.batchIds.get(0)), ours.getMessage());
    assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() < 15_000);
  }

  @Test
  void truncatedAndResetDownloadsStillGiveExactlyAllRows() {
    Map<String, String> prompts = ReadFixtures.prompts("x", 60, 4);
    ReadFixtures.Job job = fx.createJob(prompts);
    fx.awaitBatch(job.batchIds.get(0), BatchJob::isTerminal, Duration.ofSeconds(20));
    long before = EMULATOR.emulator().requestCount("GET /v1/files/{id}/content");
    // Faults apply in order to successive content requests, resumes included: the input file is
    // cut short (its resume passes); the output file is cut short, its first resume is reset (the
    // second passes); the error file is reset (its resume passes).
    String route = "{\"route\":\"GET /v1/files/{id}/content\",";
    String pass = route + "\"action\":\"delay\",\"millis\":1}";
    String truncate = route + "\"action\":\"truncate\"}";
    String reset = route + "\"action\":\"reset\"}";
    EMULATOR
        .emulator()
        .armFault("[" + String.join(",", truncate, pass, truncate, reset, pass, reset) + "]");
    List<Row> rows = fx.reader(spark).load(job.path).collectAsList();
    assertEquals(60, rows.size());
    assertEquals(prompts.keySet(), byId(rows).keySet());
    for (Row r : rows) {
      assertResult(job, r);
    }
    assertEquals(15, rows.stream().filter(r -> "failed".equals(r.getAs("status"))).count());
    assertEquals(0, EMULATOR.emulator().state().path("faults").size(), "every fault was used");
    long requests = EMULATOR.emulator().requestCount("GET /v1/files/{id}/content") - before;
    assertEquals(3 + 4, requests, "three files, four resumes");
  }

  private static List<Row> sorted(List<Row> rows) {
    List<Row> out = new ArrayList<>(rows);
    out.sort(Comparator.comparing(r -> (String) r.getAs("custom_id")));
    return out;
  }
}
