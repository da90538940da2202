package io.github.sparktogetherbatch.stream.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import io.github.sparktogetherbatch.manifest.HadoopConfs;
import io.github.sparktogetherbatch.stream.StreamTestSupport;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import io.github.sparktogetherbatch.testing.WriteTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code readStream.format("together-batch")}: each answer once across restarts whatever order
 * batches finish in, {@code Trigger.AvailableNow}, {@code maxBatchesPerTrigger}, and a job path
 * with no job yet.
 */
class StreamSourceTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  /** Appends one batch of {@code n} requests {@code <prefix>0..} to the job; returns its id. */
  private String writeBatch(String job, String prefix, int n) {
    Set<String> before =
        new HashSet<>(
            WriteTestSupport.manifest(spark, job).map(m -> m.batchIds()).orElse(List.of()));
    Dataset<Row> df =
        spark
            .range(0, n, 1, 1)
            .selectExpr(
                "concat('" + prefix + "', id) AS custom_id", "concat('question ', id) AS prompt");
    WriteTestSupport.writer(df, EMU).mode("append").save(job);
    List<String> added = new ArrayList<>(WriteTestSupport.manifest(spark, job).get().batchIds());
    added.removeAll(before);
    assertEquals(1, added.size(), "one new batch: " + added);
    return added.get(0);
  }

  private Dataset<Row> stream(String job, String... options) {
    var reader =
        spark
            .readStream()
            .format("together-batch")
            .option("apiKey", EmulatorExtension.TEST_API_KEY)
            .option("baseUrl", EMU.baseUrl())
            .option("pollInterval", "50ms");
    for (int i = 0; i < options.length; i += 2) {
      reader = reader.option(options[i], options[i + 1]);
    }
    return reader.load(job);
  }

  private StreamingQuery toParquet(Dataset<Row> rows, Path out, Path checkpoint, Trigger trigger)
      throws TimeoutException {
    DataStreamWriter<Row> w =
        rows.selectExpr("custom_id", "batch_id", "status", "content", "attempt")
            .writeStream()
            .format("parquet")
            .trigger(trigger);
    return StreamTestSupport.options(w, "checkpointLocation", checkpoint.toString())
        .start(out.toString());
  }

  /** custom_id → how many rows the output folder holds for it (all succeeded). */
  private Map<String, Integer> output(Path out) {
    return StreamTestSupport.succeededAnswers(spark, out);
  }

  private static Set<String> ids(String prefix, int n) {
    Set<String> out = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      out.add(prefix + i);
    }
    return out;
  }

  private static void awaitTerminal(String batchId) {
    try (TogetherClient client = WriteTestSupport.client(EMU)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!client.getBatch(batchId).isTerminal()) {
        assertTrue(System.nanoTime() < deadline, "batch " + batchId + " did not finish");
        sleep(20);
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The run's query until it has processed all it can, then stopped (a restart comes next). */
  private static void runToIdle(StreamingQuery q) throws Exception {
    q.processAllAvailable();
    q.stop();
  }

  private List<String> logOf(Path checkpoint) {
    FinishedBatchLog log =
        FinishedBatchLog.open(
            checkpoint.resolve("sources").resolve("0").toString(), HadoopConfs.forSession(spark));
    return log.range(0, log.size());
  }

  @Test
  void eachAnswerOnceAcrossTwoRestartsWithBatchesFinishingOutOfOrder() throws Exception {
    String job = tmp.resolve("job").toString();
    Path out = tmp.resolve("out");
    Path checkpoint = tmp.resolve("checkpoint");
    Trigger every = Trigger.ProcessingTime("100 milliseconds");

    EMU.emulator().holdNewBatches(true);
    String a = writeBatch(job, "a", 4);
    EMU.emulator().holdNewBatches(false);
    String b = writeBatch(job, "b", 3);
    awaitTerminal(b);

    // run 1: only b is finished; a is held
    runToIdle(toParquet(stream(job), out, checkpoint, every));
    assertEquals(ids("b", 3), output(out).keySet());

    // restart 1: a finishes after c (out of order)
    EMU.emulator().holdNewBatches(true);
    String d = writeBatch(job, "d", 2);
    EMU.emulator().holdNewBatches(false);
    String c = writeBatch(job, "c", 5);
    awaitTerminal(c);
    EMU.emulator().releaseBatch(a);
    awaitTerminal(a);
    runToIdle(toParquet(stream(job), out, checkpoint, every));
    Set<String> expected = new TreeSet<>(ids("a", 4));
    expected.addAll(ids("b", 3));
    expected.addAll(ids("c", 5));
    assertEquals(expected, new TreeSet<>(output(out).keySet()));

    // restart 2: the last held batch finishes
    EMU.emulator().releaseBatch(d);
    awaitTerminal(d);
    runToIdle(toParquet(stream(job), out, checkpoint, every));
    expected.addAll(ids("d", 2));
    Map<String, Integer> counts = output(out);
    assertEquals(expected, new TreeSet<>(counts.keySet()));
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      assertEquals(1, e.getValue(), "rows of " + e.getKey());
    }
    List<String> log = logOf(checkpoint);
    assertEquals(b, log.get(0), "b finished first");
    assertEquals(Set.of(a, c), Set.copyOf(log.subList(1, 3)));
    assertEquals(List.of(d), log.subList(3, 4));
    try (var files = Files.walk(checkpoint)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        assertTrue(
            !Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1)
                .contains(EmulatorExtension.TEST_API_KEY),
            "the API key is in " + f);
      }
    }
  }

  @Test
  void availableNowTakesNewFinishedBatchesAndMaxBatchesPerTriggerLimitsEachTrigger()
      throws Exception {
    String job = tmp.resolve("job").toString();
    Path out = tmp.resolve("out");
    Path checkpoint = tmp.resolve("checkpoint");
    List<String> finished = new ArrayList<>();
    for (String p : List.of("x", "y", "z")) {
      finished.add(writeBatch(job, p, 3));
    }
    EMU.emulator().holdNewBatches(true);
    String held = writeBatch(job, "h", 2);
    EMU.emulator().holdNewBatches(false);
    finished.forEach(StreamSourceTest::awaitTerminal);

    StreamingQuery q =
        toParquet(
            stream(job, "maxBatchesPerTrigger", "2"), out, checkpoint, Trigger.AvailableNow());
    assertTrue(q.awaitTermination(120_000), "the AvailableNow run ends");
    List<Long> rowsPerTrigger = new ArrayList<>();
    for (StreamingQueryProgress p : q.recentProgress()) {
      if (p.numInputRows() > 0) {
        rowsPerTrigger.add(p.numInputRows());
      }
    }
    assertEquals(List.of(6L, 3L), rowsPerTrigger, "two batches, then the third");
    Set<String> expected = new TreeSet<>(ids("x", 3));
    expected.addAll(ids("y", 3));
    expected.addAll(ids("z", 3));
    assertEquals(expected, new TreeSet<>(output(out).keySet()));

    // the next run takes only what finished since
    EMU.emulator().releaseBatch(held);
    awaitTerminal(held);
    q = toParquet(stream(job), out, checkpoint, Trigger.AvailableNow());
    assertTrue(q.awaitTermination(120_000));
    expected.addAll(ids("h", 2));
    Map<String, Integer> counts = output(out);
    assertEquals(expected, new TreeSet<>(counts.keySet()));
    counts.forEach((id, n) -> assertEquals(1, n, "rows of " + id));
  }

  @Test
  void availableNowWaitWaitsForTheBatchesKnownAtTheStart() throws Exception {
    String job = tmp.resolve("job").toString();
    Path out = tmp.resolve("out");
    EMU.emulator().holdNewBatches(true);
    String held = writeBatch(job, "w", 3);
    EMU.emulator().holdNewBatches(false);
    StreamingQuery q =
        toParquet(
            stream(job, "availableNowWait", "true"),
            out,
            tmp.resolve("checkpoint"),
            Trigger.AvailableNow());
    sleep(500);
    assertTrue(q.isActive(), "the run waits for the held batch");
    EMU.emulator().releaseBatch(held);
    assertTrue(q.awaitTermination(120_000));
    assertEquals(ids("w", 3), new TreeSet<>(output(out).keySet()));
  }

  @Test
  void aJobPathWithNoJobYetEmitsNothingUntilAWriteCreatesIt() throws Exception {
    String job = tmp.resolve("not-yet").toString();
    Path out = tmp.resolve("out");
    Path checkpoint = tmp.resolve("checkpoint");
    StreamingQuery q = toParquet(stream(job), out, checkpoint, Trigger.AvailableNow());
    assertTrue(q.awaitTermination(120_000));
    assertEquals(Map.of(), output(out));

    awaitTerminal(writeBatch(job, "n", 2));
    q = toParquet(stream(job), out, checkpoint, Trigger.AvailableNow());
    assertTrue(q.awaitTermination(120_000));
    assertEquals(ids("n", 2), new TreeSet<>(output(out).keySet()));
  }

  /** custom_id → "status error_code attempt" of every output row (one row per id asserted). */
  private Map<String, String> outcomes(Path out) {
    Map<String, String> m = new HashMap<>();
    for (Row r :
        spark
            .read()
            .parquet(out.toString())
            .selectExpr("custom_id", "concat_ws(' ', status, error_code, attempt)")
            .collectAsList()) {
      assertEquals(null, m.put(r.getString(0), r.getString(1)), "one row for " + r.getString(0));
    }
    return m;
  }

  private StreamingQuery toParquetWithErrors(Dataset<Row> rows, Path out, Path checkpoint)
      throws TimeoutException {
    DataStreamWriter<Row> w =
        rows.selectExpr("custom_id", "status", "error_code", "attempt")
            .writeStream()
            .format("parquet")
            .trigger(Trigger.AvailableNow());
    return StreamTestSupport.options(w, "checkpointLocation", checkpoint.toString())
        .start(out.toString());
  }

  @Test
  void expiredAndFailedBatchesAreEmittedAsFinishedWithoutFailingTheQuery() throws Exception {
    String job = tmp.resolve("job").toString();
    Path out = tmp.resolve("out");
    EMU.emulator().holdNewBatches(true);
    String expired = writeBatch(job, "e", 2);
    String failed = writeBatch(job, "f", 2);
    EMU.emulator().holdNewBatches(false);
    EMU.emulator().expireBatch(expired);
    EMU.emulator().failBatch(failed, "capacity exhausted");
    StreamingQuery q = toParquetWithErrors(stream(job), out, tmp.resolve("checkpoint"));
    assertTrue(q.awaitTermination(120_000));
    assertEquals(
        Map.of(
            "e0", "missing batch_expired 1",
            "e1", "missing batch_expired 1",
            "f0", "failed batch_failed 1",
            "f1", "failed batch_failed 1"),
        outcomes(out));
  }

  @Test
  void aResubmissionIsEmittedOnceMoreWithItsAttempt() throws Exception {
    String job = tmp.resolve("job").toString();
    Path out = tmp.resolve("out");
    Path checkpoint = tmp.resolve("checkpoint");
    Dataset<Row> df =
        spark
            .range(0, 3, 1, 1)
            .selectExpr(
                "concat('r', id) AS custom_id",
                "CASE WHEN id = 0 THEN 'flaky !!fail-once!!' ELSE concat('question ', id) END"
                    + " AS prompt");
    WriteTestSupport.writer(df, EMU).save(job);
    WriteTestSupport.manifest(spark, job).get().batchIds().forEach(StreamSourceTest::awaitTerminal);
    StreamingQuery q = toParquetWithErrors(stream(job), out, checkpoint);
    assertTrue(q.awaitTermination(120_000));
    Map<String, String> first = outcomes(out);
    assertTrue(first.get("r0").startsWith("failed "), first.toString());

    Map<String, String> connection = new HashMap<>();
    connection.put("apiKey", EmulatorExtension.TEST_API_KEY);
    connection.put("baseUrl", EMU.baseUrl());
    assertEquals(
        1,
        io.github.sparktogetherbatch.jobs.TogetherBatchJobs.resubmit(
            spark, job, null, null, connection));
    WriteTestSupport.manifest(spark, job).get().batchIds().forEach(StreamSourceTest::awaitTerminal);
    q = toParquetWithErrors(stream(job), out, checkpoint);
    assertTrue(q.awaitTermination(120_000));
    Map<String, List<String>> rows = new TreeMap<>();
    for (Row r :
        spark
            .read()
            .parquet(out.toString())
            .selectExpr("custom_id", "concat_ws(' ', status, attempt)")
            .collectAsList()) {
      rows.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r.getString(1));
    }
    rows.values().forEach(java.util.Collections::sort);
    assertEquals(
        Map.of(
            "r0", List.of("failed 1", "succeeded 2"),
            "r1", List.of("succeeded 1"),
            "r2", List.of("succeeded 1")),
        rows,
        "attempt 1's batch once, then the resubmission's batch once");
  }

  @Test
  void aBadOptionFailsTheQueryNamingIt() throws Exception {
    StreamingQuery q =
        toParquet(
            stream(tmp.resolve("job").toString(), "maxBatchesPerTrigger", "0"),
            tmp.resolve("out"),
            tmp.resolve("checkpoint"),
            Trigger.AvailableNow());
    StreamingQueryException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            StreamingQueryException.class, () -> q.awaitTermination(120_000));
    TogetherConfigException c = WriteTestSupport.causeOf(e, TogetherConfigException.class);
    assertTrue(c.getMessage().contains("maxBatchesPerTrigger"), c.getMessage());

    String job = tmp.resolve("job").toString();
    awaitTerminal(writeBatch(job, "v", 1));
    StreamingQuery view =
        StreamTestSupport.options(
                stream(job, "view", "batches")
                    .writeStream()
                    .format("memory")
                    .queryName("batch_view_stream")
                    .trigger(Trigger.AvailableNow()),
                "checkpointLocation",
                tmp.resolve("checkpoint-view").toString())
            .start();
    e =
        org.junit.jupiter.api.Assertions.assertThrows(
            StreamingQueryException.class, () -> view.awaitTermination(120_000));
    c = WriteTestSupport.causeOf(e, TogetherConfigException.class);
    assertTrue(c.getMessage().contains("'view'"), c.getMessage());
  }
}
