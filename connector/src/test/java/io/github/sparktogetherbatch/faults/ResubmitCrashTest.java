package io.github.sparktogetherbatch.faults;

import static io.github.sparktogetherbatch.faults.FaultSupport.batches;
import static io.github.sparktogetherbatch.faults.FaultSupport.byId;
import static io.github.sparktogetherbatch.faults.FaultSupport.client;
import static io.github.sparktogetherbatch.faults.FaultSupport.customIds;
import static io.github.sparktogetherbatch.faults.FaultSupport.manifest;
import static io.github.sparktogetherbatch.faults.FaultSupport.reader;
import static io.github.sparktogetherbatch.faults.FaultSupport.writer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.jobs.TogetherBatchJobs;
import io.github.sparktogetherbatch.manifest.BatchEntry;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A driver killed in the middle of {@code TogetherBatchJobs.resubmit}: four batches each have two
 * requests that fail once; the resubmitting driver (its own JVM) creates the first resubmission
 * batch and records it, then Together creates the second but its answer is lost and the driver is
 * killed while it looks for it. A new resubmit records that batch (found by its input file),
 * resubmits the other two batches' requests, and every request is sent again exactly once.
 */
class ResubmitCrashTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  @Test
  void aDriverKilledMidResubmitIsResumedWithoutDoubles() throws Exception {
    String path = tmp.resolve("job").toString();
    writer(
            spark
                .range(0, 40, 1, 1)
                .selectExpr(
                    "concat('r-', id) AS custom_id",
                    "CASE WHEN id % 10 < 2 THEN concat('flaky ', id, ' !!fail-once!!')"
                        + " ELSE concat('question ', id) END AS prompt"),
            EMU)
        .option("idColumn", "custom_id")
        .option("maxRequestsPerBatch", "10")
        .save(path);
    assertEquals(8, reader(spark, EMU).load(path).where("status = 'failed'").count());
    assertEquals(4, manifest(spark, path).batches().size());

    EMU.emulator()
        .armFault(
            "[{\"route\":\"POST /v1/batches\",\"action\":\"delay\",\"millis\":1},"
                + "{\"route\":\"POST /v1/batches\",\"action\":\"reset\"},"
                + "{\"route\":\"GET /v1/batches\",\"status\":503,\"retryAfterMs\":100,\"times\":-1}]");
    Path log = tmp.resolve("driver.log");
    Process driver =
        ForkedJvm.start(
            ForkedResubmitMain.class,
            tmp,
            log,
            Map.of("TOGETHER_API_KEY", FaultSupport.KEY),
            path,
            EMU.baseUrl());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (driver.isAlive()
        && !(batches(EMU).size() >= 6 && EMU.emulator().requestCount("GET /v1/batches") >= 2)
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(driver.isAlive(), "the driver ended on its own:\n" + ForkedJvm.tail(log));
    driver.destroyForcibly();
    assertTrue(driver.waitFor(30, TimeUnit.SECONDS));
    assertNotEquals(0, driver.exitValue());
    assertTrue(!Files.readString(log).contains("RESUBMIT FINISHED"), ForkedJvm.tail(log));
    EMU.emulator().clearFaults();

    JobManifest left = manifest(spark, path);
    assertEquals(5, left.batches().size(), left.toString());
    assertEquals(1, left.pendingFiles().size(), left.toString());
    assertEquals(6, batches(EMU).size(), "Together has the batch the manifest lacks");

    Map<String, String> options = Map.of("apiKey", FaultSupport.KEY, "baseUrl", EMU.baseUrl());
    assertEquals(4, TogetherBatchJobs.resubmit(spark, path, null, null, options));

    JobManifest m = manifest(spark, path);
    assertTrue(m.pendingFiles().isEmpty());
    assertEquals(8, m.batches().size());
    assertEquals(8, batches(EMU).size(), "no batch created twice");
    List<String> resent = new ArrayList<>();
    try (TogetherClient client = client(EMU)) {
      for (BatchEntry b : m.batches().subList(4, 8)) {
        assertEquals(2, b.attempt());
        resent.addAll(customIds(client, b.inputFileId()));
      }
    }
    assertEquals(8, resent.size(), "each failed request sent again once: " + resent);
    assertEquals(8, new HashSet<>(resent).size());

    List<Row> rows = reader(spark, EMU).load(path).collectAsList();
    Map<String, Row> got = byId(rows);
    assertEquals(40, got.size());
    for (Row r : rows) {
      String id = r.getAs("custom_id");
      assertEquals("succeeded", r.getAs("status"), id);
      long i = Long.parseLong(id.substring(2));
      assertEquals(i % 10 < 2 ? 2 : 1, (int) r.getAs("attempt"), id);
    }
  }
}
