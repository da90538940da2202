package io.github.sparktogetherbatch.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.client.TogetherClientConfig;
import io.github.sparktogetherbatch.codec.ResultSchema;
import io.github.sparktogetherbatch.exceptions.TogetherBatchException;
import io.github.sparktogetherbatch.metrics.ReadMetrics;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reconciliation of one batch on handcrafted files served by the emulator (no Spark): unknown and
 * duplicate results, a custom_id in both files, unreadable lines, missing rows, metrics, pruning.
 */
class TogetherPartitionReaderTest {
  @RegisterExtension static final EmulatorExtension EMULATOR = new EmulatorExtension();

  @TempDir Path tmp;

  private ReadFixtures fx;
  private TogetherClientConfig config;

  private static final int[] ALL = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};

  @BeforeEach
  void setUp() {
    fx = new ReadFixtures(EMULATOR, tmp);
    config = fx.client().config();
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  private String upload(String name, String... lines) throws IOException {
    Path f = tmp.resolve(name);
    Files.write(
        f,
        (lines.length == 0 ? "" : String.join("\n", lines) + "\n")
            .getBytes(StandardCharsets.UTF_8));
    return fx.client().uploadFile(f, name).id();
  }

  private static String input(String id) {
    return "{\"custom_id\":\""
        + id
        + "\",\"body\":{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
        + "\"content\":\"hi "
        + id
        + "\"}]}}";
  }

  private static String ok(String id, String content, int p, int c) {
    return "{\"id\":\"br\",\"custom_id\":\""
        + id
        + "\",\"response\":{\"status_code\":200,\"body\":"
        + "{\"model\":\"m\",\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\""
        + content
        + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":"
        + p
        + ",\"completion_tokens\":"
        + c
        + ",\"total_tokens\":"
        + (p + c)
        + "}}}}";
  }

  /** Reads a whole partition; returns rows as maps by column name, and the final metrics. */
  private List<Map<String, Object>> read(
      TogetherInputPartition part, int[] columns, Map<String, Long> metrics) {
    List<Map<String, Object>> out = new ArrayList<>();
    TogetherPartitionReader reader = new TogetherPartitionReader(part, columns);
    try {
      while (reader.next()) {
        InternalRow row = reader.get();
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < columns.length; i++) {
          String name = ResultSchema.SCHEMA.fields()[columns[i]].name();
          Object v =
              row.isNullAt(i)
                  ? null
                  : ResultSchema.SCHEMA
                          .fields()[columns[i]]
                          .dataType()
                          .equals(org.apache.spark.sql.types.DataTypes.IntegerType)
                      ? (Object) row.getInt(i)
                      : row.getUTF8String(i).toString();
          m.put(name, v);
        }
        out.add(m);
      }
      for (CustomTaskMetric t : reader.currentMetricsValues()) {
        metrics.put(t.name(), t.value());
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    } finally {
      reader.close();
    }
    return out;
  }

  private static Map<String, Map<String, Object>> byId(List<Map<String, Object>> rows) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    for (Map<String, Object> r : rows) {
      assertNull(out.put((String) r.get("custom_id"), r), "one row per custom_id");
    }
    return out;
  }

  @Test
  void reconcilesUnknownDuplicateAndMissingResults() throws IOException {
    String in = upload("in.jsonl", input("a"), input("b"), input("c"), input("d"), input("e"));
    String outFile =
        upload(
            "out.jsonl",
            ok("b", "B!", 2, 1),
            "",
            ok("zz", "not submitted", 1, 1),
            "this is not json",
            "{\"response\":{\"status_code\":200}}",
            ok("a", "A!", 3, 2),
            ok("a", "A again", 3, 2));
    String errFile =
        upload(
            "err.jsonl",
            "{\"custom_id\":\"b\",\"error\":{\"message\":\"lost race\",\"code\":\"x\"}}",
            "{\"custom_id\":\"c\",\"error\":\"context length exceeded\"}",
            "{\"custom_id\":\"yy\",\"error\":\"unknown\"}");
    TogetherInputPartition part =
        new TogetherInputPartition(
            "batch-1",
            in,
            outFile,
            errFile,
            "EXPIRED",
            null,
            TogetherInputPartition.Mode.RESULTS,
            config);
    Map<String, Long> metrics = new HashMap<>();
    List<Map<String, Object>> rows = read(part, ALL, metrics);

    assertEquals(5, rows.size());
    Map<String, Map<String, Object>> got = byId(rows);
    assertEquals("succeeded", got.get("a").get("status"));
    assertEquals("A!", got.get("a").get("content"));
    assertEquals(5, got.get("a").get("total_tokens"));
    assertEquals("succeeded", got.get("b").get("status"), "a success wins over an error line");
    assertEquals("B!", got.get("b").get("content"));
    assertEquals("failed", got.get("c").get("status"));
    assertEquals("context length exceeded", got.get("c").get("error_message"));
    for (String id : List.of("d", "e")) {
      assertEquals("missing", got.get(id).get("status"));
      assertEquals("batch_expired", got.get(id).get("error_code"));
      assertEquals("batch-1", got.get(id).get("batch_id"));
      assertNull(got.get(id).get("content"));
    }
    // Missing rows come last, in input order.
    assertEquals("d", rows.get(3).get("custom_id"));
    assertEquals("e", rows.get(4).get("custom_id"));

    assertEquals(2, metrics.get(ReadMetrics.ROWS_SUCCEEDED));
    assertEquals(1, metrics.get(ReadMetrics.ROWS_FAILED));
    assertEquals(2, metrics.get(ReadMetrics.ROWS_MISSING));
    assertEquals(0, metrics.get(ReadMetrics.ROWS_PENDING));
    assertEquals(4, metrics.get(ReadMetrics.UNKNOWN_RESULTS), "zz, yy and two unreadable lines");
    assertEquals(2, metrics.get(ReadMetrics.DUPLICATE_RESULTS), "a twice, b in both files");
    assertEquals(5, metrics.get(ReadMetrics.PROMPT_TOKENS));
    assertEquals(3, metrics.get(ReadMetrics.COMPLETION_TOKENS));
    assertEquals(8, metrics.get(ReadMetrics.TOTAL_TOKENS));
    long bytes = 0;
    for (String id : List.of(in, outFile, errFile)) {
      bytes += fx.client().getFile(id).bytes();
    }
    assertEquals(bytes, metrics.get(ReadMetrics.BYTES_DOWNLOADED));
  }

  @Test
  void onlyIdColumnsReadTheInputFileAlone() throws IOException {
    String in = upload("in.jsonl", input("a"), input("b"), input("c"));
    String outFile = upload("out.jsonl", ok("a", "A", 1, 1), ok("zz", "Z", 1, 1));
    String errFile = upload("err.jsonl");
    TogetherInputPartition part =
        new TogetherInputPartition(
            "batch-2",
            in,
            outFile,
            errFile,
            "COMPLETED",
            null,
            TogetherInputPartition.Mode.RESULTS,
            config);
    Map<String, Long> metrics = new HashMap<>();
    List<Map<String, Object>> rows = read(part, new int[] {1, 0}, metrics);
    assertEquals(List.of("a", "b", "c"), rows.stream().map(r -> r.get("custom_id")).toList());
    assertTrue(rows.stream().allMatch(r -> "batch-2".equals(r.get("batch_id")) && r.size() == 2));
    assertEquals(fx.client().getFile(in).bytes(), metrics.get(ReadMetrics.BYTES_DOWNLOADED));

    // Without content/response the other columns still decode; an empty error file is fine.
    rows = read(part, new int[] {0, 2, 8}, metrics);
    Map<String, Map<String, Object>> got = byId(rows);
    assertEquals(3, got.size());
    assertEquals("succeeded", got.get("a").get("status"));
    assertEquals(2, got.get("a").get("total_tokens"));
    assertEquals("missing", got.get("b").get("status"));
    assertEquals(1, metrics.get(ReadMetrics.UNKNOWN_RESULTS));
  }

  @Test
  void failedBatchRequestsBecomeFailedRows() throws IOException {
    String in = upload("in.jsonl", input("a"), input("b"));
    TogetherInputPartition part =
        new TogetherInputPartition(
            "batch-3",
            in,
            null,
            null,
            "FAILED",
            "Input validation failed",
            TogetherInputPartition.Mode.FAILED_BATCH,
            config);
    Map<String, Long> metrics = new HashMap<>();
    List<Map<String, Object>> rows = read(part, ALL, metrics);
    assertEquals(2, rows.size());
    for (Map<String, Object> r : rows) {
      assertEquals("failed", r.get("status"));
      assertEquals("batch_failed", r.get("error_code"));
      assertTrue(((String) r.get("error_message")).contains("Input validation failed"));
      assertTrue(((String) r.get("error_message")).contains("batch-3"));
    }
    assertEquals(2, metrics.get(ReadMetrics.ROWS_FAILED));
  }

  @Test
  void aDeletedInputFileFallsBackToTheResults() throws IOException {
    String in = upload("in.jsonl", input("a"), input("b"), input("c"));
    String outFile = upload("out.jsonl", ok("a", "A", 1, 1), ok("b", "B", 1, 1));
    assertTrue(fx.client().deleteFile(in));
    TogetherInputPartition part =
        new TogetherInputPartition(
            "batch-5",
            in,
            outFile,
            null,
            "COMPLETED",
            null,
            TogetherInputPartition.Mode.RESULTS,
            config);
    Map<String, Long> metrics = new HashMap<>();
    assertEquals(
        List.of("a", "b"), read(part, ALL, metrics).stream().map(r -> r.get("custom_id")).toList());
    assertEquals(
        List.of("a", "b"),
        read(part, new int[] {0}, metrics).stream().map(r -> r.get("custom_id")).toList());
    // A malformed input file is a clear error naming the batch and the file.
    String bad = upload("bad.jsonl", input("a"), "[1,2]");
    TogetherInputPartition badPart =
        new TogetherInputPartition(
            "batch-6",
            bad,
            outFile,
            null,
            "COMPLETED",
            null,
            TogetherInputPartition.Mode.RESULTS,
            config);
    TogetherBatchException e =
        assertThrows(TogetherBatchException.class, () -> read(badPart, ALL, metrics));
    assertTrue(e.getMessage().contains("batch-6") && e.getMessage().contains(bad), e.getMessage());
  }

  @Test
  void resultsWithoutAKnownInputFileAreReturnedOnce() throws IOException {
    String outFile =
        upload("out.jsonl", ok("a", "A", 1, 1), ok("a", "A2", 1, 1), ok("b", "B", 1, 1));
    TogetherInputPartition part =
        new TogetherInputPartition(
            "batch-4",
            null,
            outFile,
            null,
            "COMPLETED",
            null,
            TogetherInputPartition.Mode.RESULTS,
            config);
    Map<String, Long> metrics = new HashMap<>();
    Map<String, Map<String, Object>> got = byId(read(part, ALL, metrics));
    assertEquals(2, got.size());
    assertEquals("A", got.get("a").get("content"));
    assertEquals(1, metrics.get(ReadMetrics.DUPLICATE_RESULTS));
  }
}
