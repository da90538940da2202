package io.github.sparktogetherbatch.read;

import static io.github.sparktogetherbatch.testing.WriteTestSupport.manifest;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.writer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparktogetherbatch.manifest.JobFolder;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads reconcile from the custom_id records the write left at the job path, not from the batch
 * input files at Together (which Together does not promise to serve back): with the emulator's
 * {@code serveInputFiles} switched off, an expired batch still gives exactly one row per request,
 * its unanswered requests {@code missing}. A job written before the records (a version 1 manifest)
 * still reconciles from its input files.
 */
class CustomIdRecordReadTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int N = 100;

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  private String path() {
    return tmp.resolve("job").toString();
  }

  private DataFrameReader reader() {
    return spark
        .read()
        .format("together-batch")
        .option("apiKey", EmulatorExtension.TEST_API_KEY)
        .option("baseUrl", EMU.baseUrl())
        .option("pollInterval", "50ms");
  }

  /** Writes N rows as one packed batch that the emulator hardly works on, then expires it. */
  private String writeExpiredJob() {
    EMU.emulator().setRequestsPerSecond(2);
    writer(
            spark
                .range(0, N, 1, 10)
                .selectExpr("concat('id-', id) AS custom_id", "concat('question ', id) AS prompt"),
            EMU)
        .save(path());
    JobManifest m = manifest(spark, path()).orElseThrow();
    assertEquals(1, m.batches().size());
    EMU.emulator().expireBatch(m.batchIds().get(0));
    return m.batchIds().get(0);
  }

  private static void serveInputFiles(boolean serve) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(EMU.baseUrl().replace("/v1", "") + "/_emulator/config"))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString("{\"serveInputFiles\":" + serve + "}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }

  /** Every request once; returns the count per status. */
  private static Map<String, Integer> assertOneRowPerRequest(List<Row> rows, String batchId) {
    Set<String> ids = new HashSet<>();
    Map<String, Integer> statuses = new HashMap<>();
    for (Row r : rows) {
      assertTrue(ids.add(r.getAs("custom_id")), "twice: " + r);
      assertEquals(batchId, r.getAs("batch_id"));
      statuses.merge(r.getAs("status"), 1, Integer::sum);
      if ("missing".equals(r.getAs("status"))) {
        assertEquals("batch_expired", r.getAs("error_code"));
      }
    }
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < N; i++) {
      expected.add("id-" + i);
    }
    assertEquals(expected, ids);
    return statuses;
  }

  @Test
  void anExpiredBatchReconcilesFromItsRecordWhenInputFilesAreNotServed() throws Exception {
    String batchId = writeExpiredJob();
    serveInputFiles(false);

    List<Row> rows = reader().load(path()).collectAsList();

    Map<String, Integer> statuses = assertOneRowPerRequest(rows, batchId);
    assertTrue(statuses.getOrDefault("missing", 0) > 0, "unanswered requests: " + statuses);
    assertEquals(N, statuses.values().stream().mapToInt(Integer::intValue).sum());
    assertEquals(N, reader().load(path()).select("custom_id").distinct().count());
    // Without the record, a 404 on the input file would give results without reconciliation:
    // no missing rows at all.
  }

  @Test
  void pendingRowsComeFromTheRecordWhenInputFilesAreNotServed() throws Exception {
    EMU.emulator().setRequestsPerSecond(0.5);
    writer(
            spark
                .range(0, N, 1, 10)
                .selectExpr("concat('id-', id) AS custom_id", "concat('question ', id) AS prompt"),
            EMU)
        .save(path());
    serveInputFiles(false);

    List<Row> rows = reader().option("wait", "false").load(path()).collectAsList();

    assertEquals(N, rows.size());
    Set<String> ids = new HashSet<>();
    for (Row r : rows) {
      ids.add(r.getAs("custom_id"));
    }
    assertEquals(N, ids.size());
  }

  @Test
  void aJobWrittenBeforeRecordsReconcilesFromItsInputFiles() throws Exception {
    String batchId = writeExpiredJob();
    JobManifest m = manifest(spark, path()).orElseThrow();
    assertNotNull(m.batches().get(0).customIds());
    // Make it a job of the first format: no records, formatVersion 1.
    try (Stream<Path> s = Files.walk(tmp.resolve("job").resolve(JobFolder.RECORDS_DIR))) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    Path latest;
    try (Stream<Path> s = Files.list(tmp.resolve("job"))) {
      latest =
          s.filter(p -> p.getFileName().toString().matches("manifest-\\d+\\.json"))
              .sorted()
              .reduce((a, b) -> b)
              .orElseThrow();
    }
    ObjectNode json = (ObjectNode) JSON.readTree(latest.toFile());
    json.put("formatVersion", 1);
    for (JsonNode b : json.path("batches")) {
      ((ObjectNode) b).remove("customIds");
    }
    String next = String.format("manifest-%06d.json", m.version() + 1);
    JSON.writeValue(new File(tmp.resolve("job").toFile(), next), json);
    assertNull(manifest(spark, path()).orElseThrow().batches().get(0).customIds());

    Map<String, Integer> statuses =
        assertOneRowPerRequest(reader().load(path()).collectAsList(), batchId);
    assertTrue(statuses.getOrDefault("missing", 0) > 0, "unanswered requests: " + statuses);
  }
}
