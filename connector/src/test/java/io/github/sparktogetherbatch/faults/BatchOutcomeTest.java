package io.github.sparktogetherbatch.faults;

import static io.github.sparktogetherbatch.faults.FaultSupport.assertJobExactlyOnce;
import static io.github.sparktogetherbatch.faults.FaultSupport.await;
import static io.github.sparktogetherbatch.faults.FaultSupport.byId;
import static io.github.sparktogetherbatch.faults.FaultSupport.causeOf;
import static io.github.sparktogetherbatch.faults.FaultSupport.expectedContent;
import static io.github.sparktogetherbatch.faults.FaultSupport.input;
import static io.github.sparktogetherbatch.faults.FaultSupport.manifest;
import static io.github.sparktogetherbatch.faults.FaultSupport.reader;
import static io.github.sparktogetherbatch.faults.FaultSupport.writer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparktogetherbatch.client.BatchStatus;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.exceptions.TogetherJobException;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batches that end badly at Together: FAILED, EXPIRED half-way, cancelled by a user while the read
 * waits. 5,000 rows are written as two batches of 2,500 that the emulator processes at 1,000
 * requests per second each, so the test can act on a batch while it runs. Every input row still
 * comes back exactly once: finished requests with their result, the others as {@code missing} (or
 * {@code failed} for a FAILED batch) naming the batch.
 */
class BatchOutcomeTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  static final int N = 5_000;
  static final int PER_BATCH = 2_500;

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  /** Writes the job slowly processed; returns its path. */
  private String writeSlowJob(String name) {
    EMU.emulator().setRequestsPerSecond(1_000);
    String path = tmp.resolve(name).toString();
    writer(input(spark, N, 2), EMU)
        .option("maxRequestsPerBatch", String.valueOf(PER_BATCH))
        .save(path);
    assertEquals(2, manifest(spark, path).batches().size());
    return path;
  }

  /** Waits until the batch has processed at least {@code fraction} of its requests. */
  private static void awaitProgress(String batchId, double fraction) {
    await(
        EMU,
        s -> {
          for (JsonNode b : s.path("batches")) {
            if (b.path("id").asText().equals(batchId)) {
              long requests = b.path("requests").asLong();
              // requests is 0 until the emulator has read the input file (VALIDATING)
              return requests > 0 && b.path("processed").asLong() >= fraction * requests;
            }
          }
          return false;
        },
        Duration.ofSeconds(30),
        "batch " + batchId + " at " + fraction);
  }

  private static JsonNode emulatorBatch(String batchId) {
    for (JsonNode b : EMU.emulator().state().path("batches")) {
      if (b.path("id").asText().equals(batchId)) {
        return b;
      }
    }
    throw new AssertionError("no batch " + batchId);
  }

  /**
   * The rows of {@code batchId}: each a success with the model's answer, or a row with {@code
   * status}/{@code code} naming the batch; returns how many were successes.
   */
  private static long checkBatchRows(List<Row> rows, String batchId, String status, String code) {
    long ok = 0;
    for (Row r : rows) {
      if (!batchId.equals(r.getAs("batch_id"))) {
        continue;
      }
      String id = r.getAs("custom_id");
      long i = Long.parseLong(id.substring(2));
      if ("succeeded".equals(r.getAs("status"))) {
        assertEquals(expectedContent(i), r.getAs("content"), id);
        ok++;
      } else {
        assertEquals(status, r.getAs("status"), id);
        assertEquals(code, r.getAs("error_code"), id);
        assertTrue(((String) r.getAs("error_message")).contains(batchId), id);
        assertNull(r.getAs("content"), id);
      }
    }
    return ok;
  }

  @Test
  void aBatchExpiredHalfWayReturnsItsFinishedRowsAndTheRestAsMissing() {
    String path = writeSlowJob("expired");
    JobManifest m = manifest(spark, path);
    String expired = m.batchIds().get(0);
    awaitProgress(expired, 0.4);
    EMU.emulator().expireBatch(expired);
    long processed = emulatorBatch(expired).path("processed").asLong();
    assertTrue(processed > 0 && processed < PER_BATCH, "expired half-way: " + processed);

    List<Row> rows = reader(spark, EMU).load(path).collectAsList();
    assertEquals(N, rows.size());
    assertEquals(N, byId(rows).size());
    assertEquals(processed, checkBatchRows(rows, expired, "missing", "batch_expired"));
    assertEquals(PER_BATCH, checkBatchRows(rows, m.batchIds().get(1), "-", "-"));
    assertJobExactlyOnce(EMU, spark, path, N);
  }

  @Test
  void aFailedBatchComesBackAsFailedRowsNextToACompletedOne() {
    String path = writeSlowJob("failed");
    JobManifest m = manifest(spark, path);
    String failed = m.batchIds().get(0);
    awaitProgress(failed, 0.2);
    EMU.emulator().failBatch(failed, "Internal error while running the batch");

    List<Row> rows = reader(spark, EMU).load(path).collectAsList();
    assertEquals(N, rows.size());
    assertEquals(N, byId(rows).size());
    // A FAILED batch has no result files at Together: every request of it is a failed row.
    assertEquals(0, checkBatchRows(rows, failed, "failed", "batch_failed"));
    for (Row r : rows) {
      if (failed.equals(r.getAs("batch_id"))) {
        assertTrue(((String) r.getAs("error_message")).contains("Internal error while running"));
      }
    }
    assertEquals(PER_BATCH, checkBatchRows(rows, m.batchIds().get(1), "-", "-"));
    assertJobExactlyOnce(EMU, spark, path, N);
  }

  @Test
  void aJobWhoseEveryBatchFailedFailsTheReadNamingThem() {
    String path = writeSlowJob("all-failed");
    JobManifest m = manifest(spark, path);
    for (String id : m.batchIds()) {
      EMU.emulator().failBatch(id, "Model is unavailable");
    }
    Exception e =
        assertThrows(Exception.class, () -> reader(spark, EMU).load(path).collectAsList());
    TogetherJobException ours = causeOf(e, TogetherJobException.class);
    assertEquals(m.batchIds(), ours.batchIds());
    for (String id : m.batchIds()) {
      assertTrue(ours.getMessage().contains(id), ours.getMessage());
    }
    assertTrue(ours.getMessage().contains("Model is unavailable"), ours.getMessage());
    // The job is still on record: the manifest names both batches, nothing was created again.
    assertEquals(m.batchIds(), manifest(spark, path).batchIds());
    assertEquals(2, EMU.emulator().requestCount("POST /v1/batches"));
  }

  @Test
  void aBatchCancelledByAUserWhileTheReadWaitsEndsTheWaitWithEveryRow() throws Exception {
    String path = writeSlowJob("cancelled");
    JobManifest m = manifest(spark, path);
    String cancelled = m.batchIds().get(0);
    long pollsBefore = EMU.emulator().requestCount("GET /v1/batches/{id}");
    CompletableFuture<List<Row>> read =
        CompletableFuture.supplyAsync(
            () -> reader(spark, EMU).option("pollInterval", "100ms").load(path).collectAsList());
    // The read is waiting (it polls); the user cancels one batch from elsewhere.
    await(
        EMU,
        s -> s.path("requests").path("GET /v1/batches/{id}").asLong() >= pollsBefore + 4,
        Duration.ofSeconds(30),
        "the read to poll");
    try (TogetherClient user = FaultSupport.client(EMU)) {
      BatchStatus after = user.cancelBatch(cancelled).status();
      assertTrue(after == BatchStatus.CANCELING || after == BatchStatus.CANCELLED, after.name());
    }
    List<Row> rows = read.get(60, TimeUnit.SECONDS);
    JsonNode b = emulatorBatch(cancelled);
    assertEquals("CANCELLED", b.path("status").asText());
    long processed = b.path("processed").asLong();
    assertTrue(processed < PER_BATCH, "cancelled before the end: " + processed);

    assertEquals(N, rows.size());
    Map<String, Row> got = byId(rows);
    assertEquals(N, got.size());
    assertEquals(processed, checkBatchRows(rows, cancelled, "missing", "batch_cancelled"));
    assertEquals(PER_BATCH, checkBatchRows(rows, m.batchIds().get(1), "-", "-"));
    assertJobExactlyOnce(EMU, spark, path, N);
  }
}
