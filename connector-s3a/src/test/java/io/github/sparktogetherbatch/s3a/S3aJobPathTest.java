package io.github.sparktogetherbatch.s3a;

import static io.github.sparktogetherbatch.testing.WriteTestSupport.batches;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.causeOf;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.inputFiles;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.manifest;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.writer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.exceptions.TogetherJobException;
import io.github.sparktogetherbatch.manifest.HadoopConfs;
import io.github.sparktogetherbatch.manifest.JobFolder;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job path on {@code s3a://bucket/...} (s3rver): write and read, append that resumes pending
 * files, overwrite, the dry run, the batch view, and the manifest's versions without rename. The
 * write-and-read round trip also runs on the local disk, for the timing the docs give.
 */
class S3aJobPathTest {
  private static final Logger LOG = LoggerFactory.getLogger(S3aJobPathTest.class);

  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();
  @RegisterExtension static final S3rverExtension S3 = new S3rverExtension();

  private final SparkSession spark = SparkTestSession.get();

  @TempDir java.nio.file.Path tmp;

  private Configuration conf;

  @BeforeEach
  void s3a() {
    S3.configure(spark.sparkContext().hadoopConfiguration());
    conf = HadoopConfs.forSession(spark);
  }

  /** A fresh job path in the bucket. */
  private static String s3aPath(String name) {
    return "s3a://bucket/jobs/" + name + "-" + UUID.randomUUID();
  }

  private Dataset<Row> prompts(String prefix, long n, int partitions) {
    return spark
        .range(0, n, 1, partitions)
        .selectExpr("concat('" + prefix + "', id) AS id", "concat('question ', id) AS prompt");
  }

  private DataFrameReader reader() {
    return spark
        .read()
        .format("together-batch")
        .option("apiKey", EmulatorExtension.TEST_API_KEY)
        .option("baseUrl", EMU.baseUrl())
        .option("pollInterval", "50ms");
  }

  /** Every file under {@code path}, relative to it, sorted. */
  private List<String> filesUnder(String path) throws Exception {
    Path root = new Path(path);
    FileSystem fs = root.getFileSystem(conf);
    List<String> out = new ArrayList<>();
    if (!fs.exists(root)) {
      return out;
    }
    String prefix = fs.makeQualified(root).toString() + "/";
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
    while (it.hasNext()) {
      out.add(it.next().getPath().toString().substring(prefix.length()));
    }
    out.sort(null);
    return out;
  }

  /** custom_id → content of a read, asserting every row succeeded. */
  private Map<String, String> readAll(String path) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : reader().load(path).collectAsList()) {
      assertEquals("succeeded", r.getAs("status"), (String) r.getAs("custom_id"));
      assertEquals(null, out.put(r.getAs("custom_id"), r.getAs("content")), "a row twice");
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"s3a", "local"})
  void writeThenReadWithSmallFilesPackedAndTheBatchView(String where) throws Exception {
    String path = where.equals("s3a") ? s3aPath("round-trip") : tmp.resolve("job").toString();
    long t0 = System.nanoTime();
    // three tasks of 100 rows, under minRequestsPerBatch: their files wait under _stb_temporary at
    // the job path and the driver packs them into batches of at most 120 requests
    writer(prompts("r-", 300, 3), EMU).option("maxRequestsPerBatch", "120").save(path);
    long t1 = System.nanoTime();
    Map<String, String> rows = readAll(path);
    long t2 = System.nanoTime();
    List<Row> view = reader().option("view", "batches").load(path).collectAsList();
    long t3 = System.nanoTime();
    LOG.info(
        "Round trip on {}: write {} ms, read {} ms, batch view {} ms",
        where,
        (t1 - t0) / 1_000_000,
        (t2 - t1) / 1_000_000,
        (t3 - t2) / 1_000_000);

    assertEquals(300, rows.size());
    for (int i = 0; i < 300; i++) {
      assertEquals("Echo: question " + i, rows.get("r-" + i), "r-" + i);
    }
    JobManifest m = manifest(spark, path).orElseThrow();
    assertEquals(3, m.batches().size(), "300 requests packed into batches of at most 120");
    assertEquals(3, batches(EMU).size());
    assertEquals(3, view.size());
    for (Row r : view) {
      assertEquals("COMPLETED", r.getAs("status"));
      assertTrue(m.batchIds().contains((String) r.getAs("batch_id")));
    }
    // what stays at the job path: the manifest's versions and the custom_id record of each batch
    List<String> files = filesUnder(path);
    files.removeIf(f -> f.endsWith(".crc"));
    List<String> expected = new ArrayList<>(m.customIdRecords());
    for (long v = 1; v <= m.version(); v++) {
      expected.add(String.format("manifest-%06d.json", v));
    }
    expected.sort(null);
    assertEquals(expected, files);
    Path temp = new Path(path, JobFolder.TEMP_DIR);
    assertFalse(temp.getFileSystem(conf).exists(temp), "not even an empty folder (marker) left");
  }

  @Test
  void anAppendResumesThePendingFilesOfAWriteWhoseCreateFailed() throws Exception {
    String path = s3aPath("resume");
    // the first create to arrive goes through, the second is refused for good; with the creates
    // four at a time (the default) the third may have been sent before the refusal and made
    EMU.emulator()
        .armFault("{\"route\":\"POST /v1/batches\",\"action\":\"delay\",\"millis\":1,\"times\":1}");
    EMU.emulator().armFault("{\"route\":\"POST /v1/batches\",\"status\":400,\"times\":1}");
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                writer(prompts("a-", 30, 1), EMU)
                    .option("maxRequestsPerBatch", "10")
                    .option("minRequestsPerBatch", "0")
                    .save(path));
    causeOf(e, TogetherJobException.class);
    JobManifest failed = manifest(spark, path).orElseThrow();
    assertEquals(3, failed.batches().size() + failed.pendingFiles().size(), failed.toString());
    assertTrue(failed.batches().size() >= 1, failed.toString());
    assertTrue(failed.pendingFiles().size() >= 1, failed.toString());
    assertEquals(failed.batches().size(), batches(EMU).size(), "every batch made is recorded");

    Dataset<Row> none = spark.range(0, 0, 1, 1).selectExpr("concat('q', id) AS prompt");
    writer(none, EMU).mode("append").save(path);

    JobManifest resumed = manifest(spark, path).orElseThrow();
    assertTrue(resumed.pendingFiles().isEmpty());
    assertEquals(3, resumed.batches().size());
    assertEquals(3, batches(EMU).size(), "no batch created twice");
    assertEquals(3, inputFiles(EMU).size(), "no file uploaded twice");
    Map<String, String> rows = readAll(path);
    assertEquals(30, rows.size());
    assertEquals("Echo: question 29", rows.get("a-29"));
    assertFalse(filesUnder(path).stream().anyMatch(f -> f.startsWith(JobFolder.TEMP_DIR)));
  }

  @Test
  void anOverwriteReplacesTheJobAndItsRecords() throws Exception {
    String path = s3aPath("overwrite");
    writer(prompts("old-", 5, 1), EMU).save(path);
    JobManifest old = manifest(spark, path).orElseThrow();
    writer(prompts("new-", 7, 1), EMU).mode("overwrite").save(path);

    JobManifest m = manifest(spark, path).orElseThrow();
    assertTrue(m.version() > old.version());
    assertTrue(!m.jobId().equals(old.jobId()), "a new job");
    Map<String, String> rows = readAll(path);
    assertEquals(7, rows.size());
    assertTrue(rows.keySet().stream().allMatch(id -> id.startsWith("new-")), rows.toString());
    TreeSet<String> records = new TreeSet<>(filesUnder(path));
    records.removeIf(f -> !f.startsWith(JobFolder.RECORDS_DIR));
    assertEquals(new TreeSet<>(m.customIdRecords()), records, "the old job's records are gone");
  }

  @Test
  void aDryRunLeavesNothingAtTheJobPath() throws Exception {
    String path = s3aPath("dry-run");
    writer(prompts("d-", 50, 2), EMU).option("dryRun", "true").save(path);
    assertEquals(List.of(), filesUnder(path));
    assertEquals(0, batches(EMU).size());
    assertEquals(0, inputFiles(EMU).size());
  }

  @Test
  void aManifestVersionCutShortIsSkippedAndNumberedPast() throws Exception {
    String path = s3aPath("cut-short");
    writer(prompts("c-", 4, 1), EMU).save(path);
    long last = manifest(spark, path).orElseThrow().version();
    // what a writer that died half-way through the next version would leave on a file system (on
    // S3 an unfinished upload leaves nothing; a stray object of any content is read the same way)
    Path partial = new Path(path, String.format("manifest-%06d.json", last + 1));
    try (OutputStream out = partial.getFileSystem(conf).create(partial, false)) {
      out.write(
          "{\"format\":\"spark-together-batch-manifest\",\"batc".getBytes(StandardCharsets.UTF_8));
    }
    assertEquals(last, manifest(spark, path).orElseThrow().version());
    assertEquals(4, readAll(path).size());

    writer(prompts("c2-", 3, 1), EMU).mode("append").save(path);
    JobManifest m = manifest(spark, path).orElseThrow();
    assertTrue(m.version() > last + 1, "past the version that does not parse");
    assertEquals(7, readAll(path).size());
  }
}
