package io.github.sparktogetherbatch.write;

import static io.github.sparktogetherbatch.testing.WriteTestSupport.batches;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.causeOf;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.inputFiles;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.manifest;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.writer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparktogetherbatch.exceptions.TogetherJobExistsException;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** SaveMode on a job path, through the source's catalog route (every mode reaches DSv2). */
class SaveModeTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  private Dataset<Row> rows(String prefix, int n) {
    return spark
        .range(0, n, 1, 1)
        .selectExpr(
            "concat('" + prefix + "', id) AS custom_id", "concat('question ', id) AS prompt");
  }

  @Test
  void errorIfExistsIsTheDefaultAndRefusesAnExistingJob() {
    String path = tmp.resolve("job").toString();
    writer(rows("a", 3), EMU).save(path); // default mode on an empty path
    JobManifest first = manifest(spark, path).orElseThrow();
    long uploads = EMU.emulator().requestCount("POST /v1/files");

    Exception byDefault = assertThrows(Exception.class, () -> writer(rows("b", 3), EMU).save(path));
    assertNamesPathAndModes(causeOf(byDefault, TogetherJobExistsException.class), path);
    Exception explicit =
        assertThrows(
            Exception.class,
            () -> writer(rows("b", 3), EMU).mode(SaveMode.ErrorIfExists).save(path));
    assertNamesPathAndModes(causeOf(explicit, TogetherJobExistsException.class), path);
    Exception byName =
        assertThrows(
            Exception.class, () -> writer(rows("b", 3), EMU).mode("errorifexists").save(path));
    assertNamesPathAndModes(causeOf(byName, TogetherJobExistsException.class), path);

    JobManifest after = manifest(spark, path).orElseThrow();
    assertEquals(first.version(), after.version(), "manifest unchanged");
    assertEquals(first.batchIds(), after.batchIds());
    assertEquals(uploads, EMU.emulator().requestCount("POST /v1/files"), "nothing uploaded");
    assertEquals(1, batches(EMU).size());
  }

  private static void assertNamesPathAndModes(TogetherJobExistsException e, String path) {
    assertEquals(path, e.path());
    String m = e.getMessage();
    assertTrue(m.contains(path), m);
    for (String mode : List.of("mode(\"append\")", "mode(\"overwrite\")", "mode(\"ignore\")")) {
      assertTrue(m.contains(mode), "names " + mode + ": " + m);
    }
  }

  @Test
  void ignoreWritesNothingWhenAJobExistsAndWritesOtherwise() {
    String path = tmp.resolve("job").toString();
    writer(rows("a", 3), EMU).mode(SaveMode.Ignore).save(path); // empty path: writes
    JobManifest first = manifest(spark, path).orElseThrow();
    assertEquals(1, first.batches().size());
    long uploads = EMU.emulator().requestCount("POST /v1/files");

    writer(rows("b", 3), EMU).mode("ignore").save(path);
    JobManifest after = manifest(spark, path).orElseThrow();
    assertEquals(first.version(), after.version());
    assertEquals(first.batchIds(), after.batchIds());
    assertEquals(uploads, EMU.emulator().requestCount("POST /v1/files"), "no upload");
    assertEquals(1, batches(EMU).size());
  }

  @Test
  void appendAddsBatchesToTheJob() {
    String path = tmp.resolve("job").toString();
    writer(rows("a", 3), EMU).mode(SaveMode.Append).save(path); // append to nothing: a new job
    JobManifest first = manifest(spark, path).orElseThrow();
    writer(rows("b", 4), EMU).mode(SaveMode.Append).save(path);
    JobManifest second = manifest(spark, path).orElseThrow();

    assertEquals(first.jobId(), second.jobId(), "the same job");
    assertEquals(2, second.batches().size());
    assertEquals(first.batchIds().get(0), second.batchIds().get(0));
    assertEquals(7, second.totalRequests());
    assertTrue(second.version() > first.version());
    assertEquals(2, batches(EMU).size());
  }

  @Test
  void overwriteCancelsUnfinishedBatchesAndReplacesTheJob() {
    String path = tmp.resolve("job").toString();
    EMU.emulator().setRequestsPerSecond(0.2); // keep the first job's batches running
    try {
      writer(rows("a", 6), EMU).option("maxRequestsPerBatch", "3").save(path);
      JobManifest old = manifest(spark, path).orElseThrow();
      assertEquals(2, old.batches().size());

      writer(rows("b", 2), EMU).mode(SaveMode.Overwrite).save(path);
      JobManifest replaced = manifest(spark, path).orElseThrow();

      assertNotEquals(old.jobId(), replaced.jobId(), "a new job");
      assertEquals(1, replaced.batches().size());
      assertEquals(2, replaced.totalRequests());
      assertTrue(replaced.pendingFiles().isEmpty());
      Set<String> oldIds = new HashSet<>(old.batchIds());
      assertFalse(oldIds.contains(replaced.batchIds().get(0)));
      int cancelled = 0;
      for (JsonNode b : batches(EMU)) {
        String status = b.get("status").asText();
        if (oldIds.contains(b.get("id").asText())) {
          assertTrue(List.of("CANCELING", "CANCELLED").contains(status), status);
          cancelled++;
        } else {
          assertFalse(List.of("CANCELING", "CANCELLED").contains(status), status);
        }
      }
      assertEquals(2, cancelled);
      assertEquals(2, EMU.emulator().requestCount("POST /v1/batches/{id}/cancel"));
    } finally {
      EMU.emulator().setRequestsPerSecond(0);
    }
  }

  @Test
  void sessionDefaultsAndThePackageNameWork() {
    String path = tmp.resolve("job").toString();
    spark.conf().set("spark.datasource.together-batch.model", "emulator/reasoning");
    spark.conf().set("spark.datasource.together-batch.baseUrl", EMU.baseUrl());
    try {
      rows("a", 2)
          .write()
          .format("io.github.sparktogetherbatch")
          .option("apiKey", EmulatorExtension.TEST_API_KEY)
          .save(path);
    } finally {
      spark.conf().unset("spark.datasource.together-batch.model");
      spark.conf().unset("spark.datasource.together-batch.baseUrl");
    }
    JobManifest m = manifest(spark, path).orElseThrow();
    assertEquals("emulator/reasoning", m.model());
    assertEquals(1, m.batches().size());
  }

  @Test
  void overwriteOfAnEmptyPathWrites() {
    String path = tmp.resolve("job").toString();
    writer(rows("a", 2), EMU).mode("overwrite").save(path);
    assertEquals(1, manifest(spark, path).orElseThrow().batches().size());
    assertEquals(1, inputFiles(EMU).size());
  }
}
