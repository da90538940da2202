package io.github.sparktogetherbatch.write;

import static io.github.sparktogetherbatch.testing.WriteTestSupport.causeOf;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.writer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparktogetherbatch.exceptions.TogetherDataException;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import io.github.sparktogetherbatch.testing.WriteTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dryRun}: every row is encoded, checked and staged as in a real write, and nothing leaves
 * the machine: no request to the API at all, no batch, no manifest, no staged file left.
 */
class DryRunWriteTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  private String path() {
    return tmp.resolve("job").toString();
  }

  @AfterEach
  void nothingLeftTheMachine() throws Exception {
    WriteTestSupport.awaitNoRunningTasks(spark);
    JsonNode requests = EMU.emulator().state().path("requests").deepCopy();
    // The one call a dry run makes: the model list, read-only, for the estimated cost it logs.
    ((com.fasterxml.jackson.databind.node.ObjectNode) requests).remove("GET /v1/models");
    assertEquals(0, requests.size(), "requests to the API: " + requests);
    assertFalse(WriteTestSupport.manifest(spark, path()).isPresent(), "a manifest was written");
    Path staging = tmp.resolve("staging").resolve(WriteFileNames.STAGING_SUBDIR);
    // A task Spark killed when the job failed deletes its staging as it stops, which may be a
    // moment after Spark reports it gone: wait for that (bounded), then nothing may be left.
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    java.util.List<String> left = leftIn(staging);
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
      left = leftIn(staging);
    }
    assertEquals(java.util.List.of(), left, "staged files left");
  }

  private static java.util.List<String> leftIn(Path staging) throws java.io.IOException {
    if (!Files.exists(staging)) {
      return java.util.List.of();
    }
    try (Stream<Path> files = Files.walk(staging)) {
      return files
          .filter(Files::isRegularFile)
          .map(p -> staging.relativize(p).toString())
          .sorted()
          .collect(java.util.stream.Collectors.toList());
    }
  }

  private Dataset<Row> prompts(long n, int partitions) {
    return spark.range(0, n, 1, partitions).selectExpr("id", "concat('question ', id) AS prompt");
  }

  @Test
  void encodesAndStagesEveryRowAndUploadsNothing() {
    writer(prompts(120_001, 3), EMU)
        .option("dryRun", "true")
        .option("idColumn", "id")
        .option("stagingDir", tmp.resolve("staging").toString())
        .save(path());
  }

  @Test
  void badInputFailsAsInARealWrite() {
    Dataset<Row> df =
        prompts(100, 2).selectExpr("id", "CASE WHEN id = 57 THEN NULL ELSE prompt END AS prompt");
    Throwable t =
        assertThrows(
            Throwable.class,
            () ->
                writer(df, EMU)
                    .option("dryRun", "true")
                    .option("idColumn", "id")
                    .option("stagingDir", tmp.resolve("staging").toString())
                    .save(path()));
    TogetherDataException e = causeOf(t, TogetherDataException.class);
    assertTrue(
        e.getMessage().contains("is null") && e.getMessage().contains("'57'"), e.getMessage());
  }

  @Test
  void duplicateIdsAcrossPartitionsFail() {
    Dataset<Row> df = prompts(1000, 4).selectExpr("id % 999 AS id", "prompt");
    Throwable t =
        assertThrows(
            Throwable.class,
            () ->
                writer(df, EMU)
                    .option("dryRun", "true")
                    .option("idColumn", "id")
                    .option("stagingDir", tmp.resolve("staging").toString())
                    .save(path()));
    TogetherDataException e = causeOf(t, TogetherDataException.class);
    assertTrue(
        e.getMessage().contains("Duplicate custom_id") && e.getMessage().contains("'id'"),
        e.getMessage());
  }

  @Test
  void duplicateIdsWithinAPartitionFail() {
    Dataset<Row> df = prompts(100, 1).selectExpr("id % 50 AS id", "prompt");
    Throwable t =
        assertThrows(
            Throwable.class,
            () ->
                writer(df, EMU)
                    .option("dryRun", "true")
                    .option("idColumn", "id")
                    .option("stagingDir", tmp.resolve("staging").toString())
                    .save(path()));
    TogetherDataException e = causeOf(t, TogetherDataException.class);
    assertTrue(e.getMessage().contains("appears more than once"), e.getMessage());
  }
}
