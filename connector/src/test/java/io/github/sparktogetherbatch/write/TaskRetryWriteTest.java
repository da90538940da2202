package io.github.sparktogetherbatch.write;

import static io.github.sparktogetherbatch.testing.WriteTestSupport.batches;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.client;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.inputFiles;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.lines;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.manifest;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.writer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Task retries: every task fails on its first attempt, mid-partition, after staging some rows. The
 * retried attempts' batches hold every row exactly once and no file is left behind. Needs a master
 * that retries tasks ({@code local[2,3]}: 2 threads, up to 3 attempts), so this class stops the
 * shared session and uses its own.
 */
class TaskRetryWriteTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  private static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void retryingSession() {
    SparkTestSession.get().stop();
    spark =
        SparkSession.builder()
            .master("local[2,3]")
            .appName("spark-together-batch-retry-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.driver.host", "127.0.0.1")
            .getOrCreate();
  }

  @AfterAll
  static void stopIt() {
    if (spark != null) {
      spark.stop(); // SparkTestSession.get() makes a fresh local[2] session for the next class
    }
  }

  @Test
  void tasksFailingOnTheirFirstAttemptSubmitEveryRowExactlyOnce() throws Exception {
    spark
        .udf()
        .register(
            "failFirstAttempt",
            (UDF1<Long, Long>)
                id -> {
                  TaskContext tc = TaskContext.get();
                  if (tc.attemptNumber() == 0 && id % 50 == 37) {
                    throw new IllegalStateException(
                        "injected failure of attempt 0 of partition " + tc.partitionId());
                  }
                  return id;
                },
            DataTypes.LongType);
    int n = 200;
    String path = tmp.resolve("job").toString();
    Path staging = tmp.resolve("staging");
    Dataset<Row> df =
        spark
            .range(0, n, 1, 4)
            .selectExpr("failFirstAttempt(id) AS custom_id", "concat('question ', id) AS prompt");
    writer(df, EMU)
        .option("maxRequestsPerBatch", "20")
        .option("minRequestsPerBatch", "0") // every task uploads its own files
        .option("stagingDir", staging.toString())
        .save(path);

    JobManifest m = manifest(spark, path).orElseThrow();
    List<JsonNode> batches = batches(EMU);
    assertEquals(m.batches().size(), batches.size());
    assertEquals(12, batches.size()); // 4 partitions x 50 rows, 20 per file: 20 + 20 + 10
    List<String> ids = new ArrayList<>();
    try (TogetherClient c = client(EMU)) {
      for (JsonNode b : batches) {
        for (JsonNode line : lines(c, b.get("input_file_id").asText())) {
          ids.add(line.get("custom_id").asText());
        }
      }
    }
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < n; i++) {
      expected.add(Integer.toString(i));
    }
    assertEquals(n, ids.size(), "no row twice");
    assertEquals(expected, new HashSet<>(ids), "every row");
    assertEquals(batches.size(), inputFiles(EMU).size(), "no orphan files");
    Set<String> batchInputs = new HashSet<>();
    batches.forEach(b -> batchInputs.add(b.get("input_file_id").asText()));
    for (JsonNode f : inputFiles(EMU)) {
      assertTrue(batchInputs.contains(f.get("id").asText()));
      assertTrue(f.get("filename").asText().contains("-a1-"), "uploaded by the second attempt");
    }
    try (Stream<Path> left = Files.list(staging.resolve(WriteFileNames.STAGING_SUBDIR))) {
      assertEquals(Collections.emptyList(), left.toList(), "staging cleaned up");
    }
  }

  @Test
  void smallTasksFailingOnTheirFirstAttemptArePackedExactlyOnce() throws Exception {
    spark
        .udf()
        .register(
            "failFirstAttemptOfSome",
            (UDF1<Long, Long>)
                id -> {
                  TaskContext tc = TaskContext.get();
                  if (tc.attemptNumber() == 0 && id % 10 == 7 && tc.partitionId() % 2 == 0) {
                    throw new IllegalStateException(
                        "injected failure of attempt 0 of partition " + tc.partitionId());
                  }
                  return id;
                },
            DataTypes.LongType);
    int n = 200;
    String path = tmp.resolve("packed").toString();
    Dataset<Row> df =
        spark
            .range(0, n, 1, 20)
            .selectExpr(
                "failFirstAttemptOfSome(id) AS custom_id", "concat('question ', id) AS prompt");
    writer(df, EMU).save(path);

    // 20 tasks of 10 rows, half of them retried: one packed batch of every row once
    JobManifest m = manifest(spark, path).orElseThrow();
    List<JsonNode> batches = batches(EMU);
    assertEquals(1, batches.size());
    assertEquals(1, m.batches().size());
    assertEquals(n, m.totalRequests());
    List<String> ids = new ArrayList<>();
    try (TogetherClient c = client(EMU)) {
      for (JsonNode line : lines(c, batches.get(0).get("input_file_id").asText())) {
        ids.add(line.get("custom_id").asText());
      }
    }
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < n; i++) {
      expected.add(Integer.toString(i));
    }
    assertEquals(n, ids.size(), "no row twice");
    assertEquals(expected, new HashSet<>(ids), "every row");
    assertEquals(1, inputFiles(EMU).size(), "no orphan files");
    assertFalse(
        Files.exists(tmp.resolve("packed").resolve("_stb_temporary")),
        "the failed attempts' small files are gone");
  }

  @Test
  void anUploadFailingAfterAnotherSucceededIsCleanedUpAndRetried() {
    // One task, two files: the first uploads, the second is refused for good (400 on preprocess).
    // The attempt's abort deletes the first; the second attempt uploads both again.
    EMU.emulator()
        .armFault(
            "{\"route\":\"POST /v1/files/{id}/preprocess\",\"action\":\"delay\","
                + "\"millis\":1,\"times\":1}");
    EMU.emulator()
        .armFault("{\"route\":\"POST /v1/files/{id}/preprocess\",\"status\":400," + "\"times\":1}");
    String path = tmp.resolve("job2").toString();
    Dataset<Row> df =
        spark.range(0, 30, 1, 1).selectExpr("id AS custom_id", "concat('question ', id) AS prompt");
    writer(df, EMU)
        .option("maxRequestsPerBatch", "20")
        .option("minRequestsPerBatch", "0")
        .save(path);

    JobManifest m = manifest(spark, path).orElseThrow();
    assertEquals(2, m.batches().size());
    assertEquals(30, m.totalRequests());
    assertEquals(2, batches(EMU).size());
    assertEquals(2, inputFiles(EMU).size(), "the failed attempt's files are gone");
    assertEquals(4, EMU.emulator().requestCount("POST /v1/files"));
    assertTrue(EMU.emulator().requestCount("DELETE /v1/files/{id}") >= 2);
    for (JsonNode f : inputFiles(EMU)) {
      assertTrue(f.get("filename").asText().contains("-a1-"), f.toString());
    }
  }
}
