package io.github.sparktogetherbatch.benchmarks;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The benchmark workloads (the connector's write, dry-run write and read) and their Spark baselines
 * (the same work with Spark's own JSON I/O), as whole Spark jobs. Every method is one action;
 * callers time it.
 */
final class Workloads {
  /** A model the emulator knows (a real Together serverless model name). */
  static final String MODEL = "meta-llama/Llama-3.3-70B-Instruct-Turbo";

  static final String API_KEY = "benchmark-key";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The result projection of R1, for the connector and the baseline alike. */
  static final String[] R1_COLUMNS = {"custom_id", "status", "content", "total_tokens"};

  /**
   * Schema of a result line for Spark's JSON reader: just what R1 needs (custom_id, the error, the
   * status code, choices[0].message.content and usage.total_tokens).
   */
  static final StructType RESULT_SCHEMA =
      StructType.fromDDL(
          "custom_id STRING, "
              + "response STRUCT<status_code: INT, body: STRUCT<choices: ARRAY<STRUCT<message: "
              + "STRUCT<content: STRING>>>, usage: STRUCT<total_tokens: INT>>>, "
              + "error STRUCT<message: STRING, code: STRING>");

  private Workloads() {}

  /**
   * {@code rows} rows of ({@code id} long, {@code prompt} string of about 200 characters), in
   * {@code partitions} partitions, computed (not cached).
   */
  static Dataset<Row> input(SparkSession spark, long rows, int partitions) {
    String subjects =
        "array('a Parquet file', 'Apache Spark''s shuffle', 'a hash join', "
            + "'a B-tree index', 'TCP slow start', 'the CAP theorem', 'a bloom filter', 'vector clocks', "
            + "'columnar storage', 'data skew', 'a write-ahead log', 'exactly-once delivery', "
            + "'backpressure', 'a star schema', 'slowly changing dimensions', 'a Kafka consumer group', "
            + "'idempotent writes', 'speculative execution', 'predicate pushdown', 'a Z-order curve', "
            + "'HyperLogLog', 'a merge join', 'checkpointing', 'a dead letter queue', "
            + "'change data capture')";
    String forms =
        "array('Explain %s to a new data engineer in two sentences', "
            + "'What is the most common mistake people make with %s', "
            + "'Give one real-world example where %s matters', "
            + "'How would you test %s in a nightly ETL job', "
            + "'Summarize the trade-offs of %s in one short paragraph', "
            + "'Write a one-line definition of %s', 'When should a team avoid %s', "
            + "'What metric would you watch to know %s is healthy')";
    return spark
        .range(0, rows, 1, partitions)
        .selectExpr(
            "id",
            "concat('Ticket ', cast(id as string), ': ', format_string(element_at("
                + forms
                + ", cast((id div 25) % 8 as int) + 1), element_at("
                + subjects
                + ", cast(id % 25 as int) + 1)), '? Answer for the \"on-call\" engineer of team ', "
                + "cast(id % 97 as string), ', in plain words, without jargon, and say what to check "
                + "first when it goes wrong at night.') as prompt");
  }

  // ---------------------------------------------------------------------------------------------
  // W1, W2: writes

  /** The connector's write to a job path (dryRun: encode and stage only). */
  static void connectorWrite(Dataset<Row> df, String baseUrl, String jobPath, boolean dryRun) {
    org.apache.spark.sql.DataFrameWriter<Row> w =
        df.write()
            .format("together-batch")
            .option("baseUrl", baseUrl)
            .option("apiKey", API_KEY)
            .option("model", MODEL)
            .option("promptColumn", "prompt")
            .option("dryRun", dryRun);
    if (!Boolean.getBoolean("bench.derivedIds")) {
      w = w.option("idColumn", "id");
    }
    // experiments: -Dbench.writeOptions=uploadsPerTask=1,createsAtOnce=1
    for (String kv : System.getProperty("bench.writeOptions", "").split(",")) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        w = w.option(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
      }
    }
    w.save(jobPath);
  }

  /** The identical request lines, with Spark's own JSON writer, as text files. */
  static Dataset<Row> baselineLines(Dataset<Row> df) {
    return df.select(
        to_json(
                struct(
                    col("id").cast("string").as("custom_id"),
                    struct(
                            lit(MODEL).as("model"),
                            array(struct(lit("user").as("role"), col("prompt").as("content")))
                                .as("messages"))
                        .as("body")))
            .as("value"));
  }

  static void baselineWrite(Dataset<Row> df, String dir) {
    baselineLines(df).write().text(dir);
  }

  // ---------------------------------------------------------------------------------------------
  // R1: reads

  /** The connector's read of a job, projected and aggregated; returns the aggregate rows. */
  static List<Row> connectorRead(SparkSession spark, String baseUrl, String jobPath) {
    Dataset<Row> r =
        spark
            .read()
            .format("together-batch")
            .option("baseUrl", baseUrl)
            .option("apiKey", API_KEY)
            .option("pollInterval", "200ms")
            .load(jobPath)
            .select(col("custom_id"), col("status"), col("content"), col("total_tokens"));
    return aggregate(r);
  }

  /** Spark's JSON reader over local copies of the same result files, same projection. */
  static List<Row> baselineRead(SparkSession spark, String dir) {
    Dataset<Row> raw = spark.read().schema(RESULT_SCHEMA).json(dir);
    Dataset<Row> r =
        raw.select(
            col("custom_id"),
            when(
                    col("error").isNull().and(col("response.status_code").equalTo(200)),
                    lit("succeeded"))
                .otherwise(lit("failed"))
                .as("status"),
            col("response.body.choices")
                .getItem(0)
                .getField("message")
                .getField("content")
                .as("content"),
            col("response.body.usage.total_tokens").as("total_tokens"));
    return aggregate(r);
  }

  /** Per status: rows, distinct-free checks that touch every column. */
  private static List<Row> aggregate(Dataset<Row> r) {
    return r.groupBy("status")
        .agg(
            count("custom_id").as("rows"),
            sum("total_tokens").as("tokens"),
            sum(length(col("content"))).as("content_chars"))
        .orderBy("status")
        .collectAsList();
  }

  // ---------------------------------------------------------------------------------------------
  // The emulator, over HTTP (works from a child JVM too)

  /** The emulator's root (without /v1). */
  static String root(String baseUrl) {
    return baseUrl.endsWith("/v1") ? baseUrl.substring(0, baseUrl.length() - 3) : baseUrl;
  }

  static JsonNode state(String baseUrl) {
    try {
      HttpResponse<byte[]> r =
          http()
              .send(
                  HttpRequest.newBuilder(URI.create(root(baseUrl) + "/_emulator/state"))
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray());
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** What {@link #awaitBatchesDone} saw. */
  record Processing(long requests, double seconds) {}

  /**
   * Waits until every batch the emulator knows is terminal; returns the requests they hold and the
   * seconds from the first time a batch was seen past VALIDATING (processing) until then.
   */
  static Processing awaitBatchesDone(String baseUrl) {
    long deadline = System.nanoTime() + 30L * 60 * 1_000_000_000L;
    long processingSince = -1;
    while (true) {
      JsonNode s = state(baseUrl);
      boolean done = true;
      long requests = 0;
      for (JsonNode b : s.path("batches")) {
        String st = b.path("status").asText();
        if (processingSince < 0 && !st.equals("VALIDATING")) {
          processingSince = System.nanoTime();
        }
        if (!st.equals("COMPLETED")
            && !st.equals("FAILED")
            && !st.equals("EXPIRED")
            && !st.equals("CANCELLED")) {
          done = false;
          continue;
        }
        if (!st.equals("COMPLETED")) {
          throw new IllegalStateException(
              "batch " + b.path("id").asText() + " ended " + st + ": " + b.path("error").asText());
        }
        requests += b.path("requests").asLong();
      }
      if (done) {
        long now = System.nanoTime();
        return new Processing(
            requests, (now - (processingSince < 0 ? now : processingSince)) / 1e9);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the emulator did not finish its batches in 30 minutes");
      }
      sleep(50);
    }
  }

  /** The batch ids and input file ids recorded in a job's newest manifest. */
  static List<String[]> manifestBatches(Path jobDir) throws IOException {
    Path newest;
    try (Stream<Path> s = Files.list(jobDir)) {
      newest =
          s.filter(p -> p.getFileName().toString().matches("manifest-\\d+\\.json"))
              .max(Comparator.comparing(p -> p.getFileName().toString()))
              .orElseThrow(() -> new IOException("no manifest in " + jobDir));
    }
    List<String[]> out = new ArrayList<>();
    for (JsonNode b : JSON.readTree(newest.toFile()).path("batches")) {
      out.add(new String[] {b.path("batchId").asText(), b.path("inputFileId").asText()});
    }
    return out;
  }

  /** Copies a file's content from the emulator to a local file. */
  static long download(String baseUrl, String fileId, Path to) throws IOException {
    try {
      HttpResponse<InputStream> r =
          http()
              .send(
                  HttpRequest.newBuilder(URI.create(baseUrl + "/files/" + fileId + "/content"))
                      .header("Authorization", "Bearer " + API_KEY)
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.ofInputStream());
      if (r.statusCode() != 200) {
        throw new IOException("GET content of " + fileId + ": HTTP " + r.statusCode());
      }
      try (InputStream in = r.body();
          OutputStream out = Files.newOutputStream(to)) {
        return in.transferTo(out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /**
   * Copies the output and error files of every batch of a job to {@code dir} (for the R1 baseline);
   * returns the bytes copied.
   */
  static long copyResults(String baseUrl, Path jobDir, Path dir) throws IOException {
    Files.createDirectories(dir);
    Map<String, JsonNode> byId = new java.util.HashMap<>();
    for (JsonNode b : state(baseUrl).path("batches")) {
      byId.put(b.path("id").asText(), b);
    }
    long bytes = 0;
    int i = 0;
    for (String[] b : manifestBatches(jobDir)) {
      JsonNode st = byId.get(b[0]);
      bytes +=
          download(
              baseUrl,
              st.path("output_file_id").asText(),
              dir.resolve(String.format("output-%03d.jsonl", i)));
      bytes +=
          download(
              baseUrl,
              st.path("error_file_id").asText(),
              dir.resolve(String.format("error-%03d.jsonl", i)));
      i++;
    }
    return bytes;
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void copy(Path from, Path to) throws IOException {
    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static HttpClient http;

  private static synchronized HttpClient http() {
    if (http == null) {
      http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }
    return http;
  }

  /** Peak resident set size of this JVM so far (VmHWM), in KiB; -1 where /proc is missing. */
  static long peakRssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
