package io.github.sparktogetherbatch.ids;

import static io.github.sparktogetherbatch.testing.WriteTestSupport.batches;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.causeOf;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.inputFiles;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.manifest;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.writer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.exceptions.TogetherDataException;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tasks with more custom_ids than one digest chunk (lowered here to 16) spill sorted runs, merge
 * them into a file under the job path, and the driver merges those files as streams: duplicates
 * within and across tasks are still found and named, and the temporary folder is always removed.
 */
class SpilledDigestsWriteTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  @BeforeEach
  void smallChunks() {
    TaskDigests.chunkSize = 16;
  }

  @AfterEach
  void restore() {
    TaskDigests.chunkSize = TaskDigests.DEFAULT_CHUNK;
    assertFalse(
        Files.exists(tmp.resolve("job").resolve(DigestFiles.TEMP_DIR)),
        "temporary digests left under the job path");
  }

  private String path() {
    return tmp.resolve("job").toString();
  }

  private Dataset<Row> rows(String idExpr) {
    return rows(idExpr, 2);
  }

  private Dataset<Row> rows(String idExpr, int partitions) {
    return spark
        .range(0, 400, 1, partitions)
        .selectExpr(idExpr + " AS custom_id", "concat('question ', id) AS prompt");
  }

  @Test
  void uniqueIdsAreWrittenOnce() {
    writer(rows("concat('id-', id)"), EMU).option("idColumn", "custom_id").save(path());
    JobManifest m = manifest(spark, path()).orElseThrow();
    assertEquals(400, m.totalRequests());
    assertEquals(1, m.batches().size(), "the two tasks' 200 requests share one packed batch");
  }

  @Test
  void aDuplicateAcrossTasksIsNamedAndNothingIsSubmitted() {
    // rows 0-199 in partition 0, 200-399 in partition 1; row 350 repeats row 17's id
    Throwable t =
        assertThrows(
            Throwable.class,
            () ->
                writer(rows("CASE WHEN id = 350 THEN 'id-17' ELSE concat('id-', id) END"), EMU)
                    .option("idColumn", "custom_id")
                    .save(path()));
    TogetherDataException e = causeOf(t, TogetherDataException.class);
    assertTrue(e.getMessage().contains("'id-17' (partitions [0, 1])"), e.getMessage());
    assertEquals(0, batches(EMU).size());
    assertEquals(0, inputFiles(EMU).size(), "uploaded files are deleted");
    assertFalse(manifest(spark, path()).isPresent());
  }

  @Test
  void aDuplicateWithinATaskIsFoundBeforeUpload() {
    long before = EMU.emulator().requestCount("POST /v1/files");
    Throwable t =
        assertThrows(
            Throwable.class,
            () ->
                writer(rows("CASE WHEN id = 150 THEN 'id-3' ELSE concat('id-', id) END", 1), EMU)
                    .option("idColumn", "custom_id")
                    .save(path()));
    TogetherDataException e = causeOf(t, TogetherDataException.class);
    assertTrue(e.getMessage().contains("'id-3'"), e.getMessage());
    assertEquals(before, EMU.emulator().requestCount("POST /v1/files"), "found before any upload");
  }

  @Test
  void aDryRunChecksAcrossTasksToo() {
    writer(rows("concat('id-', id)"), EMU)
        .option("idColumn", "custom_id")
        .option("dryRun", "true")
        .save(path());
    assertFalse(Files.exists(tmp.resolve("job")), "a dry run to a new path leaves no folder");
    Throwable t =
        assertThrows(
            Throwable.class,
            () ->
                writer(rows("CASE WHEN id = 399 THEN 'id-0' ELSE concat('id-', id) END"), EMU)
                    .option("idColumn", "custom_id")
                    .option("dryRun", "true")
                    .save(path()));
    assertTrue(causeOf(t, TogetherDataException.class).getMessage().contains("1 value(s)"));
    assertEquals(0, inputFiles(EMU).size(), "a dry run uploads nothing");
  }

  @Test
  void moreTasksThanOneMergeReadsAtOnceAreMergedInPasses() {
    int partitions = TaskDigests.MAX_FAN_IN + 6; // every task spills: 20 ids, chunks of 16
    long rows = 20L * partitions;
    Dataset<Row> unique =
        spark
            .range(0, rows, 1, partitions)
            .selectExpr("concat('id-', id) AS custom_id", "concat('question ', id) AS prompt");
    writer(unique, EMU).option("idColumn", "custom_id").option("dryRun", "true").save(path());

    // the first and the last task share an id: they are in different groups of the first pass
    Dataset<Row> dup =
        spark
            .range(0, rows, 1, partitions)
            .selectExpr(
                "CASE WHEN id = "
                    + (rows - 1)
                    + " THEN 'id-1' ELSE concat('id-', id) END AS custom_id",
                "concat('question ', id) AS prompt");
    Throwable t =
        assertThrows(
            Throwable.class, () -> writer(dup, EMU).option("idColumn", "custom_id").save(path()));
    TogetherDataException e = causeOf(t, TogetherDataException.class);
    assertTrue(
        e.getMessage().contains("'id-1' (partitions [0, " + (partitions - 1) + "])"),
        e.getMessage());
    assertEquals(0, batches(EMU).size());
    assertEquals(0, inputFiles(EMU).size(), "uploaded files are deleted");
  }
}
