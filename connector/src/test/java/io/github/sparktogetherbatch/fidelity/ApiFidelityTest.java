package io.github.sparktogetherbatch.fidelity;

import static io.github.sparktogetherbatch.testing.WriteTestSupport.causeOf;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.client;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.lines;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.manifest;
import static io.github.sparktogetherbatch.testing.WriteTestSupport.writer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.emulator.model.DeterministicModel;
import io.github.sparktogetherbatch.emulator.model.DeterministicModel.Answer;
import io.github.sparktogetherbatch.exceptions.TogetherJobException;
import io.github.sparktogetherbatch.manifest.BatchEntry;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 2026 API end to end (Spark local[2], the emulator): reasoning and tool-call answers in their
 * columns, {@code eos}, content parts for vision models, tools passed through, and the per-request
 * reasons of a FAILED batch's error file.
 */
class ApiFidelityTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CHAT = "/v1/chat/completions";

  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path tmp;

  private String path(String name) {
    return tmp.resolve(name).toString();
  }

  private DataFrameReader reader() {
    return spark
        .read()
        .format("together-batch")
        .option("apiKey", EmulatorExtension.TEST_API_KEY)
        .option("baseUrl", EMU.baseUrl())
        .option("pollInterval", "50ms");
  }

  private static Dataset<Row> prompts(SparkSession spark, int n) {
    return spark.range(0, n, 1, 2).selectExpr("id", "concat('question ', id, ' here') AS prompt");
  }

  /** The emulator's answer to every request of the job, by custom_id, from its input files. */
  private Map<String, Answer> answers(String path) {
    Map<String, Answer> out = new HashMap<>();
    JobManifest m = manifest(spark, path).orElseThrow();
    try (TogetherClient c = client(EMU)) {
      for (BatchEntry b : m.batches()) {
        for (JsonNode line : lines(c, b.inputFileId())) {
          out.put(
              line.get("custom_id").asText(), DeterministicModel.answer(CHAT, line.get("body")));
        }
      }
    }
    return out;
  }

  private static Map<String, Row> byId(List<Row> rows) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : rows) {
      out.put(r.getAs("custom_id"), r);
    }
    return out;
  }

  @Test
  void aReasoningModelFillsReasoningAndContent() {
    String path = path("reasoning");
    writer(prompts(spark, 6), EMU).option("model", "emulator/reasoning").save(path);
    Map<String, Answer> expected = answers(path);
    List<Row> rows = reader().load(path).collectAsList();
    assertEquals(6, rows.size());
    for (Row r : rows) {
      Answer a = expected.get(r.<String>getAs("custom_id"));
      assertEquals("succeeded", r.getAs("status"));
      assertNotNull(a.reasoning());
      assertEquals(a.reasoning(), r.getAs("reasoning"));
      assertEquals(a.content(), r.getAs("content"));
      assertNull(r.getAs("tool_calls"));
    }
    // Pruned to the new column alone, the values stay.
    List<Row> pruned = reader().load(path).select("custom_id", "reasoning").collectAsList();
    for (Row r : pruned) {
      assertEquals(expected.get(r.getString(0)).reasoning(), r.getString(1));
    }
  }

  @Test
  void eosPassesThrough() {
    String path = path("eos");
    writer(prompts(spark, 3), EMU).option("model", "emulator/eos").save(path);
    for (Row r : reader().load(path).select("status", "finish_reason").collectAsList()) {
      assertEquals("succeeded", r.getString(0));
      assertEquals("eos", r.getString(1));
    }
  }

  @Test
  void toolsPassThroughAndToolCallsComeBackAsJson() throws Exception {
    String tools =
        "[{\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"parameters\":"
            + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
            + "\"required\":[\"city\"]}}}]";
    String choice = "{\"type\":\"function\",\"function\":{\"name\":\"lookup\"}}";
    String path = path("tools");
    writer(prompts(spark, 4), EMU)
        .option("body.tools", tools)
        .option("body.tool_choice", choice)
        .save(path);
    JobManifest m = manifest(spark, path).orElseThrow();
    try (TogetherClient c = client(EMU)) {
      JsonNode body = lines(c, m.batches().get(0).inputFileId()).get(0).get("body");
      assertEquals(JSON.readTree(tools), body.get("tools"));
      assertEquals(JSON.readTree(choice), body.get("tool_choice"));
    }
    Map<String, Answer> expected = answers(path);
    Map<String, Row> rows = byId(reader().load(path).collectAsList());
    assertEquals(4, rows.size());
    for (Map.Entry<String, Row> e : rows.entrySet()) {
      Row r = e.getValue();
      Answer a = expected.get(e.getKey());
      assertEquals("succeeded", r.getAs("status"));
      assertNull(r.getAs("content"), "a tool call has no content");
      assertEquals("tool_calls", r.getAs("finish_reason"));
      JsonNode calls = JSON.readTree(r.<String>getAs("tool_calls"));
      assertEquals(1, calls.size());
      assertEquals("lookup", calls.get(0).at("/function/name").asText());
      assertEquals(a.toolCalls().get(0).id(), calls.get(0).get("id").asText());
      assertEquals(
          JSON.readTree(a.toolCalls().get(0).arguments()),
          JSON.readTree(calls.get(0).at("/function/arguments").asText()));
    }
  }

  @Test
  void contentPartsCarryTextAndImagesForVisionModels() {
    Dataset<Row> df =
        spark
            .range(0, 3, 1, 1)
            .selectExpr(
                "id",
                "array(named_struct('role', 'user', 'content', array("
                    + "named_struct('type', 'text', 'text', concat('what is in picture ', id),"
                    + " 'image_url', cast(null AS struct<url: string>)),"
                    + "named_struct('type', 'image_url', 'text', cast(null AS string),"
                    + " 'image_url', named_struct('url', concat('https://example.com/', id,"
                    + " '.png')))))) AS messages");
    String path = path("vision");
    writer(df, EMU).option("messagesColumn", "messages").save(path);
    JobManifest m = manifest(spark, path).orElseThrow();
    try (TogetherClient c = client(EMU)) {
      JsonNode content =
          lines(c, m.batches().get(0).inputFileId()).get(1).at("/body/messages/0/content");
      assertEquals(2, content.size());
      assertEquals("text", content.get(0).get("type").asText());
      assertEquals("what is in picture 1", content.get(0).get("text").asText());
      assertFalse(content.get(0).has("image_url"), "null fields are left out");
      assertEquals("https://example.com/1.png", content.get(1).at("/image_url/url").asText());
      assertFalse(content.get(1).has("text"));
    }
    Map<String, Answer> expected = answers(path);
    for (Row r : reader().load(path).collectAsList()) {
      Answer a = expected.get(r.<String>getAs("custom_id"));
      assertEquals("succeeded", r.getAs("status"), () -> String.valueOf(r));
      assertEquals(a.content(), r.getAs("content"));
      assertTrue(a.content().contains("images: 1"), a.content());
    }
  }

  @Test
  void aContentPartWithoutATypeIsRefusedBeforeUpload() {
    Dataset<Row> df =
        spark
            .range(0, 2, 1, 1)
            .selectExpr(
                "array(named_struct('role', 'user', 'content',"
                    + " array(named_struct('text', 'hi')))) AS messages");
    Throwable t =
        assertThrows(
            Throwable.class,
            () -> writer(df, EMU).option("messagesColumn", "messages").save(path("no-type")));
    assertTrue(
        causeOf(t, io.github.sparktogetherbatch.exceptions.TogetherDataException.class)
            .getMessage()
            .contains("'type'"));
    assertEquals(0, EMU.emulator().requestCount("POST /v1/files"));
  }

  @Test
  void aFailedBatchGivesItsErrorFileReasonsInTheReadsError() {
    String path = path("no-batch-model");
    writer(prompts(spark, 4), EMU)
        .option("model", "deepseek-ai/DeepSeek-R1")
        .option("modelCheck", "false")
        .save(path);
    Throwable t = assertThrows(Throwable.class, () -> reader().load(path).collectAsList());
    TogetherJobException e = causeOf(t, TogetherJobException.class);
    assertTrue(e.getMessage().contains("model_not_available"), e.getMessage());
    assertTrue(e.getMessage().contains("requests)"), e.getMessage());
  }

  @Test
  void aFailedBatchGivesItsErrorFileReasonsInItsRows() {
    // Partition 0 targets a batch model, partition 1 one Together does not run in batch; each is
    // its own batch (no packing), so one completes and the other fails.
    Dataset<Row> df =
        spark
            .range(0, 4, 1, 2)
            .selectExpr(
                "id",
                "to_json(named_struct('model', IF(id < 2, 'emulator/echo',"
                    + " 'deepseek-ai/DeepSeek-V3.1'), 'messages', array(named_struct('role',"
                    + " 'user', 'content', concat('question ', id))))) AS body");
    String path = path("mixed");
    df.write()
        .format("together-batch")
        .option("apiKey", EmulatorExtension.TEST_API_KEY)
        .option("baseUrl", EMU.baseUrl())
        .option("bodyColumn", "body")
        .option("idColumn", "id")
        .option("minRequestsPerBatch", "0") // one batch per partition, not one packed batch
        .save(path);
    Map<String, Row> rows = byId(reader().load(path).collectAsList());
    assertEquals(4, rows.size());
    assertEquals("succeeded", rows.get("0").getAs("status"));
    assertEquals("succeeded", rows.get("1").getAs("status"));
    for (String id : List.of("2", "3")) {
      Row r = rows.get(id);
      assertEquals("failed", r.getAs("status"));
      assertEquals("model_not_available", r.getAs("error_code"));
      assertTrue(r.<String>getAs("error_message").contains("deepseek-ai/DeepSeek-V3.1"));
    }
  }
}
