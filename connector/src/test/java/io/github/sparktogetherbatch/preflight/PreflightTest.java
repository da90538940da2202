package io.github.sparktogetherbatch.preflight;

import static io.github.sparktogetherbatch.testing.WriteTestSupport.awaitNoRunningTasks;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.causeOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.emulator.EmulatorOptions;
import io.github.sparktogetherbatch.emulator.TogetherEmulator;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import io.github.sparktogetherbatch.manifest.HadoopConfs;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver's preflight against an emulator that accepts one key: one {@code GET /v1/models} per
 * write and per read; a refused key, a wrong {@code baseUrl}, an unknown model and a model Together
 * does not run in batch fail before any task, upload or poll.
 */
class PreflightTest {
  private static final String KEY = "preflight-key-0123456789abcdef";
  private static final String WRONG_KEY = "wrong-key-0123456789abcdef-SECRET";
  private static final String MODELS = "GET /v1/models";
  private static final String UPLOAD = "POST /v1/files";
  private static TogetherEmulator emulator;

  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    emulator = TogetherEmulator.start(EmulatorOptions.builder().apiKey(KEY).build());
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  @BeforeEach
  void reset() {
    emulator.reset();
  }

  private String path(String name) {
    return tmp.resolve(name).toString();
  }

  private DataFrameWriter<Row> writer(String key, String model) {
    return spark
        .range(0, 4, 1, 2)
        .selectExpr("concat('question ', id) AS prompt")
        .write()
        .format("together-batch")
        .option("apiKey", key)
        .option("baseUrl", emulator.baseUrl())
        .option("model", model);
  }

  private DataFrameReader reader(String key) {
    return spark
        .read()
        .format("together-batch")
        .option("apiKey", key)
        .option("baseUrl", emulator.baseUrl())
        .option("pollInterval", "50ms");
  }

  private TogetherConfigException refusedWrite(DataFrameWriter<Row> w, String path) {
    Throwable t = assertThrows(Throwable.class, () -> w.save(path));
    awaitNoRunningTasks(spark);
    TogetherConfigException e = causeOf(t, TogetherConfigException.class);
    assertEquals(0, emulator.requestCount(UPLOAD), "nothing uploaded");
    assertEquals(0, emulator.state().path("files").size(), "no file at Together");
    assertTrue(JobManifest.read(path, HadoopConfs.forSession(spark)).isEmpty(), "no job");
    assertEquals(0, spark.sparkContext().statusTracker().getActiveJobIds().length);
    return e;
  }

  @Test
  void aWriteMakesExactlyOneModelsCall() {
    String path = path("ok");
    writer(KEY, "emulator/echo").save(path);
    assertEquals(1, emulator.requestCount(MODELS));
    assertEquals(1, emulator.requestCount(UPLOAD), "two small tasks, one packed upload");
  }

  @Test
  void aRefusedKeyFailsTheWriteBeforeAnyTaskNamingWhereTheKeyComesFrom() {
    long jobsBefore = spark.sparkContext().statusTracker().getJobIdsForGroup(null).length;
    String path = path("wrong-key");
    TogetherConfigException e = refusedWrite(writer(WRONG_KEY, "emulator/echo"), path);
    assertTrue(e.getMessage().contains("TOGETHER_API_KEY"), e.getMessage());
    assertTrue(e.getMessage().contains("'apiKey'"), e.getMessage());
    assertFalse(e.getMessage().contains(WRONG_KEY));
    assertEquals(1, emulator.requestCount(MODELS));
    assertEquals(
        jobsBefore,
        spark.sparkContext().statusTracker().getJobIdsForGroup(null).length,
        "no Spark job ran");
  }

  @Test
  void anUnknownModelFailsWithTheClosestListedName() {
    TogetherConfigException e =
        refusedWrite(
            writer(KEY, "meta-llama/Llama-3.3-70B-Instruct-Turbos"), path("unknown-model"));
    assertTrue(
        e.getMessage().contains("Did you mean 'meta-llama/Llama-3.3-70B-Instruct-Turbo'?"),
        e.getMessage());
    assertTrue(e.getMessage().contains("modelCheck"), e.getMessage());
    TogetherConfigException org =
        refusedWrite(writer(KEY, "emulator/ecko"), path("unknown-model-2"));
    assertTrue(org.getMessage().contains("Did you mean 'emulator/echo'?"), org.getMessage());
  }

