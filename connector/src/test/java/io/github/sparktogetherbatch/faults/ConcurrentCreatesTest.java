package io.github.sparktogetherbatch.faults;

import static io.github.sparktogetherbatch.faults.FaultSupport.assertEveryRowOnceSucceeded;
import static io.github.sparktogetherbatch.faults.FaultSupport.assertJobExactlyOnce;
import static io.github.sparktogetherbatch.faults.FaultSupport.batches;
import static io.github.sparktogetherbatch.faults.FaultSupport.causeOf;
import static io.github.sparktogetherbatch.faults.FaultSupport.input;
import static io.github.sparktogetherbatch.faults.FaultSupport.manifest;
import static io.github.sparktogetherbatch.faults.FaultSupport.reader;
import static io.github.sparktogetherbatch.faults.FaultSupport.writer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparktogetherbatch.config.WriteConfig;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import io.github.sparktogetherbatch.exceptions.TogetherJobException;
import io.github.sparktogetherbatch.manifest.BatchEntry;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.manifest.PendingFile;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import io.github.sparktogetherbatch.testing.WriteFixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver creates a write's batches {@code createsAtOnce} at a time: they overlap, the manifest
 * lists them in the order of their files, and a create refused while others are under way leaves a
 * manifest that records every batch made, from which an append finishes the job, none twice.
 */
class ConcurrentCreatesTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  private static final int ROWS = 80;
  private static final int FILES = 8; // one partition, 10 requests per file
  private static final long CREATE_DELAY_MS = 750;

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  private static void slowCreates() {
    EMU.emulator()
        .armFault(
            "{\"route\":\"POST /v1/batches\",\"action\":\"delay\",\"millis\":"
                + CREATE_DELAY_MS
                + ",\"times\":-1}");
  }

  /** The ids of the write's input files, in the order of their names (the staging order). */
  private static List<String> inputFilesByName() {
    List<JsonNode> files = new ArrayList<>();
    for (JsonNode f : EMU.emulator().state().path("files")) {
      if ("batch-api".equals(f.path("purpose").asText())) {
        files.add(f);
      }
    }
    files.sort(java.util.Comparator.comparing(f -> f.path("filename").asText()));
    List<String> ids = new ArrayList<>();
    for (JsonNode f : files) {
      ids.add(f.path("id").asText());
    }
    return ids;
  }

  @Test
  void createsOverlapAndTheManifestKeepsTheFilesOrder() {
    String path = tmp.resolve("job").toString();
    slowCreates();
    Dataset<Row> df = input(spark, ROWS, 1);
    long start = System.nanoTime();
    writer(df, EMU)
        .option("maxRequestsPerBatch", "10")
        .option("minRequestsPerBatch", "0")
        .option("createsAtOnce", "4")
        .save(path);
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(
        tookMs < FILES * CREATE_DELAY_MS,
        "eight creates delayed " + CREATE_DELAY_MS + " ms each took " + tookMs + " ms in all");
    assertEquals(FILES, EMU.emulator().requestCount("POST /v1/batches"));

    JobManifest m = manifest(spark, path);
    assertEquals(FILES, m.batches().size());
    // The files are named in staging order (<prefix>-000.jsonl, -001, ...): the batches are
    // listed in that order, whatever order their creates answered in.
    List<String> inputs = new ArrayList<>();
    for (BatchEntry b : m.batches()) {
      inputs.add(b.inputFileId());
    }
    assertEquals(inputFilesByName(), inputs, "batches in the order of their files");
    assertJobExactlyOnce(EMU, spark, path, ROWS);
    assertEveryRowOnceSucceeded(reader(spark, EMU).load(path).collectAsList(), ROWS);
  }

  @Test
  void aCreateRefusedWhileOthersAreUnderWayLeavesEveryBatchRecordedAndAnAppendFinishes() {
    String path = tmp.resolve("refused").toString();
    // The third create to arrive is refused for good (400, at once) while the others are in
    // their slow answers; the first armed fault that applies wins.
    EMU.emulator()
        .armFault("{\"route\":\"POST /v1/batches\",\"status\":400,\"every\":3,\"times\":1}");
    slowCreates();
    Dataset<Row> df = input(spark, ROWS, 1);
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                writer(df, EMU)
                    .option("maxRequestsPerBatch", "10")
                    .option("minRequestsPerBatch", "0")
                    .option("createsAtOnce", "4")
                    .save(path));
    TogetherJobException job = causeOf(e, TogetherJobException.class);

    JobManifest m = manifest(spark, path);
    Set<String> made = new HashSet<>();
    for (JsonNode b : batches(EMU)) {
      made.add(b.path("id").asText());
    }
    assertEquals(made, new HashSet<>(m.batchIds()), "every batch made is recorded");
    assertEquals(made, new HashSet<>(job.batchIds()), "and named by the error");
    assertTrue(m.batches().size() >= 2, "creates under way ran to their end: " + m.batchIds());
    assertTrue(m.batches().size() < FILES, "no create is sent after the refusal");
    Set<String> recorded = new HashSet<>();
    for (BatchEntry b : m.batches()) {
      recorded.add(b.inputFileId());
    }
    for (PendingFile p : m.pendingFiles()) {
      assertTrue(recorded.add(p.inputFileId()), "a file both pending and in a batch");
    }
    assertEquals(FILES, recorded.size(), "every file is a batch or pending");

    Dataset<Row> none = input(spark, 0, 1);
    writer(none, EMU).mode("append").save(path);
    assertJobExactlyOnce(EMU, spark, path, ROWS);
    assertEveryRowOnceSucceeded(reader(spark, EMU).load(path).collectAsList(), ROWS);
  }

  @Test
  void createsAtOnceIsCheckedOnTheDriver() {
    assertEquals(4, WriteFixtures.config("model", "m").createsAtOnce(), "the default");
    assertEquals(1, WriteFixtures.config("model", "m", "createsAtOnce", "1").createsAtOnce());
    assertThrows(
        TogetherConfigException.class,
        () -> WriteFixtures.config("model", "m", "createsAtOnce", "0"));
    assertThrows(
        TogetherConfigException.class,
        () ->
            WriteFixtures.config(
                "model",
                "m",
                "createsAtOnce",
                String.valueOf(WriteConfig.MAX_CREATES_AT_ONCE + 1)));
  }
}
