package io.github.sparktogetherbatch.write;

import static io.github.sparktogetherbatch.testing.WriteTestSupport.batches;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.causeOf;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.client;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.inputFiles;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.lines;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.manifest;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.writer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.codec.CustomIdRecord;
import io.github.sparktogetherbatch.codec.IdStream;
import io.github.sparktogetherbatch.exceptions.TogetherDataException;
import io.github.sparktogetherbatch.manifest.BatchEntry;
import io.github.sparktogetherbatch.manifest.JobFolder;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import io.github.sparktogetherbatch.testing.WriteTestSupport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packing: staged files under {@code minRequestsPerBatch} requests are left at the job path by
 * their tasks and packed by the driver into shared batches; every request is still submitted once,
 * duplicates are still found before any batch, and each input file's custom_ids are recorded at the
 * job path.
 */
class PackingWriteTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  private String path() {
    return tmp.resolve("job").toString();
  }

  private Dataset<Row> rows(long n, int partitions) {
    return spark
        .range(0, n, 1, partitions)
        .selectExpr("concat('id-', id) AS custom_id", "concat('question ', id) AS prompt");
  }

  private static Set<String> expectedIds(long n) {
    Set<String> out = new HashSet<>();
    for (long i = 0; i < n; i++) {
      out.add("id-" + i);
    }
    return out;
  }

  /** Every custom_id of the account's batch input files, with repeats. */
  private static List<String> submittedIds() {
    List<String> ids = new ArrayList<>();
    try (TogetherClient c = client(EMU)) {
      for (JsonNode b : batches(EMU)) {
        for (JsonNode line : lines(c, b.path("input_file_id").asText())) {
          ids.add(line.path("custom_id").asText());
        }
      }
    }
    return ids;
  }

  /** The custom_ids a record at the job path holds, in order. */
  private List<String> record(String jobPath, String relative) throws IOException {
    JobFolder folder =
        JobFolder.of(
            io.github.sparktogetherbatch.manifest.HadoopConfs.forSession(spark), jobPath, null);
    List<String> out = new ArrayList<>();
    try (InputStream in = folder.open(folder.resolve(relative));
        IdStream ids = CustomIdRecord.reader(in)) {
      while (ids.next()) {
        out.add(ids.id());
      }
    }
    return out;
  }

  private void assertNoTemporaryFiles() {
    assertFalse(
        Files.exists(tmp.resolve("job").resolve(JobFolder.TEMP_DIR)),
        "temporary files left under the job path");
  }

  @Test
  void thousandRowsOverTwoHundredPartitionsAreOneBatch() throws IOException {
    writer(rows(1000, 200), EMU).save(path());

    List<JsonNode> made = batches(EMU);
    assertEquals(1, made.size(), "one batch, not one per task");
    assertEquals(1, inputFiles(EMU).size(), "no input file but the packed one");
    List<String> ids = submittedIds();
    assertEquals(1000, ids.size());
    assertEquals(expectedIds(1000), new HashSet<>(ids), "every row once");
    JobManifest m = manifest(spark, path()).orElseThrow();
    assertEquals(1, m.batches().size());
    BatchEntry b = m.batches().get(0);
    assertEquals(1000, b.requests());
    assertNotNull(b.customIds(), "the batch's custom_ids are recorded");
    assertEquals(ids, record(path(), b.customIds()), "the record lists the input file's ids");
    assertTrue(inputFiles(EMU).get(0).path("filename").asText().contains("-packed-"));
    assertNoTemporaryFiles();
  }

  @Test
  void packsHoldAtMostMaxRequestsPerBatch() {
    writer(rows(1000, 100), EMU).option("maxRequestsPerBatch", "300").save(path());

    List<Long> sizes = new ArrayList<>();
    for (BatchEntry b : manifest(spark, path()).orElseThrow().batches()) {
      sizes.add(b.requests());
    }
    assertEquals(List.of(300L, 300L, 300L, 100L), sizes);
    List<String> ids = submittedIds();
    assertEquals(1000, ids.size());
    assertEquals(expectedIds(1000), new HashSet<>(ids));
  }

  @Test
  void packsHoldAtMostMaxBytesPerBatch() {
    // each task stages 5 lines of about 100 bytes: at most 2 tasks' files fit 1,200 bytes
    writer(rows(100, 20), EMU).option("maxBytesPerBatch", "1200").save(path());

    JobManifest m = manifest(spark, path()).orElseThrow();
    assertEquals(10, m.batches().size());
    for (BatchEntry b : m.batches()) {
      assertTrue(b.bytes() <= 1200, "a pack of " + b.bytes() + " bytes");
    }
    assertEquals(100, m.totalRequests());
    assertEquals(expectedIds(100), new HashSet<>(submittedIds()));
  }

  @Test
  void largeFilesAreUploadedByTheirTasksAndOnlyTheSmallTailsPacked() {
    // two tasks of 1,500 rows, 1,000 per file: two full files and one pack of the two tails
    writer(rows(3000, 2), EMU).option("maxRequestsPerBatch", "1000").save(path());

    List<Long> sizes = new ArrayList<>();
    for (BatchEntry b : manifest(spark, path()).orElseThrow().batches()) {
      sizes.add(b.requests());
    }
    assertEquals(List.of(1000L, 1000L, 1000L), sizes);
    long packed =
        inputFiles(EMU).stream()
            .filter(f -> f.path("filename").asText().contains("-packed-"))
            .count();
    assertEquals(1, packed);
    List<String> ids = submittedIds();
    assertEquals(3000, ids.size());
    assertEquals(expectedIds(3000), new HashSet<>(ids));
    assertNoTemporaryFiles();
  }

  @Test
  void minRequestsPerBatchZeroGivesEveryTaskItsOwnBatch() {
    writer(rows(100, 10), EMU).option("minRequestsPerBatch", "0").save(path());

    assertEquals(10, batches(EMU).size());
    assertEquals(expectedIds(100), new HashSet<>(submittedIds()));
  }

  @Test
  void aDuplicateAcrossSmallTasksFailsBeforeAnythingIsSubmitted() throws IOException {
    // ids repeat 100 rows apart, so in different tasks of 5 rows each
    Dataset<Row> df =
        spark
            .range(0, 200, 1, 40)
            .selectExpr("concat('id-', id % 100) AS custom_id", "concat('question ', id) AS p");
    Throwable t =
        assertThrows(
            Throwable.class, () -> writer(df, EMU).option("promptColumn", "p").save(path()));
    TogetherDataException e = causeOf(t, TogetherDataException.class);
    assertTrue(e.getMessage().contains("Duplicate custom_id"), e.getMessage());
    WriteTestSupport.awaitNoRunningTasks(spark);
    assertEquals(0, batches(EMU).size(), "no batch");
    assertEquals(0, EMU.emulator().requestCount("POST /v1/batches"));
    assertEquals(0, EMU.emulator().requestCount("POST /v1/files"), "nothing uploaded");
    assertFalse(manifest(spark, path()).isPresent());
    assertFalse(Files.exists(tmp.resolve("job")), "the failed write leaves no job folder");
  }

  @Test
  void aRetriedWriteOfTheSamePathAppendsPackedBatchesWithRecords() throws IOException {
    writer(rows(50, 10), EMU).save(path());
    Dataset<Row> more =
        spark
            .range(50, 100, 1, 10)
            .selectExpr("concat('id-', id) AS custom_id", "concat('question ', id) AS prompt");
    writer(more, EMU).mode("append").save(path());

    JobManifest m = manifest(spark, path()).orElseThrow();
    assertEquals(2, m.batches().size());
    List<String> recorded = new ArrayList<>();
    for (BatchEntry b : m.batches()) {
      recorded.addAll(record(path(), b.customIds()));
    }
    assertEquals(expectedIds(100), new HashSet<>(recorded));
    assertEquals(100, recorded.size());
    try (Stream<Path> records = Files.list(tmp.resolve("job").resolve(JobFolder.RECORDS_DIR))) {
      assertEquals(2, records.count(), "one folder of records per write");
    }
  }

  private Set<String> recordFolders() throws IOException {
    Set<String> out = new HashSet<>();
    try (Stream<Path> s = Files.list(tmp.resolve("job").resolve(JobFolder.RECORDS_DIR))) {
      s.forEach(p -> out.add(p.getFileName().toString()));
    }
    return out;
  }

  @Test
  void recordsFollowTheJobThroughAFailedAppendAndAnOverwrite() throws IOException {
    writer(rows(50, 5), EMU).save(path());
    JobManifest first = manifest(spark, path()).orElseThrow();
    String firstWrite = first.batches().get(0).writeId();
    assertEquals(Set.of(firstWrite), recordFolders());

    // A failed append (a duplicate across its tasks) leaves the job's records as they were.
    Dataset<Row> dup =
        spark
            .range(50, 100, 1, 5)
            .selectExpr(
                "concat('dup-', id % 10) AS custom_id", "concat('question ', id) AS prompt");
    assertThrows(Throwable.class, () -> writer(dup, EMU).mode("append").save(path()));
    WriteTestSupport.awaitNoRunningTasks(spark);
    assertEquals(Set.of(firstWrite), recordFolders());
    assertEquals(first.customIdRecords(), manifest(spark, path()).orElseThrow().customIdRecords());

    // An overwrite replaces the job: the old job's records go with it.
    writer(rows(20, 2), EMU).mode("overwrite").save(path());
    JobManifest replaced = manifest(spark, path()).orElseThrow();
    String newWrite = replaced.batches().get(0).writeId();
    assertEquals(Set.of(newWrite), recordFolders());
    assertEquals(20, record(path(), replaced.batches().get(0).customIds()).size());
    assertNoTemporaryFiles();
  }
}
