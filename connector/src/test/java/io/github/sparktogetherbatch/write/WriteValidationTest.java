package io.github.sparktogetherbatch.write;

import static io.github.sparktogetherbatch.testing.WriteTestSupport.batches;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.causeOf;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.messages;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.writer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparktogetherbatch.exceptions.TogetherBatchException;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import io.github.sparktogetherbatch.exceptions.TogetherDataException;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import io.github.sparktogetherbatch.testing.WriteTestSupport;
import java.nio.file.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad input fails with the documented exception and a message naming the option or column,
 * the row's id and the fix — never the prompt text — and leaves nothing behind: the emulator holds
 * no uploaded file and no batch afterwards, and no manifest is written.
 */
class WriteValidationTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  /** In prompts of bad rows; must never show up in an error. */
  static final String SECRET = "SECRET-PROMPT-TEXT-42";

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  private String path() {
    return tmp.resolve("job").toString();
  }

  @AfterEach
  void nothingWasLeftBehind() {
    JsonNode state = EMU.emulator().state();
    assertEquals(0, state.path("files").size(), "uploaded files left: " + state.path("files"));
    assertEquals(0, state.path("batches").size(), "batches created: " + state.path("batches"));
    assertEquals(0, EMU.emulator().requestCount("POST /v1/batches"));
    assertFalse(WriteTestSupport.manifest(spark, path()).isPresent(), "a manifest was written");
  }

  private <T extends TogetherBatchException> T rejected(
      Class<T> type, Executable write, String... mustName) {
    Throwable t = assertThrows(Throwable.class, write);
    T ours = causeOf(t, type);
    String all = messages(t);
    for (String s : mustName) {
      assertTrue(ours.getMessage().contains(s), "'" + s + "' not in: " + ours.getMessage());
    }
    assertFalse(all.contains(SECRET), "prompt text in the error: " + all);
    assertFalse(all.contains(EmulatorExtension.TEST_API_KEY), "API key in the error");
    return ours;
  }

  private Dataset<Row> prompts(int n, int partitions) {
    return spark
        .range(0, n, 1, partitions)
        .selectExpr("concat('id-', id) AS custom_id", "concat('" + SECRET + " ', id) AS prompt");
  }

  @Test
  void missingApiKey() {
    Assumptions.assumeTrue(System.getenv("TOGETHER_API_KEY") == null, "TOGETHER_API_KEY is set");
    rejected(
        TogetherConfigException.class,
        () ->
            prompts(3, 1)
                .write()
                .format("together-batch")
                .option("baseUrl", EMU.baseUrl())
                .option("model", "emulator/echo")
                .save(path()),
        "TOGETHER_API_KEY",
        "apiKey");
  }

  @Test
  void missingModel() {
    rejected(
        TogetherConfigException.class,
        () ->
            prompts(3, 1)
                .write()
                .format("together-batch")
                .option("apiKey", EmulatorExtension.TEST_API_KEY)
                .option("baseUrl", EMU.baseUrl())
                .save(path()),
        "'model'");
  }

  @Test
  void bodyWithoutModel() {
    Dataset<Row> df =
        spark
            .range(0, 4, 1, 1)
            .selectExpr(
                "concat('b', id) AS custom_id",
                "CASE WHEN id = 2 THEN '{\"messages\":[{\"role\":\"user\",\"content\":\""
                    + SECRET
                    + "\"}]}'"
                    + " ELSE '{\"model\":\"emulator/echo\",\"messages\":[{\"role\":\"user\",\"content\":"
                    + "\"x\"}]}' END AS body");
    rejected(
        TogetherDataException.class,
        () -> writer(df, EMU).option("model", "").option("bodyColumn", "body").save(path()),
        "'b2'",
        "'model'",
        "bodyColumn");
  }

  @Test
  void unknownEndpoint() {
    rejected(
        TogetherConfigException.class,
        () -> writer(prompts(3, 1), EMU).option("endpoint", "/v1/embeddings").save(path()),
        "'endpoint'",
        "/v1/chat/completions");
  }

  @Test
  void noInputColumn() {
    Dataset<Row> df = spark.range(3).selectExpr("concat('q', id) AS question");
    rejected(
        TogetherConfigException.class,
        () -> writer(df, EMU).save(path()),
        "promptColumn",
        "question");
  }

  @Test
  void moreThanOneInputMapping() {
    rejected(
        TogetherConfigException.class,
        () ->
            writer(prompts(3, 1), EMU)
                .option("promptColumn", "prompt")
                .option("bodyColumn", "prompt")
                .save(path()),
        "promptColumn",
        "bodyColumn");
  }

  @Test
  void wrongColumnTypes() {
    Dataset<Row> intPrompt = spark.range(3).selectExpr("id AS prompt");
    rejected(
        TogetherDataException.class,
        () -> writer(intPrompt, EMU).save(path()),
        "'prompt'",
        "bigint",
        "string");
    Dataset<Row> badMessages = spark.range(3).selectExpr("array('hi') AS messages");
    rejected(
        TogetherDataException.class,
        () -> writer(badMessages, EMU).save(path()),
        "'messages'",
        "messagesColumn");
    Dataset<Row> badId = spark.range(3).selectExpr("cast(id AS double) AS k", "'x' AS prompt");
    rejected(
        TogetherDataException.class,
        () -> writer(badId, EMU).option("idColumn", "k").save(path()),
        "'k'",
        "idColumn");
  }

  @Test
  void nullPrompt() {
    Dataset<Row> df =
        spark
            .range(0, 10, 1, 1)
            .selectExpr(
                "concat('id-', id) AS custom_id",
                "CASE WHEN id = 7 THEN NULL ELSE concat('" + SECRET + "', id) END AS prompt");
    rejected(
        TogetherDataException.class,
        () -> writer(df, EMU).save(path()),
        "'id-7'",
        "null",
        "'prompt'",
        "promptColumn");
  }

  @Test
  void emptyPrompt() {
    Dataset<Row> df =
        spark
            .range(0, 10, 1, 1)
            .selectExpr(
                "concat('id-', id) AS custom_id",
                "CASE WHEN id = 3 THEN '' ELSE concat('" + SECRET + "', id) END AS prompt");
    rejected(TogetherDataException.class, () -> writer(df, EMU).save(path()), "'id-3'", "empty");
  }

  @Test
  void badRowInOnePartitionAfterAnotherUploaded() {
    // Partition 0 uploads and commits; partition 1 then fails on a null prompt. The write's abort
    // deletes partition 0's file: nothing is left.
    spark
        .udf()
        .register(
            "slowInLastPartition",
            (UDF1<String, String>)
                s -> {
                  if (TaskContext.get().partitionId() == 1) {
                    Thread.sleep(1500);
                  }
                  return s;
                },
            DataTypes.StringType);
    Dataset<Row> df =
        spark
            .range(0, 20, 1, 2)
            .selectExpr(
                "concat('id-', id) AS custom_id",
                "slowInLastPartition(CASE WHEN id = 19 THEN NULL ELSE concat('"
                    + SECRET
                    + "', id) END) "
                    + "AS prompt");
    rejected(
        TogetherDataException.class,
        () -> writer(df, EMU).option("minRequestsPerBatch", "0").save(path()),
        "'id-19'");
    assertTrue(EMU.emulator().requestCount("POST /v1/files") >= 1, "partition 0 had uploaded");
    assertTrue(EMU.emulator().requestCount("DELETE /v1/files/{id}") >= 1, "and it was deleted");
  }

  @Test
  void duplicateIdWithinAPartition() {
    Dataset<Row> df =
        spark
            .range(0, 10, 1, 1)
            .selectExpr(
                "CASE WHEN id = 8 THEN 'id-2' ELSE concat('id-', id) END AS custom_id",
                "concat('" + SECRET + "', id) AS prompt");
    rejected(
        TogetherDataException.class,
        () -> writer(df, EMU).save(path()),
        "'id-2'",
        "custom_id",
        "idColumn",
        "unique");
    assertEquals(0, EMU.emulator().requestCount("POST /v1/files"), "found before any upload");
  }

  @Test
  void duplicateIdAcrossPartitions() {
    // rows 0-9 in partition 0, 10-19 in partition 1; row 15 repeats row 4's id
    Dataset<Row> df =
        spark
            .range(0, 20, 1, 2)
            .selectExpr(
                "CASE WHEN id = 15 THEN 'id-4' ELSE concat('id-', id) END AS custom_id",
                "concat('" + SECRET + "', id) AS prompt");
    TogetherDataException e =
        rejected(
            TogetherDataException.class,
            () -> writer(df, EMU).save(path()),
            "'id-4'",
            "partitions [0, 1]",
            "unique",
            "no batch was created");
    assertTrue(e.getMessage().contains("deleted"));
  }

  @Test
  void duplicateIntegralIdsAcrossPartitions() {
    Dataset<Row> df =
        spark
            .range(0, 20, 1, 2)
            .selectExpr("id % 10 AS id", "concat('" + SECRET + "', id) AS prompt");
    rejected(
        TogetherDataException.class,
        () -> writer(df, EMU).save(path()),
        "'0' (partitions [0, 1])",
        "and 5 more");
  }

  @Test
  void customIdOver64Characters() {
    Dataset<Row> df =
        spark
            .range(0, 5, 1, 1)
            .selectExpr(
                "CASE WHEN id = 1 THEN repeat('x', 65) ELSE concat('id-', id) END AS custom_id",
                "concat('" + SECRET + "', id) AS prompt");
    rejected(
        TogetherDataException.class,
        () -> writer(df, EMU).save(path()),
        "65",
        "64",
        "'custom_id'",
        "idColumn");
  }

  @Test
  void lineOverTheByteLimit() {
    Dataset<Row> df =
        spark
            .range(0, 5, 1, 1)
            .selectExpr(
                "concat('id-', id) AS custom_id",
                "CASE WHEN id = 4 THEN repeat('" + SECRET + "', 100) ELSE 'short' END AS prompt");
    rejected(
        TogetherDataException.class,
        () -> writer(df, EMU).option("maxBytesPerBatch", "1KB").save(path()),
        "'id-4'",
        "maxBytesPerBatch",
        "1000 bytes");
  }

  @Test
  void unknownOptionName() {
    rejected(
        TogetherConfigException.class,
        () -> writer(prompts(3, 1), EMU).option("promptColum", "prompt").save(path()),
        "Did you mean 'promptColumn'");
    rejected(
        TogetherConfigException.class,
        () -> writer(prompts(3, 1), EMU).option("max_tokens", "5").save(path()),
        "body.max_tokens");
  }

  @Test
  void manyDuplicatesAcrossThreePartitionsAndManyFilesAreSummarised() {
    Dataset<Row> df =
        spark
            .range(0, 30, 1, 3)
            .selectExpr(
                "concat('k', id % 20) AS custom_id", "concat('" + SECRET + "', id) AS prompt");
    TogetherDataException e =
        rejected(
            TogetherDataException.class,
            () ->
                writer(df, EMU)
                    .option("maxRequestsPerBatch", "4")
                    .option("minRequestsPerBatch", "0") // the tasks upload (no packing)
                    .save(path()),
            "'k0'",
            "and 5 more");
    assertTrue(e.getMessage().contains("9 uploaded input file(s) were deleted"), e.getMessage());
    assertEquals(0, batches(EMU).size());
  }
}
