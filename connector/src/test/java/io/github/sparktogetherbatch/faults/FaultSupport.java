package io.github.sparktogetherbatch.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.client.TogetherClientConfig;
import io.github.sparktogetherbatch.emulator.model.DeterministicModel;
import io.github.sparktogetherbatch.manifest.HadoopConfs;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;

/**
 * What every fault test checks after a write and a read: every input row came back exactly once
 * with the deterministic model's answer, the emulator holds no batch or request twice, and no
 * uploaded file is left that no batch uses.
 */
final class FaultSupport {
  static final String MODEL = "emulator/echo";
  static final String KEY = EmulatorExtension.TEST_API_KEY;
  static final ObjectMapper JSON = new ObjectMapper();

  private FaultSupport() {}

  /** {@code n} rows {@code custom_id = r-<i>}, {@code prompt = question <i> about things}. */
  static Dataset<Row> input(SparkSession spark, long n, int partitions) {
    return spark
        .range(0, n, 1, partitions)
        .selectExpr(
            "concat('r-', id) AS custom_id", "concat('question ', id, ' about things') AS prompt");
  }

  static String prompt(long i) {
    return "question " + i + " about things";
  }

  /** The answer the emulator gives to row {@code i} of {@link #input}. */
  static String expectedContent(long i) {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", MODEL);
    ObjectNode m = body.putArray("messages").addObject();
    m.put("role", "user");
    m.put("content", prompt(i));
    return DeterministicModel.answer(DeterministicModel.CHAT_COMPLETIONS, body).content();
  }

  static DataFrameWriter<Row> writer(Dataset<Row> df, EmulatorExtension emu) {
    return df.write()
        .format("together-batch")
        .option("apiKey", KEY)
        .option("baseUrl", emu.baseUrl())
        .option("model", MODEL);
  }

  static DataFrameReader reader(SparkSession spark, EmulatorExtension emu) {
    return spark
        .read()
        .format("together-batch")
        .option("apiKey", KEY)
        .option("baseUrl", emu.baseUrl())
        .option("pollInterval", "50ms");
  }

  static TogetherClient client(EmulatorExtension emu) {
    return new TogetherClient(
        TogetherClientConfig.builder().baseUrl(emu.baseUrl()).apiKey(KEY).build());
  }

  static Map<String, Row> byId(List<Row> rows) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : rows) {
      String id = r.getAs("custom_id");
      if (out.put(id, r) != null) {
        fail("custom_id " + id + " came back more than once");
      }
    }
    return out;
  }

  /** Every row {@code r-0 .. r-(n-1)} exactly once, succeeded, with the model's answer. */
  static void assertEveryRowOnceSucceeded(List<Row> rows, long n) {
    assertEquals(n, rows.size(), "rows read back");
    Map<String, Row> got = byId(rows);
    for (long i = 0; i < n; i++) {
      Row r = got.get("r-" + i);
      assertNotNull(r, "r-" + i + " did not come back");
      assertEquals("succeeded", r.getAs("status"), "r-" + i);
      assertEquals(expectedContent(i), r.getAs("content"), "r-" + i);
    }
  }

  static JobManifest manifest(SparkSession spark, String path) {
    return JobManifest.read(path, HadoopConfs.forSession(spark))
        .orElseThrow(() -> new AssertionError("no manifest at " + path));
  }

  /**
   * The job at {@code path} and the emulator agree and nothing is doubled or left over: no pending
   * file; the emulator's batches are exactly the manifest's, each over its own input file; every
   * batch input file in the emulator belongs to one of them; and the input files hold {@code n}
   * requests with {@code n} distinct custom_ids.
   */
  static void assertJobExactlyOnce(EmulatorExtension emu, SparkSession spark, String path, long n) {
    JobManifest m = manifest(spark, path);
    assertTrue(m.pendingFiles().isEmpty(), "pending files left: " + m.pendingFiles().size());
    JsonNode state = emu.emulator().state();
    Set<String> emuBatches = new HashSet<>();
    Set<String> inputsOfBatches = new HashSet<>();
    long requests = 0;
    for (JsonNode b : state.path("batches")) {
      emuBatches.add(b.path("id").asText());
      assertTrue(
          inputsOfBatches.add(b.path("input_file_id").asText()),
          "two batches over input file " + b.path("input_file_id").asText());
      requests += b.path("requests").asLong();
    }
    assertEquals(new HashSet<>(m.batchIds()), emuBatches, "the emulator's batches are the job's");
    assertEquals(m.batchIds().size(), new HashSet<>(m.batchIds()).size(), "a batch recorded twice");
    assertEquals(n, requests, "requests over all batches");
    assertEquals(n, m.totalRequests(), "requests in the manifest");
    for (JsonNode f : state.path("files")) {
      if ("batch-api".equals(f.path("purpose").asText())) {
        assertTrue(
            inputsOfBatches.contains(f.path("id").asText()),
            "orphaned input file " + f + " (no batch uses it)");
      }
    }
    Set<String> ids = new HashSet<>();
    long lines = 0;
    try (TogetherClient c = client(emu)) {
      for (String file : inputsOfBatches) {
        for (String id : customIds(c, file)) {
          ids.add(id);
          lines++;
        }
      }
    }
    assertEquals(n, lines, "requests in the input files");
    assertEquals(n, ids.size(), "distinct custom_ids in the input files");
  }

  static List<String> customIds(TogetherClient client, String fileId) {
    List<String> out = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(client.openFileContent(fileId), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        out.add(JSON.readTree(line).path("custom_id").asText());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Request counts per route template, as the emulator saw them. */
  static Map<String, Long> requestCounts(EmulatorExtension emu) {
    Map<String, Long> out = new TreeMap<>();
    emu.emulator()
        .state()
        .path("requests")
        .fields()
        .forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
    return out;
  }

  static long count(Map<String, Long> counts, String route) {
    return counts.getOrDefault(route, 0L);
  }

  /** The emulator's batch-state objects. */
  static List<JsonNode> batches(EmulatorExtension emu) {
    List<JsonNode> out = new ArrayList<>();
    emu.emulator().state().path("batches").forEach(out::add);
    return out;
  }

  /** Waits until the emulator's state satisfies {@code condition}. */
  static JsonNode await(
      EmulatorExtension emu, Predicate<JsonNode> condition, Duration timeout, String what) {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      JsonNode s = emu.emulator().state();
      if (condition.test(s)) {
        return s;
      }
      if (System.nanoTime() > end) {
        fail("timed out waiting for " + what + "; state: " + s.path("batches"));
      }
      sleep(20);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The physical plan node that ran a DSv2 write (under a CommandResultExec) or a scan. */
  static SparkPlan unwrap(SparkPlan plan) {
    if (plan instanceof org.apache.spark.sql.execution.CommandResultExec) {
      return ((org.apache.spark.sql.execution.CommandResultExec) plan).commandPhysicalPlan();
    }
    return plan;
  }

  /** The first throwable of {@code type} in the cause chain. */
  static <T extends Throwable> T causeOf(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in the cause chain of " + t, t);
  }

  /** Every message in the cause chain, and suppressed ones, joined. */
  static String messages(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c.getClass().getName()).append(": ").append(c.getMessage()).append('\n');
      for (Throwable s : c.getSuppressed()) {
        sb.append("suppressed ").append(messages(s));
      }
    }
    return sb.toString();
  }
}
