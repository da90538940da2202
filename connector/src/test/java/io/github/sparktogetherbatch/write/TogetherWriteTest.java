package io.github.sparktogetherbatch.write;

import static io.github.sparktogetherbatch.testing.WriteTestSupport.MODEL;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.batches;
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
import io.github.sparktogetherbatch.client.FileObject;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.codec.InputMapping;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import io.github.sparktogetherbatch.manifest.BatchEntry;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.manifest.PendingFile;
import io.github.sparktogetherbatch.metrics.WriteMetrics;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import io.github.sparktogetherbatch.testing.WriteFixtures;
import io.github.sparktogetherbatch.testing.WriteTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The write against the emulator: contents, rolling, faults, resume. */
class TogetherWriteTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  private String path(String name) {
    return tmp.resolve(name).toString();
  }

  @Test
  void thousandPromptsMakeOneBatchWithExactlyThoseLines() {
    String path = path("job");
    Dataset<Row> df = spark.range(0, 1000, 1, 1).selectExpr("concat('question ', id) AS prompt");
    writer(df, EMU).option("body.max_tokens", "16").save(path); // default SaveMode

    List<JsonNode> files = inputFiles(EMU);
    List<JsonNode> batches = batches(EMU);
    assertEquals(1, files.size());
    assertEquals(1, batches.size());
    String fileId = files.get(0).get("id").asText();
    assertEquals(fileId, batches.get(0).get("input_file_id").asText());
    assertEquals(1000, files.get(0).get("lines").asLong());

    JobManifest m = manifest(spark, path).orElseThrow();
    assertEquals(List.of(batches.get(0).get("id").asText()), m.batchIds());
    assertEquals(1000, m.totalRequests());
    assertTrue(m.pendingFiles().isEmpty());
    assertEquals("/v1/chat/completions", m.endpoint());
    assertEquals(fileId, m.batches().get(0).inputFileId());

    Pattern id = Pattern.compile("r-0-(\\d+)-[0-9a-f]{8}");
    Set<Long> seen = new HashSet<>();
    try (TogetherClient c = client(EMU)) {
      List<JsonNode> lines = lines(c, fileId);
      assertEquals(1000, lines.size());
      for (JsonNode line : lines) {
        Matcher mt = id.matcher(line.get("custom_id").asText());
        assertTrue(mt.matches(), line.toString());
        long row = Long.parseLong(mt.group(1));
        assertTrue(seen.add(row));
        JsonNode body = line.get("body");
        assertEquals(MODEL, body.get("model").asText());
        assertEquals(16, body.get("max_tokens").asInt());
        assertEquals(1, body.get("messages").size());
        assertEquals("user", body.at("/messages/0/role").asText());
        assertEquals("question " + row, body.at("/messages/0/content").asText());
        assertEquals(3, body.size(), "model, messages, max_tokens only");
        assertEquals(2, line.size(), "custom_id and body only");
      }
    }
    assertEquals(1000, seen.size());
    assertEquals(1, EMU.emulator().requestCount("POST /v1/batches"));
  }

  @Test
  void hundredTwentyThousandAndOneRowsMakeThreeBatches() {
    String path = path("big");
    Dataset<Row> df =
        spark.range(0, 120_001, 1, 1).selectExpr("id AS custom_id", "concat('q', id) AS prompt");
    writer(df, EMU).save(path);

    JobManifest m = manifest(spark, path).orElseThrow();
    List<Long> requests = new ArrayList<>();
    m.batches().forEach(b -> requests.add(b.requests()));
    assertEquals(List.of(50_000L, 50_000L, 20_001L), requests);
    assertEquals(3, batches(EMU).size());
    long lines = 0;
    for (JsonNode f : inputFiles(EMU)) {
      lines += f.get("lines").asLong();
    }
    assertEquals(120_001, lines);
    assertEquals(3, inputFiles(EMU).size());
  }

  @Test
  void smallMaxBytesRollsByBytes() {
    String path = path("bytes");
    Dataset<Row> df =
        spark
            .range(0, 100, 1, 1)
            .selectExpr(
                "concat('k', id) AS custom_id",
                "concat('a fairly long question number ', id) AS prompt");
    writer(df, EMU).option("maxBytesPerBatch", "2KB").save(path);

    JobManifest m = manifest(spark, path).orElseThrow();
    assertTrue(m.batches().size() >= 5, "rolled by bytes: " + m.batches().size());
    long total = 0;
    for (BatchEntry b : m.batches()) {
      assertTrue(b.bytes() <= 2000, "file of " + b.bytes() + " bytes");
      total += b.requests();
    }
    assertEquals(100, total);
    Map<String, Long> bytesById = new HashMap<>();
    for (JsonNode f : inputFiles(EMU)) {
      bytesById.put(f.get("id").asText(), f.get("bytes").asLong());
    }
    for (BatchEntry b : m.batches()) {
      assertEquals(b.bytes(), bytesById.get(b.inputFileId()), "the manifest's byte count is exact");
    }
    assertEquals(m.batches().size(), batches(EMU).size());
  }

  @Test
  void transientFaultsOnUploadAndCreateAreRetriedAndEachBatchIsCreatedOnce() {
    String path = path("faults");
    EMU.emulator()
        .armFault(
            "{\"route\":\"POST /v1/files\",\"status\":429,\"times\":2,"
                + "\"retryAfterSeconds\":1}");
    EMU.emulator().armFault("{\"route\":\"PUT /_upload/{id}\",\"status\":503,\"times\":2}");
    EMU.emulator()
        .armFault("{\"route\":\"POST /v1/files/{id}/preprocess\",\"status\":500," + "\"times\":1}");
    EMU.emulator()
        .armFault(
            "{\"route\":\"POST /v1/batches\",\"status\":429,\"times\":1,"
                + "\"retryAfterSeconds\":1}");
    EMU.emulator().armFault("{\"route\":\"POST /v1/batches\",\"status\":502,\"times\":1}");
    // the batch is created, then the connection drops before the answer: ambiguous
    EMU.emulator().armFault("{\"route\":\"POST /v1/batches\",\"action\":\"reset\",\"times\":1}");

    Dataset<Row> df = spark.range(0, 60, 1, 2).selectExpr("id", "concat('q', id) AS prompt");
    writer(df, EMU).option("maxRequestsPerBatch", "20").save(path);

    JobManifest m = manifest(spark, path).orElseThrow();
    assertEquals(4, m.batches().size()); // 2 partitions x (20 + 10)
    assertEquals(60, m.totalRequests());
    List<JsonNode> batches = batches(EMU);
    assertEquals(4, batches.size(), "each batch created once");
    Set<String> inputs = new HashSet<>();
    for (JsonNode b : batches) {
      assertTrue(inputs.add(b.get("input_file_id").asText()), "one batch per input file");
    }
    assertEquals(new HashSet<>(m.batchIds()), idsOf(batches));
    assertEquals(4, inputFiles(EMU).size(), "no orphan uploads");
    // 4 uploads + 2 refused with 429; 4 creates (one of them answered by a reset) + 429 + 502
    assertEquals(6, EMU.emulator().requestCount("POST /v1/files"), "uploads were retried");
    assertEquals(6, EMU.emulator().requestCount("POST /v1/batches"), "creates were retried");
    assertEquals(6, EMU.emulator().requestCount("PUT /_upload/{id}"), "PUTs were retried");
    assertTrue(EMU.emulator().state().path("faults").isEmpty(), "every fault was hit");
  }

  @Test
  void appendResumesPendingFilesWithoutCreatingABatchTwice() throws Exception {
    String path = path("resume");
    // A commit that crashed after recording its intent: two uploaded files pending, one of which
    // already got its batch before the crash.
    Path a = tmp.resolve("a.jsonl");
    Path b = tmp.resolve("b.jsonl");
    Files.writeString(
        a,
        "{\"custom_id\":\"a1\",\"body\":{\"model\":\""
            + MODEL
            + "\",\"messages\":"
            + "[{\"role\":\"user\",\"content\":\"x\"}]}}\n");
    Files.writeString(
        b,
        "{\"custom_id\":\"b1\",\"body\":{\"model\":\""
            + MODEL
            + "\",\"messages\":"
            + "[{\"role\":\"user\",\"content\":\"y\"}]}}\n");
    String existingBatch;
    try (TogetherClient c = client(EMU)) {
      FileObject fa = c.uploadFile(a, "a.jsonl");
      FileObject fb = c.uploadFile(b, "b.jsonl");
      existingBatch = c.createBatch(fa.id(), "/v1/chat/completions", null).id();
      JobManifest.newJob("/v1/chat/completions", MODEL)
          .withPendingFiles(
              List.of(
                  new PendingFile(fa.id(), 1, Files.size(a), "old"),
                  new PendingFile(fb.id(), 1, Files.size(b), "old")))
          .commit(path, io.github.sparktogetherbatch.manifest.HadoopConfs.forSession(spark));
    }
    long createsBefore = EMU.emulator().requestCount("POST /v1/batches");

    Dataset<Row> df =
        spark
            .range(0, 5, 1, 1)
            .selectExpr("concat('c', id) AS custom_id", "concat('q', id) AS prompt");
    writer(df, EMU).mode("append").save(path);

    JobManifest m = manifest(spark, path).orElseThrow();
    assertTrue(m.pendingFiles().isEmpty());
    assertEquals(3, m.batches().size());
    assertEquals(existingBatch, m.batches().get(0).batchId(), "the existing batch is recorded");
    assertEquals(7, m.totalRequests());
    assertEquals(3, batches(EMU).size(), "no batch created twice");
    assertEquals(createsBefore + 2, EMU.emulator().requestCount("POST /v1/batches"));
  }

  @Test
  void emptyAppendFinishesAnInterruptedJob() throws Exception {
    String path = path("finish");
    Path a = tmp.resolve("p.jsonl");
    Files.writeString(
        a,
        "{\"custom_id\":\"p1\",\"body\":{\"model\":\""
            + MODEL
            + "\",\"messages\":"
            + "[{\"role\":\"user\",\"content\":\"x\"}]}}\n");
    try (TogetherClient c = client(EMU)) {
      FileObject f = c.uploadFile(a, "p.jsonl");
      JobManifest.newJob("/v1/chat/completions", MODEL)
          .withPendingFiles(List.of(new PendingFile(f.id(), 1, Files.size(a), "old")))
          .commit(path, io.github.sparktogetherbatch.manifest.HadoopConfs.forSession(spark));
    }
    Dataset<Row> empty = spark.range(0, 0, 1, 1).selectExpr("concat('q', id) AS prompt");
    writer(empty, EMU).mode("append").save(path);
    JobManifest m = manifest(spark, path).orElseThrow();
    assertEquals(1, m.batches().size());
    assertTrue(m.pendingFiles().isEmpty());
    assertEquals(1, batches(EMU).size());
  }

  @Test
  void structBodies() {
    String path = path("struct-bodies");
    Dataset<Row> df =
        spark
            .range(0, 3, 1, 1)
            .selectExpr(
                "id AS custom_id",
                "named_struct('messages', array(named_struct('role', 'user', 'content',"
                    + " concat('Once ', id))), 'max_tokens', 8) AS req");
    writer(df, EMU).option("bodyColumn", "req").option("body.temperature", "0").save(path);
    JobManifest m = manifest(spark, path).orElseThrow();
    assertEquals("/v1/chat/completions", m.endpoint());
    try (TogetherClient c = client(EMU)) {
      List<JsonNode> lines = lines(c, m.batches().get(0).inputFileId());
      assertEquals(3, lines.size());
      JsonNode body = lines.get(1).get("body");
      assertEquals("1", lines.get(1).get("custom_id").asText());
      assertEquals("Once 1", body.get("messages").get(0).get("content").asText());
      assertEquals(8, body.get("max_tokens").asInt());
      assertEquals(0, body.get("temperature").asInt());
      assertEquals(MODEL, body.get("model").asText());
    }
  }

  @Test
  void completionsEndpointIsRefusedBeforeAnythingIsUploaded() {
    String path = path("completions");
    Dataset<Row> df = spark.range(0, 3, 1, 1).selectExpr("concat('Once ', id) AS prompt");
    TogetherConfigException e =
        assertThrows(
            TogetherConfigException.class,
            () -> writer(df, EMU).option("endpoint", "completions").save(path));
    assertTrue(e.getMessage().contains("/v1/chat/completions"), e.getMessage());
    assertEquals(0, EMU.emulator().requestCount("POST /v1/files"));
    assertTrue(inputFiles(EMU).isEmpty());
    assertTrue(batches(EMU).isEmpty());
    assertTrue(manifest(spark, path).isEmpty());
  }

  @Test
  void metricsCountRequestsBytesFilesAndBatches() throws Exception {
    InputMapping mapping =
        InputMapping.resolve(
            org.apache.spark.sql.types.StructType.fromDDL("prompt STRING"),
            WriteFixtures.config(
                "model",
                MODEL,
                "baseUrl",
                EMU.baseUrl(),
                "apiKey",
                EmulatorExtension.TEST_API_KEY,
                "maxRequestsPerBatch",
                "2",
                "stagingDir",
                tmp.resolve("staging").toString()));
    io.github.sparktogetherbatch.config.WriteConfig config =
        WriteFixtures.config(
            "model",
            MODEL,
            "baseUrl",
            EMU.baseUrl(),
            "apiKey",
            EmulatorExtension.TEST_API_KEY,
            "maxRequestsPerBatch",
            "2",
            "minRequestsPerBatch",
            "0",
            "stagingDir",
            tmp.resolve("staging").toString());
    io.github.sparktogetherbatch.manifest.JobFolder folder =
        io.github.sparktogetherbatch.manifest.JobFolder.of(
            new org.apache.hadoop.conf.Configuration(), tmp.resolve("job").toString(), "w1");
    folder.markStarted();
    TogetherDataWriter w = new TogetherDataWriter(config, mapping, "w1", 0, 0, null, folder);
    long bytes;
    try {
      for (int i = 0; i < 5; i++) {
        w.write(WriteFixtures.row("q" + i));
      }
      Map<String, Long> before = values(w.currentMetricsValues());
      assertEquals(5L, before.get(WriteMetrics.REQUESTS_ENCODED));
      // counted as staged: Spark 3.5 reads the values for the last time before commit()
      assertEquals(3L, before.get(WriteMetrics.FILES_UPLOADED));
      assertEquals(0, EMU.emulator().requestCount("POST /v1/files"), "nothing uploaded yet");
      TogetherWriterCommitMessage msg = (TogetherWriterCommitMessage) w.commit();
      Map<String, Long> after = values(w.currentMetricsValues());
      assertEquals(3L, after.get(WriteMetrics.FILES_UPLOADED));
      assertEquals(3, msg.files().size());
      bytes = msg.files().stream().mapToLong(TogetherWriterCommitMessage.UploadedFile::bytes).sum();
      assertEquals(bytes, after.get(WriteMetrics.BYTES_UPLOADED));
      assertEquals(before.get(WriteMetrics.BYTES_UPLOADED), after.get(WriteMetrics.BYTES_UPLOADED));
      assertFalse(msg.hasDigests(), "derived ids need no duplicate check");
      for (TogetherWriterCommitMessage.UploadedFile f : msg.files()) {
        assertTrue(f.fileName().startsWith("stb-w1-p00000-a0-"), f.fileName());
      }
    } finally {
      w.close();
    }
    try (java.util.stream.Stream<Path> left =
        Files.list(tmp.resolve("staging").resolve(WriteFileNames.STAGING_SUBDIR))) {
      assertEquals(0, left.count(), "staging deleted on close");
    }
    long fileBytes = 0;
    for (JsonNode f : inputFiles(EMU)) {
      fileBytes += f.get("bytes").asLong();
    }
    assertEquals(bytes, fileBytes);

    // The driver metric, and the metric declarations Spark instantiates by class name.
    TogetherWrite write = new TogetherWrite(config, mapping, false, "query", null);
    assertEquals(5, write.supportedCustomMetrics().length);
    for (org.apache.spark.sql.connector.metric.CustomMetric cm : write.supportedCustomMetrics()) {
      assertNotNull(cm.getClass().getConstructor().newInstance().name());
      assertEquals("7", cm.aggregateTaskMetrics(new long[] {3, 4}));
    }
    assertEquals(0L, values(write.reportDriverMetrics()).get(WriteMetrics.BATCHES_CREATED));
  }

  @Test
  void writeMetricsShowOnTheSparkPlan() throws Exception {
    String path = path("metrics");
    Dataset<Row> df = spark.range(0, 30, 1, 2).selectExpr("concat('q', id) AS prompt");
    List<org.apache.spark.sql.execution.SparkPlan> plans =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    org.apache.spark.sql.util.QueryExecutionListener listener =
        new org.apache.spark.sql.util.QueryExecutionListener() {
          @Override
          public void onSuccess(
              String f, org.apache.spark.sql.execution.QueryExecution qe, long ns) {
            plans.add(qe.executedPlan());
          }

          @Override
          public void onFailure(
              String f, org.apache.spark.sql.execution.QueryExecution qe, Exception e) {}
        };
    spark.listenerManager().register(listener);
    try {
      // append: Spark attaches a DSv2 write's custom metrics to AppendData/OverwriteByExpression
      // the tasks upload every file themselves (no packing), so the task metrics count them all
      writer(df, EMU)
          .option("maxRequestsPerBatch", "10")
          .option("minRequestsPerBatch", "0")
          .mode("append")
          .save(path);
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (plans.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    } finally {
      spark.listenerManager().unregister(listener);
    }
    assertEquals(1, plans.size());
    org.apache.spark.sql.execution.SparkPlan plan = plans.get(0);
    if (plan instanceof org.apache.spark.sql.execution.CommandResultExec) {
      plan = ((org.apache.spark.sql.execution.CommandResultExec) plan).commandPhysicalPlan();
    }
    assertTrue(plan.metrics().contains(WriteMetrics.BATCHES_CREATED), plan.nodeName());
    assertEquals(30L, plan.metrics().apply(WriteMetrics.REQUESTS_ENCODED).value());
    assertEquals(4L, plan.metrics().apply(WriteMetrics.FILES_UPLOADED).value()); // 10 + 5 twice
    JobManifest m = manifest(spark, path).orElseThrow();
    long bytes = 0;
    for (BatchEntry b : m.batches()) {
      bytes += b.bytes();
    }
    assertEquals(bytes, plan.metrics().apply(WriteMetrics.BYTES_UPLOADED).value());
    assertEquals(4, m.batches().size());
  }

  @Test
  void aCreateFailingMidwayLeavesAResumableManifest() {
    String path = path("midway");
    // the first create goes through (a harmless delay), the second is refused for good
    EMU.emulator()
        .armFault(
            "{\"route\":\"POST /v1/batches\",\"action\":\"delay\"," + "\"millis\":1,\"times\":1}");
    EMU.emulator().armFault("{\"route\":\"POST /v1/batches\",\"status\":400,\"times\":1}");
    Dataset<Row> df = spark.range(0, 30, 1, 1).selectExpr("id", "concat('q', id) AS prompt");
    Exception e =
        org.junit.jupiter.api.Assertions.assertThrows(
            Exception.class,
            () ->
                writer(df, EMU)
                    .option("maxRequestsPerBatch", "10")
                    .option("createsAtOnce", "1") // one after the other: the third is not sent
                    .save(path));
    io.github.sparktogetherbatch.exceptions.TogetherJobException job =
        WriteTestSupport.causeOf(
            e, io.github.sparktogetherbatch.exceptions.TogetherJobException.class);
    JobManifest m = manifest(spark, path).orElseThrow();
    assertEquals(1, m.batches().size());
    assertEquals(2, m.pendingFiles().size());
    assertEquals(m.batchIds(), job.batchIds());
    assertTrue(job.getMessage().contains(m.batchIds().get(0)), job.getMessage());
    assertTrue(job.getMessage().contains("append"), job.getMessage());
    assertEquals(3, inputFiles(EMU).size(), "pending files are kept for the resume");

    Dataset<Row> none = spark.range(0, 0, 1, 1).selectExpr("concat('q', id) AS prompt");
    writer(none, EMU).mode("append").save(path);
    JobManifest resumed = manifest(spark, path).orElseThrow();
    assertEquals(3, resumed.batches().size());
    assertTrue(resumed.pendingFiles().isEmpty());
    assertEquals(30, resumed.totalRequests());
    assertEquals(3, batches(EMU).size());
    assertEquals(3, inputFiles(EMU).size());
  }

  private static Map<String, Long> values(
      org.apache.spark.sql.connector.metric.CustomTaskMetric[] ms) {
    Map<String, Long> out = new HashMap<>();
    for (org.apache.spark.sql.connector.metric.CustomTaskMetric m : ms) {
      out.put(m.name(), m.value());
    }
    return out;
  }

  private static Set<String> idsOf(List<JsonNode> batches) {
    Set<String> out = new HashSet<>();
    batches.forEach(b -> out.add(b.get("id").asText()));
    return out;
  }
}