  @Test
  void aModelTogetherDoesNotRunInBatchIsRefusedNamingItAndWhy() {
    for (String model : List.of("deepseek-ai/DeepSeek-R1", "MiniMaxAI/MiniMax-M2")) {
      TogetherConfigException e =
          refusedWrite(writer(KEY, model), path("no-batch-" + model.replace('/', '-')));
      assertTrue(e.getMessage().contains("'" + model + "'"), e.getMessage());
      assertTrue(e.getMessage().contains("not available for batch"), e.getMessage());
    }
  }

  @Test
  void aModelOfAnotherTypeIsRefused() {
    TogetherConfigException e =
        refusedWrite(writer(KEY, "BAAI/bge-large-en-v1.5"), path("embedding"));
    assertTrue(e.getMessage().contains("chat model"), e.getMessage());
  }

  @Test
  void modelCheckFalseSkipsTheModelButNotTheKey() {
    // A dedicated endpoint's name is not in the list; the emulator answers any emulator/ name.
    String path = path("dedicated");
    writer(KEY, "emulator/my-dedicated-endpoint").option("modelCheck", "false").save(path);
    assertEquals(1, emulator.requestCount(MODELS));
    assertEquals(4, reader(KEY).load(path).where("status = 'succeeded'").count());

    emulator.reset();
    TogetherConfigException e =
        refusedWrite(
            writer(WRONG_KEY, "emulator/my-dedicated-endpoint").option("modelCheck", "false"),
            path("dedicated-wrong-key"));
    assertTrue(e.getMessage().contains("TOGETHER_API_KEY"), e.getMessage());
  }

  @Test
  void aBaseUrlWithoutAPathGetsV1AndAnotherPathIsNamed() {
    String root = emulator.baseUrl().substring(0, emulator.baseUrl().length() - "/v1".length());
    String path = path("no-path");
    writer(KEY, "emulator/echo").option("baseUrl", root).save(path);
    assertEquals(1, emulator.requestCount(UPLOAD), "two small tasks, one packed upload");

    emulator.reset();
    TogetherConfigException e =
        refusedWrite(writer(KEY, "emulator/echo").option("baseUrl", root + "/api"), path("api"));
    assertTrue(e.getMessage().contains("End 'baseUrl' with /v1"), e.getMessage());
  }

  @Test
  void aReadChecksTheKeyOnceBeforeItsFirstPoll() {
    String path = path("job");
    writer(KEY, "emulator/echo").save(path);
    String batchId =
        JobManifest.read(path, HadoopConfs.forSession(spark)).orElseThrow().batches().stream()
            .findFirst()
            .orElseThrow()
            .batchId();
    emulator.reset();
    Throwable byPath = assertThrows(Throwable.class, () -> reader(WRONG_KEY).load(path).count());
    assertTrue(causeOf(byPath, TogetherConfigException.class).getMessage().contains("'apiKey'"));
    Throwable byId =
        assertThrows(
            Throwable.class,
            () -> reader(WRONG_KEY).option("batchId", batchId).load().collectAsList());
    assertNotNull(causeOf(byId, TogetherConfigException.class));
    assertEquals(0, emulator.requestCount("GET /v1/batches/{id}"), "no poll");
    assertEquals(2, emulator.requestCount(MODELS));
  }

  @Test
  void aReadMakesExactlyOneModelsCall() {
    String path = path("read-once");
    writer(KEY, "emulator/echo").save(path);
    emulator.clearFaults();
    long before = emulator.requestCount(MODELS);
    List<Row> rows = reader(KEY).load(path).collectAsList();
    assertEquals(4, rows.size());
    assertEquals(before + 1, emulator.requestCount(MODELS));
  }
}
