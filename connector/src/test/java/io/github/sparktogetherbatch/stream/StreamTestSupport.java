package io.github.sparktogetherbatch.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparktogetherbatch.emulator.model.DeterministicModel;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.WriteTestSupport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Input folders, the streaming query and the checks of the sink's tests. */
public final class StreamTestSupport {
  public static final StructType SCHEMA =
      new StructType().add("custom_id", DataTypes.StringType).add("prompt", DataTypes.StringType);

  private StreamTestSupport() {}

  /** Uploads the emulator has started ({@code POST /v1/files}). */
  public static long uploads(EmulatorExtension emu) {
    return emu.emulator().requestCount("POST /v1/files");
  }

  /** Batch creates the emulator has been sent. */
  public static long creates(EmulatorExtension emu) {
    return emu.emulator().requestCount("POST /v1/batches");
  }

  /** The job manifest at {@code path}, which must exist. */
  public static io.github.sparktogetherbatch.manifest.JobManifest manifest(
      SparkSession spark, String path) {
    return WriteTestSupport.manifest(spark, path).orElseThrow();
  }

  public static String prompt(long i) {
    return "question " + i + " about things";
  }

  /** A new JSON-lines input file in {@code folder} with rows {@code r-from .. r-(to-1)}. */
  public static void addJsonFile(Path folder, String name, long from, long to) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (long i = from; i < to; i++) {
      sb.append("{\"custom_id\":\"r-")
          .append(i)
          .append("\",\"prompt\":\"")
          .append(prompt(i))
          .append("\"}\n");
    }
    write(folder, name, sb.toString());
  }

  /**
   * A new CSV input file (with a header) in {@code folder} with rows {@code r-from .. r-(to-1)}.
   */
  public static void addCsvFile(Path folder, String name, long from, long to) throws IOException {
    StringBuilder sb = new StringBuilder("custom_id,prompt\n");
    for (long i = from; i < to; i++) {
      sb.append("r-").append(i).append(',').append(prompt(i)).append('\n');
    }
    write(folder, name, sb.toString());
  }

  /** Writes to a hidden name, then renames: the file source never sees a partial file. */
  static void write(Path folder, String name, String text) throws IOException {
    Files.createDirectories(folder);
    Path tmp = folder.resolve("." + name + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, folder.resolve(name));
  }

  /** The sink with the test key, the emulator and its model. */
  public static DataStreamWriter<Row> sink(
      Dataset<Row> df, EmulatorExtension emu, String checkpoint) {
    return options(
        df.writeStream().format("together-batch"),
        "apiKey",
        EmulatorExtension.TEST_API_KEY,
        "baseUrl",
        emu.baseUrl(),
        "model",
        WriteTestSupport.MODEL,
        "checkpointLocation",
        checkpoint);
  }

  /**
   * {@code writer.option(key, value)} for each pair, called by name: these tests are compiled
   * against Spark 3.5, where DataStreamWriter declares it, and also run on Spark 4.1 and later,
   * where only an interface it implements does (another return type: a direct call fails there with
   * {@code NoSuchMethodError}).
   */
  public static DataStreamWriter<Row> options(DataStreamWriter<Row> writer, String... keyValues) {
    try {
      var option = writer.getClass().getMethod("option", String.class, String.class);
      for (int i = 0; i < keyValues.length; i += 2) {
        option.invoke(writer, keyValues[i], keyValues[i + 1]);
      }
      return writer;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("DataStreamWriter.option(String, String)", e);
    }
  }

  public static Dataset<Row> jsonStream(SparkSession spark, Path folder) {
    return spark.readStream().schema(SCHEMA).json(folder.toString());
  }

  public static List<Row> read(SparkSession spark, EmulatorExtension emu, String path) {
    return spark
        .read()
        .format("together-batch")
        .option("apiKey", EmulatorExtension.TEST_API_KEY)
        .option("baseUrl", emu.baseUrl())
        .option("pollInterval", "50ms")
        .load(path)
        .collectAsList();
  }

  /** The answer the emulator gives to row {@code i}. */
  public static String expectedContent(long i) {
    ObjectNode body = WriteTestSupport.JSON.createObjectNode();
    body.put("model", WriteTestSupport.MODEL);
    ObjectNode m = body.putArray("messages").addObject();
    m.put("role", "user");
    m.put("content", prompt(i));
    return DeterministicModel.answer(DeterministicModel.CHAT_COMPLETIONS, body).content();
  }

  /** Every row {@code r-0 .. r-(n-1)} exactly once, succeeded, with the model's answer. */
  public static void assertEveryRowOnceSucceeded(List<Row> rows, long n) {
    assertEquals(n, rows.size(), "rows read back");
    Map<String, Row> got = new HashMap<>();
    for (Row r : rows) {
      String id = r.getAs("custom_id");
      assertTrue(got.put(id, r) == null, "custom_id " + id + " came back more than once");
    }
    for (long i = 0; i < n; i++) {
      Row r = got.get("r-" + i);
      assertNotNull(r, "r-" + i + " did not come back");
      assertEquals("succeeded", r.getAs("status"), "r-" + i);
      assertEquals(expectedContent(i), r.getAs("content"), "r-" + i);
    }
  }

  /**
   * The emulator holds no batch twice (each over its own input file), exactly the job's batches,
   * and no batch input file that no batch uses.
   */
  public static void assertNoOrphanNoDouble(EmulatorExtension emu, List<String> jobBatchIds) {
    JsonNode state = emu.emulator().state();
    Set<String> inputs = new HashSet<>();
    Set<String> batches = new HashSet<>();
    for (JsonNode b : state.path("batches")) {
      batches.add(b.path("id").asText());
      assertTrue(
          inputs.add(b.path("input_file_id").asText()),
          "two batches over input file " + b.path("input_file_id").asText());
    }
    assertEquals(new HashSet<>(jobBatchIds), batches, "the emulator's batches are the job's");
    for (JsonNode f : state.path("files")) {
      if ("batch-api".equals(f.path("purpose").asText())) {
        assertTrue(inputs.contains(f.path("id").asText()), "orphaned input file " + f);
      }
    }
  }

  /**
   * custom_id → how many rows a streamed Parquet folder holds for it (columns custom_id, batch_id,
   * status, ...), each checked succeeded; empty before the folder exists.
   */
  public static Map<String, Integer> succeededAnswers(SparkSession spark, Path out) {
    Map<String, Integer> counts = new HashMap<>();
    if (!Files.exists(out)) {
      return counts;
    }
    for (Row r : spark.read().parquet(out.toString()).collectAsList()) {
      assertEquals("succeeded", r.getString(2), "row " + r);
      counts.merge(r.getString(0), 1, Integer::sum);
    }
    return counts;
  }
}
