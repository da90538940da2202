package io.github.sparktogetherbatch.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.manifest.HadoopConfs;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.stream.StreamTestSupport;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming source's driver killed mid-micro-batch and started again from its checkpoint: a
 * Spark driver in its own JVM ({@link ForkedSourceMain}) streams a job's answers into Parquet, one
 * finished batch per micro-batch. Two batches finish and are written; the third is released while
 * its downloads fail (503, retried), so Spark has logged that micro-batch's offsets but not its
 * commit when the driver is killed ({@code destroyForcibly}). The same query then runs here with
 * {@code AvailableNow}, after a fourth batch finished too: Spark replays the killed micro-batch
 * from the source's log, and the Parquet table holds every answer of the four batches exactly once.
 */
@Tag("slow") // a forked driver: about 40 s on a 2-core machine
class SourceKillTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  static final int PER_BATCH = 60;

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  @Test
  void aCollectorKilledMidMicroBatchDeliversEveryAnswerOnceAfterItsRestart() throws Exception {
    String job = tmp.resolve("job").toString();
    Path out = tmp.resolve("table");
    Path checkpoint = tmp.resolve("checkpoint");
    EMU.emulator().holdNewBatches(true);
    List<String> batches = new ArrayList<>();
    for (int b = 0; b < 4; b++) {
      batches.add(writeBatch(job, "b" + b + "-"));
    }
    EMU.emulator().holdNewBatches(false);
    EMU.emulator().releaseBatch(batches.get(0));
    EMU.emulator().releaseBatch(batches.get(1));

    Path log = tmp.resolve("driver.log");
    Process driver =
        ForkedJvm.start(
            ForkedSourceMain.class,
            tmp,
            log,
            Map.of("TOGETHER_API_KEY", FaultSupport.KEY),
            job,
            out.toString(),
            checkpoint.toString(),
            EMU.baseUrl());
    // the first two batches are emitted and committed, one micro-batch each
    waitFor(driver, log, () -> Files.exists(checkpoint.resolve("commits").resolve("1")));
    EMU.emulator()
        .armFault(
            "{\"route\":\"GET /v1/files/{id}/content\",\"status\":503,"
                + "\"retryAfterMs\":100,\"times\":-1}");
    long downloadsBefore = EMU.emulator().requestCount("GET /v1/files/{id}/content");
    EMU.emulator().releaseBatch(batches.get(2));
    // the third micro-batch is planned (its offsets logged) and its downloads are failing
    waitFor(
        driver,
        log,
        () ->
            Files.exists(checkpoint.resolve("offsets").resolve("2"))
                && EMU.emulator().requestCount("GET /v1/files/{id}/content")
                    >= downloadsBefore + 3);
    driver.destroyForcibly();
    assertTrue(driver.waitFor(30, TimeUnit.SECONDS));
    assertNotEquals(0, driver.exitValue());
    assertFalse(Files.exists(checkpoint.resolve("commits").resolve("2")), "killed before commit");
    assertEquals(2 * PER_BATCH, answers(out).size(), "two batches' answers before the kill");
    EMU.emulator().clearFaults();
    EMU.emulator().releaseBatch(batches.get(3));
    awaitTerminal(batches.get(3));

    // the next run: the same query from its checkpoint, up to what is finished now
    StreamingQuery q =
        ForkedSourceMain.query(
            spark,
            job,
            out.toString(),
            checkpoint.toString(),
            EMU.baseUrl(),
            FaultSupport.KEY,
            Trigger.AvailableNow());
    q.awaitTermination();
    assertTrue(q.exception().isEmpty(), () -> String.valueOf(q.exception()));

    Map<String, Integer> counts = answers(out);
    Set<String> expected = new HashSet<>();
    for (int b = 0; b < 4; b++) {
      for (int i = 0; i < PER_BATCH; i++) {
        expected.add("b" + b + "-" + i);
      }
    }
    assertEquals(expected, counts.keySet());
    counts.forEach((id, n) -> assertEquals(1, n, "answers for " + id));
    assertTrue(Files.exists(checkpoint.resolve("commits").resolve("2")), "the replay committed");
  }

  /** Appends one batch of {@link #PER_BATCH} requests {@code <prefix>0..}; returns its id. */
  private String writeBatch(String job, String prefix) {
    Set<String> before = new HashSet<>(batchIds(job));
    FaultSupport.writer(
            spark
                .range(0, PER_BATCH, 1, 1)
                .selectExpr(
                    "concat('" + prefix + "', id) AS custom_id",
                    "concat('question ', id) AS prompt"),
            EMU)
        .mode("append")
        .save(job);
    List<String> added = new ArrayList<>(batchIds(job));
    added.removeAll(before);
    assertEquals(1, added.size(), "one new batch: " + added);
    return added.get(0);
  }

  private List<String> batchIds(String job) {
    return JobManifest.read(job, HadoopConfs.forSession(spark))
        .map(JobManifest::batchIds)
        .orElse(List.of());
  }

  private Map<String, Integer> answers(Path out) {
    return StreamTestSupport.succeededAnswers(spark, out);
  }

  private static void waitFor(Process driver, Path log, BooleanSupplier moment)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (driver.isAlive() && !moment.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(driver.isAlive(), "the driver ended early:\n" + ForkedJvm.tail(log));
    assertTrue(moment.getAsBoolean(), "never reached the moment:\n" + ForkedJvm.tail(log));
  }

  private static void awaitTerminal(String batchId) throws InterruptedException {
    try (TogetherClient client = FaultSupport.client(EMU)) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!client.getBatch(batchId).isTerminal()) {
        assertTrue(System.nanoTime() < deadline, "batch " + batchId + " did not finish");
        Thread.sleep(20);
      }
    }
  }
}
