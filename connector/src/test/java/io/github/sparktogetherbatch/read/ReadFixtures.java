package io.github.sparktogetherbatch.read;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparktogetherbatch.client.BatchJob;
import io.github.sparktogetherbatch.client.FileObject;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.client.TogetherClientConfig;
import io.github.sparktogetherbatch.emulator.model.DeterministicModel;
import io.github.sparktogetherbatch.exceptions.TogetherBatchException;
import io.github.sparktogetherbatch.manifest.BatchEntry;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Creates jobs directly with the client and a manifest (no writer), and reads them back. */
final class ReadFixtures {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final String MODEL = "emulator/echo";
  static final String CHAT = "/v1/chat/completions";

  private final EmulatorExtension emulator;
  private final Path tmp;
  private final TogetherClient client;

  ReadFixtures(EmulatorExtension emulator, Path tmp) {
    this.emulator = emulator;
    this.tmp = tmp;
    this.client =
        new TogetherClient(
            TogetherClientConfig.builder()
                .baseUrl(emulator.baseUrl())
                .apiKey(EmulatorExtension.TEST_API_KEY)
                .build());
  }

  TogetherClient client() {
    return client;
  }

  /** A job: its path, its batches, and every request (custom_id → prompt), in order. */
  static final class Job {
    final String path;
    final List<String> batchIds = new ArrayList<>();
    final Map<String, String> prompts = new LinkedHashMap<>();
    final Map<String, String> batchOf = new LinkedHashMap<>();

    Job(String path) {
      this.path = path;
    }

    /** The request body as the emulator saw it. */
    static JsonNode body(String prompt) {
      ObjectNode body = MAPPER.createObjectNode();
      body.put("model", MODEL);
      ObjectNode m = body.putArray("messages").addObject();
      m.put("role", "user");
      m.put("content", prompt);
      return body;
    }

    DeterministicModel.Answer expected(String customId) {
      return DeterministicModel.answer(
          DeterministicModel.CHAT_COMPLETIONS, body(prompts.get(customId)));
    }
  }

  /**
   * Prompts {@code prefix-0..n-1}: "question i about things", every {@code failEvery}-th with
   * !!fail!!.
   */
  static Map<String, String> prompts(String prefix, int n, int failEvery) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      boolean fails = failEvery > 0 && i % failEvery == failEvery - 1;
      out.put(
          prefix + "-" + i,
          "question "
              + i
              + " about "
              + "word ".repeat(i % 5)
              + (fails ? "!!fail!! please" : "things"));
    }
    return out;
  }

  /**
   * Uploads one input file per map, creates a batch for each, and commits a manifest at a new path.
   */
  @SafeVarargs
  final Job createJob(Map<String, String>... batches) {
    try {
      Path dir = Files.createTempDirectory(tmp, "job");
      Job job = new Job(dir.resolve("job").toUri().toString());
      JobManifest manifest = JobManifest.newJob(CHAT, MODEL);
      int k = 0;
      for (Map<String, String> requests : batches) {
        Path file = dir.resolve("input-" + k++ + ".jsonl");
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> r : requests.entrySet()) {
          ObjectNode line = MAPPER.createObjectNode();
          line.put("custom_id", r.getKey());
          line.set("body", Job.body(r.getValue()));
          sb.append(MAPPER.writeValueAsString(line)).append('\n');
        }
        Files.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
        FileObject uploaded = client.uploadFile(file, file.getFileName().toString());
        BatchJob batch = client.createBatch(uploaded.id(), CHAT, null);
        manifest =
            manifest.withBatch(
                new BatchEntry(
                    batch.id(),
                    uploaded.id(),
                    requests.size(),
                    Files.size(file),
                    Instant.now(),
                    "test"));
        job.batchIds.add(batch.id());
        for (String id : requests.keySet()) {
          job.prompts.put(id, requests.get(id));
          job.batchOf.put(id, batch.id());
        }
      }
      manifest.commit(job.path, new Configuration());
      return job;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Polls the batch until {@code condition} holds. */
  BatchJob awaitBatch(String batchId, Predicate<BatchJob> condition, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      BatchJob b = client.getBatch(batchId);
      if (condition.test(b)) {
        return b;
      }
      if (System.nanoTime() > end) {
        fail("batch " + batchId + " did not reach the expected state: " + b);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  DataFrameReader reader(SparkSession spark) {
    return spark
        .read()
        .format("together-batch")
        .option("baseUrl", emulator.baseUrl())
        .option("apiKey", EmulatorExtension.TEST_API_KEY)
        .option("pollInterval", "50ms");
  }

  /** Rows by custom_id (fails on a duplicate). */
  static Map<String, Row> byId(List<Row> rows) {
    Map<String, Row> out = new LinkedHashMap<>();
    for (Row r : rows) {
      if (out.put(r.getString(r.fieldIndex("custom_id")), r) != null) {
        fail("custom_id " + r.getString(r.fieldIndex("custom_id")) + " has more than one row");
      }
    }
    return out;
  }

  /** Our exception of this type in the cause chain, or a failure. */
  static <T extends TogetherBatchException> T findCause(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in the cause chain of " + t, t);
  }

  void close() {
    client.close();
  }
}
