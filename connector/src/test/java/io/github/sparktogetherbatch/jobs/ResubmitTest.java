package io.github.sparktogetherbatch.jobs;

import static io.github.sparktogetherbatch.jobs.OpsSupport.byId;
import static io.github.sparktogetherbatch.jobs.OpsSupport.connection;
import static io.github.sparktogetherbatch.jobs.OpsSupport.manifest;
import static io.github.sparktogetherbatch.jobs.OpsSupport.reader;
import static io.github.sparktogetherbatch.jobs.OpsSupport.writer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.exceptions.TogetherBatchException;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import io.github.sparktogetherbatch.manifest.BatchEntry;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import io.github.sparktogetherbatch.testing.WriteTestSupport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TogetherBatchJobs#resubmit}: exactly the failed, expired and cancelled requests are sent
 * again, as new batches of the job; a read then gives every request once, its latest outcome.
 */
class ResubmitTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  /** Rows {@code <prefix>0 ..}: the ids in {@code failOnce} fail once, {@code hardFail} always. */
  private Dataset<Row> rows(String prefix, int from, int to, int failOnceBelow, int hardFail) {
    return spark
        .range(from, to, 1, 1)
        .selectExpr(
            "concat('" + prefix + "', id) AS custom_id",
            "CASE WHEN id < "
                + failOnceBelow
                + " THEN concat('flaky ', id, ' !!fail-once!!') WHEN id = "
                + hardFail
                + " THEN 'broken !!fail!!' ELSE concat('question ', id) END AS prompt");
  }

  private static TogetherClient client() {
    return WriteTestSupport.client(EMU);
  }

  /** Waits until the emulator has processed {@code n} requests of the batch. */
  private static void awaitProcessed(String batchId, long n) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      for (JsonNode b : EMU.emulator().state().path("batches")) {
        if (b.path("id").asText().equals(batchId) && b.path("processed").asLong() >= n) {
          return;
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    throw new AssertionError("batch " + batchId + " did not process " + n + " requests");
  }

  /** The custom_ids of a batch's input file. */
  private static List<String> inputIds(TogetherClient client, String batchId) {
    List<String> ids = new ArrayList<>();
    for (JsonNode l : WriteTestSupport.lines(client, client.getBatch(batchId).inputFileId())) {
      ids.add(l.path("custom_id").asText());
    }
    return ids;
  }

  @Test
  void failedExpiredAndCancelledRequestsAreSentAgainExactlyOnce() {
    String path = tmp.resolve("job").toString();
    // Batch 1: r-0..r-4 fail once (server_error), r-5 fails for good; finishes at once.
    writer(rows("r-", 0, 10, 5, 5), EMU).save(path);
    assertEquals(10, reader(spark, EMU).load(path).count());
    // Batches 2 and 3, slow: one expires, one is cancelled, half-way.
    EMU.emulator().setRequestsPerSecond(2);
    writer(rows("r-", 10, 30, 0, -1), EMU)
        .option("maxRequestsPerBatch", "10")
        .mode("append")
        .save(path);
    List<String> first = manifest(spark, path).batchIds();
    assertEquals(3, first.size());
    try (TogetherClient client = client()) {
      awaitProcessed(first.get(1), 2);
      EMU.emulator().expireBatch(first.get(1));
      awaitProcessed(first.get(2), 2);
      client.cancelBatch(first.get(2));
    }
    EMU.emulator().setRequestsPerSecond(0);
    Map<String, Row> before = byId(reader(spark, EMU).load(path).collectAsList());
    Set<String> expected = new HashSet<>();
    for (Row r : before.values()) {
      String code = r.getAs("error_code");
      if ("missing".equals(r.getAs("status")) || "server_error".equals(code)) {
        expected.add(r.getAs("custom_id"));
      }
    }
    for (int i = 0; i < 5; i++) {
      assertTrue(expected.contains("r-" + i));
    }
    assertEquals("emulated_failure", before.get("r-5").getAs("error_code"));
    assertTrue(expected.size() > 5 && expected.size() < 25, "to retry: " + expected);

    long sent = TogetherBatchJobs.resubmit(spark, path, null, null, connection(EMU));
    assertEquals(expected.size(), sent);
    JobManifest m = manifest(spark, path);
    assertEquals(6, m.batches().size());
    List<String> resent = new ArrayList<>();
    try (TogetherClient client = client()) {
      for (BatchEntry b : m.batches().subList(3, 6)) {
        assertEquals(2, b.attempt());
        assertEquals(1, b.retryOf().size());
        assertTrue(first.contains(b.retryOf().get(0)));
        assertNotNull(b.customIds(), "a resubmission has a custom_id record, as a write's files");
        resent.addAll(inputIds(client, b.batchId()));
      }
    }
    assertEquals(expected.size(), resent.size(), "no request sent twice");
    assertEquals(expected, new HashSet<>(resent));

    // Their batches may still run: nothing more to send.
    assertEquals(0, TogetherBatchJobs.resubmit(spark, path, null, null, connection(EMU)));
    assertEquals(6, manifest(spark, path).batches().size());

    List<Row> after = reader(spark, EMU).load(path).collectAsList();
    Map<String, Row> got = byId(after);
    assertEquals(30, got.size());
    Set<String> retryBatches = new HashSet<>(m.batchIds().subList(3, 6));
    for (Row r : after) {
      String id = r.getAs("custom_id");
      if (id.equals("r-5")) {
        assertEquals("failed", r.getAs("status"));
        assertEquals(1, (int) r.getAs("attempt"));
        continue;
      }
      assertEquals("succeeded", r.getAs("status"), id);
      assertNotNull(r.getAs("content"), id);
      if (expected.contains(id)) {
        assertEquals(2, (int) r.getAs("attempt"), id);
        assertTrue(retryBatches.contains((String) r.getAs("batch_id")), id);
      } else {
        assertEquals(1, (int) r.getAs("attempt"), id);
        assertTrue(first.contains((String) r.getAs("batch_id")), id);
      }
    }

    // Nothing left to retry: no batch is created.
    assertEquals(0, TogetherBatchJobs.resubmit(spark, path, null, null, connection(EMU)));
    assertEquals(6, manifest(spark, path).batches().size());
    assertEquals(6, WriteTestSupport.batches(EMU).size());

    List<Row> view = reader(spark, EMU).option("view", "batches").load(path).collectAsList();
    Map<Integer, Integer> attempts = new HashMap<>();
    for (Row r : view) {
      attempts.merge((int) r.getAs("attempt"), 1, Integer::sum);
    }
    assertEquals(Map.of(1, 3, 2, 3), attempts);
  }

  @Test
  void inputFilesNotServedBackNeedTheInputDataFrame() {
    EMU.emulator().setServeInputFiles(false);
    String path = tmp.resolve("df").toString();
    Dataset<Row> input = rows("d-", 0, 10, 3, -1);
    writer(input, EMU).save(path);
    assertEquals(3, reader(spark, EMU).load(path).where("status = 'failed'").count());
    int files = WriteTestSupport.inputFiles(EMU).size();

    TogetherConfigException e =
        assertThrows(
            TogetherConfigException.class,
            () -> TogetherBatchJobs.resubmit(spark, path, null, null, connection(EMU)));
    assertTrue(e.getMessage().contains("resubmit(spark, path, input)"), e.getMessage());
    assertEquals(files, WriteTestSupport.inputFiles(EMU).size(), "nothing uploaded");

    assertEquals(3, TogetherBatchJobs.resubmit(spark, path, input, null, connection(EMU)));
    JobManifest m = manifest(spark, path);
    assertEquals(2, m.batches().size());
    assertEquals(2, m.batches().get(1).attempt());

    Map<String, Row> got = byId(reader(spark, EMU).load(path).collectAsList());
    assertEquals(10, got.size());
    for (int i = 0; i < 10; i++) {
      Row r = got.get("d-" + i);
      assertEquals("succeeded", r.getAs("status"), "d-" + i);
      assertEquals(i < 3 ? 2 : 1, (int) r.getAs("attempt"), "d-" + i);
    }
    assertEquals(0, TogetherBatchJobs.resubmit(spark, path, input, null, connection(EMU)));
    assertEquals(2, manifest(spark, path).batches().size());
  }

  @Test
  void aResubmitInterruptedAfterTheCreateResumesWithoutDoubles() {
    String path = tmp.resolve("crash").toString();
    writer(rows("c-", 0, 8, 4, -1), EMU).save(path);
    assertEquals(4, reader(spark, EMU).load(path).where("status = 'failed'").count());

    // Together creates the batch, but the answer is lost and it cannot be found: the call fails
    // with the file recorded as pending and a batch at Together the job does not list.
    EMU.emulator()
        .armFault(
            "[{\"route\":\"POST /v1/batches\",\"action\":\"reset\",\"phase\":\"response\"},"
                + "{\"route\":\"GET /v1/batches\",\"status\":503,\"retryAfterMs\":10,\"times\":-1}]");
    Map<String, String> options = new HashMap<>(connection(EMU));
    options.put("maxRetries", "1");
    options.put("retryTimeout", "2s");
    assertThrows(
        TogetherBatchException.class,
        () -> TogetherBatchJobs.resubmit(spark, path, null, null, options));
    JobManifest interrupted = manifest(spark, path);
    assertEquals(1, interrupted.batches().size());
    assertEquals(1, interrupted.pendingFiles().size());
    assertEquals(2, WriteTestSupport.batches(EMU).size(), "Together has the resubmission");
    EMU.emulator().clearFaults();
    int files = WriteTestSupport.inputFiles(EMU).size();

    assertEquals(0, TogetherBatchJobs.resubmit(spark, path, null, null, connection(EMU)));
    JobManifest m = manifest(spark, path);
    assertEquals(2, m.batches().size());
    assertTrue(m.pendingFiles().isEmpty());
    assertEquals(2, m.batches().get(1).attempt());
    assertEquals(2, WriteTestSupport.batches(EMU).size(), "no batch created twice");
    assertEquals(files, WriteTestSupport.inputFiles(EMU).size(), "nothing uploaded again");

    Map<String, Row> got = byId(reader(spark, EMU).load(path).collectAsList());
    assertEquals(8, got.size());
    for (Row r : got.values()) {
      assertEquals("succeeded", r.getAs("status"), (String) r.getAs("custom_id"));
    }
  }

  @Test
  void aRunningResubmissionShowsItsRequestsPendingAndIsNotSentAgain() {
    String path = tmp.resolve("running").toString();
    writer(rows("p-", 0, 6, 2, -1), EMU).save(path);
    assertEquals(2, reader(spark, EMU).load(path).where("status = 'failed'").count());
    EMU.emulator().setRequestsPerSecond(0.2);

    assertEquals(2, TogetherBatchJobs.resubmit(spark, path, null, null, connection(EMU)));
    String retry = manifest(spark, path).batchIds().get(1);
    Map<String, Row> got =
        byId(reader(spark, EMU).option("wait", "false").load(path).collectAsList());
    assertEquals(6, got.size());
    for (int i = 0; i < 6; i++) {
      Row r = got.get("p-" + i);
      assertEquals(i < 2 ? "pending" : "succeeded", r.getAs("status"), "p-" + i);
      assertEquals(i < 2 ? 2 : 1, (int) r.getAs("attempt"), "p-" + i);
      if (i < 2) {
        assertEquals(retry, r.getAs("batch_id"));
      }
    }
    assertEquals(0, TogetherBatchJobs.resubmit(spark, path, null, null, connection(EMU)));
    assertEquals(2, manifest(spark, path).batches().size());
    Row view =
        reader(spark, EMU)
            .option("view", "batches")
            .load(path)
            .where("attempt = 2")
            .select("batch_id", "status", "requests")
            .first();
    assertEquals(retry, view.getString(0));
    assertTrue(Set.of("VALIDATING", "IN_PROGRESS").contains(view.getString(1)), view.getString(1));
    assertEquals(2L, view.getLong(2));
  }
}
