package io.github.sparktogetherbatch.it;

import java.lang.reflect.Method;
import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One write -> read round trip through {@code format("together-batch")}, checked row by row against
 * what the emulator's deterministic model must answer. It touches the connector only by its format
 * name (no compile-time reference), so it runs wherever Spark can find the connector: a test
 * classpath, {@code spark-submit --jars}, {@code spark.jars}.
 *
 * <p>As a main (for spark-submit): {@code RoundTripJob <baseUrl> <jobPath> <rows>}; prints {@code
 * ROUND TRIP OK ...} and exits 0, or prints the failure and exits 1.
 */
public final class RoundTripJob {
  /** A model name every emulator knows. */
  static final String MODEL = "emulator/echo";

  static final String SYSTEM_PROMPT = "Answer in one short sentence.";
  static final int MAX_TOKENS = 12;

  /** Every this-many-th row asks the emulator to fail it. */
  static final int FAIL_EVERY = 10;

  static final String CONNECTOR_CLASS = "io.github.sparktogetherbatch.TogetherBatchDataSource";

  private static final String[] TOPICS = {
    "a Parquet file", "the shuffle", "a hash join", "a bloom filter", "data skew",
    "a write-ahead log", "backpressure", "predicate pushdown", "HyperLogLog", "checkpointing"
  };

  private RoundTripJob() {}

  /** What a round trip produced. */
  record Summary(long rows, long succeeded, long failed, long batches, String connectorLocation) {
    @Override
    public String toString() {
      return rows
          + " rows, "
          + succeeded
          + " succeeded, "
          + failed
          + " failed, "
          + batches
          + " batches; connector loaded from "
          + connectorLocation;
    }
  }

  public static void main(String[] args) {
    if (args.length != 3) {
      System.err.println("usage: RoundTripJob <baseUrl> <jobPath> <rows>");
      System.exit(2);
    }
    SparkSession spark = SparkSession.builder().appName("together-batch round trip").getOrCreate();
    int code = 0;
    try {
      Summary s = run(spark, args[0], args[1], Integer.parseInt(args[2]), 4, 1000);
      System.out.println("ROUND TRIP OK " + s);
    } catch (Throwable t) {
      System.out.println("ROUND TRIP FAILED " + t);
      t.printStackTrace(System.out);
      code = 1;
    } finally {
      spark.stop();
    }
    System.exit(code);
  }

  /** The question of row {@code i}; every {@value #FAIL_EVERY}th asks for a failure. */
  static String question(int i) {
    String q =
        "Question "
            + i
            + ": what is "
            + TOPICS[i % TOPICS.length]
            + (i % 3 == 0
                ? " and why would a data engineer working on nightly batch jobs care about it?"
                : "?");
    return i % FAIL_EVERY == 7 ? q + " !!fail!!" : q;
  }

  static String id(int i) {
    return String.format("row-%06d", i);
  }

  /**
   * Writes {@code rows} questions in {@code partitions} partitions to {@code jobPath}, reads the
   * job back and checks every row; throws {@link IllegalStateException} naming the first mismatch.
   */
  static Summary run(
      SparkSession spark,
      String baseUrl,
      String jobPath,
      int rows,
      int partitions,
      int maxRequestsPerBatch) {
    questions(spark, rows, partitions)
        .write()
        .format("together-batch")
        .option("baseUrl", baseUrl)
        .option("apiKey", "round-trip-key")
        .option("model", MODEL)
        .option("promptColumn", "question")
        .option("idColumn", "id")
        .option("systemPrompt", SYSTEM_PROMPT)
        .option("body.max_tokens", String.valueOf(MAX_TOKENS))
        .option("maxRequestsPerBatch", String.valueOf(maxRequestsPerBatch))
        .save(jobPath);
    return readAndCheck(spark, baseUrl, jobPath, rows, maxRequestsPerBatch);
  }

  /**
   * The streaming sink's round trip: the questions land as JSON files in {@code inputDir}, one
   * {@code Trigger.AvailableNow()} run of {@code writeStream().format("together-batch")} submits
   * them to {@code jobPath} (checkpoint {@code checkpointDir}), a second run finds nothing new,
   * then a batch read of the job is checked row by row as in {@link #run}.
   */
  static Summary runStreaming(
      SparkSession spark,
      String baseUrl,
      String inputDir,
      String checkpointDir,
      String jobPath,
      int rows,
      int partitions,
      int maxRequestsPerBatch)
      throws Exception {
    questions(spark, rows, partitions).write().json(inputDir);
    StructType schema =
        new StructType().add("id", DataTypes.StringType).add("question", DataTypes.StringType);
    for (int run = 0; run < 2; run++) {
      DataStreamWriter<Row> writer =
          spark
              .readStream()
              .schema(schema)
              .json(inputDir)
              .writeStream()
              .format("together-batch")
              .trigger(Trigger.AvailableNow());
      Map<String, String> options = new LinkedHashMap<>();
      options.put("baseUrl", baseUrl);
      options.put("apiKey", "round-trip-key");
      options.put("model", MODEL);
      options.put("promptColumn", "question");
      options.put("idColumn", "id");
      options.put("systemPrompt", SYSTEM_PROMPT);
      options.put("body.max_tokens", String.valueOf(MAX_TOKENS));
      options.put("maxRequestsPerBatch", String.valueOf(maxRequestsPerBatch));
      options.put("checkpointLocation", checkpointDir);
      StreamingQuery q = withOptions(writer, options).start(jobPath);
      q.awaitTermination();
    }
    return readAndCheck(spark, baseUrl, jobPath, rows, maxRequestsPerBatch);
  }

  private static Dataset<Row> questions(SparkSession spark, int rows, int partitions) {
    List<Row> input = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      input.add(RowFactory.create(id(i), question(i)));
    }
    StructType schema =
        new StructType()
            .add("id", DataTypes.StringType, false)
            .add("question", DataTypes.StringType, false);
    return spark.createDataFrame(input, schema).repartition(partitions);
  }

  /** Reads the job at {@code jobPath} and checks each of the {@code rows} questions' rows. */
  private static Summary readAndCheck(
      SparkSession spark, String baseUrl, String jobPath, int rows, int maxRequestsPerBatch) {
    List<Row> results =
        spark
            .read()
            .format("together-batch")
            .option("baseUrl", baseUrl)
            .option("apiKey", "round-trip-key")
            .option("pollInterval", "200ms")
            .option("waitTimeout", "5m")
            .load(jobPath)
            .collectAsList();

    Map<String, Row> byId = new HashMap<>();
    Set<String> batches = new HashSet<>();
    long succeeded = 0;
    long failed = 0;
    for (Row r : results) {
      String customId = r.getAs("custom_id");
      check(byId.put(customId, r) == null, "custom_id " + customId + " came back twice");
      batches.add(r.getAs("batch_id"));
    }
    check(results.size() == rows, "expected " + rows + " result rows, got " + results.size());
    for (int i = 0; i < rows; i++) {
      Row r = byId.get(id(i));
      check(r != null, "no result row for " + id(i));
      String status = r.getAs("status");
      if (i % FAIL_EVERY == 7) {
        check("failed".equals(status), id(i) + ": expected failed, got " + status);
        check(
            "emulated_failure".equals(r.getAs("error_code")),
            id(i) + ": error_code " + r.getAs("error_code"));
        check(r.getAs("content") == null, id(i) + ": a failed row has content");
        failed++;
      } else {
        check(
            "succeeded".equals(status),
            id(i)
                + ": expected succeeded, got "
                + status
                + " ("
                + r.getAs("error_code")
                + ": "
                + r.getAs("error_message")
                + ")");
        String[] answer = ("Echo: " + question(i)).split("\\s+");
        boolean cut = answer.length > MAX_TOKENS;
        String expected =
            String.join(" ", cut ? java.util.Arrays.copyOf(answer, MAX_TOKENS) : answer);
        int promptTokens = words(SYSTEM_PROMPT) + words(question(i));
        int completionTokens = Math.min(answer.length, MAX_TOKENS);
        check(
            expected.equals(r.getAs("content")),
            id(i) + ": content '" + r.getAs("content") + "', expected '" + expected + "'");
        check(
            (cut ? "length" : "stop").equals(r.getAs("finish_reason")),
            id(i) + ": finish_reason " + r.getAs("finish_reason"));
        check(MODEL.equals(r.getAs("model")), id(i) + ": model " + r.getAs("model"));
        check(
            Integer.valueOf(promptTokens).equals(r.getAs("prompt_tokens")),
            id(i) + ": prompt_tokens " + r.getAs("prompt_tokens") + ", expected " + promptTokens);
        check(
            Integer.valueOf(completionTokens).equals(r.getAs("completion_tokens")),
            id(i)
                + ": completion_tokens "
                + r.getAs("completion_tokens")
                + ", expected "
                + completionTokens);
        check(
            Integer.valueOf(promptTokens + completionTokens).equals(r.getAs("total_tokens")),
            id(i) + ": total_tokens " + r.getAs("total_tokens"));
        succeeded++;
      }
    }
    check(
        batches.size() >= (rows + maxRequestsPerBatch - 1) / maxRequestsPerBatch,
        "expected at least "
            + ((rows + maxRequestsPerBatch - 1) / maxRequestsPerBatch)
            + " batches, got "
            + batches.size());
    return new Summary(results.size(), succeeded, failed, batches.size(), connectorLocation());
  }

  /** The columns the streaming round trip compares. */
  private static final String[] STREAM_COLUMNS = {
    "custom_id", "batch_id", "status", "content", "total_tokens", "attempt"
  };

  /**
   * Streams the finished job at {@code jobPath} ({@code readStream}, {@code Trigger.AvailableNow},
   * at most two batches per trigger) into Parquet at {@code out} and checks that the Parquet rows
   * are the batch read's rows, each custom_id once.
   *
   * @return the rows streamed
   */
  static long streamToParquet(
      SparkSession spark, String baseUrl, String jobPath, String out, String checkpoint)
      throws Exception {
    DataStreamWriter<Row> writer =
        spark
            .readStream()
            .format("together-batch")
            .option("baseUrl", baseUrl)
            .option("apiKey", "round-trip-key")
            .option("pollInterval", "200ms")
            .option("maxBatchesPerTrigger", "2")
            .load(jobPath)
            .selectExpr(STREAM_COLUMNS)
            .writeStream()
            .format("parquet")
            .trigger(Trigger.AvailableNow());
    StreamingQuery query = withOptions(writer, Map.of("checkpointLocation", checkpoint)).start(out);
    query.awaitTermination();
    Map<String, String> streamed = byCustomId(spark.read().parquet(out).selectExpr(STREAM_COLUMNS));
    Map<String, String> read =
        byCustomId(
            spark
                .read()
                .format("together-batch")
                .option("baseUrl", baseUrl)
                .option("apiKey", "round-trip-key")
                .load(jobPath)
                .selectExpr(STREAM_COLUMNS));
    check(!read.isEmpty(), "the batch read of " + jobPath + " has no rows");
    for (Map.Entry<String, String> e : read.entrySet()) {
      check(
          e.getValue().equals(streamed.get(e.getKey())),
          e.getKey() + ": streamed " + streamed.get(e.getKey()) + ", read " + e.getValue());
    }
    check(
        streamed.size() == read.size(),
        "streamed " + streamed.size() + " custom_ids, the batch read has " + read.size());
    return streamed.size();
  }

  /** custom_id → the row's values, failing on a custom_id seen twice. */
  private static Map<String, String> byCustomId(Dataset<Row> rows) {
    Map<String, String> out = new HashMap<>();
    for (Row r : rows.collectAsList()) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < r.size(); i++) {
        sb.append(i == 0 ? "" : " | ").append(r.get(i));
      }
      check(out.put(r.getString(0), sb.toString()) == null, r.getString(0) + " twice");
    }
    return out;
  }

  /** Where the class loader Spark uses for data sources found the connector. */
  static String connectorLocation() {
    try {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      Class<?> c =
          Class.forName(
              CONNECTOR_CLASS,
              false,
              loader != null ? loader : RoundTripJob.class.getClassLoader());
      CodeSource cs = c.getProtectionDomain().getCodeSource();
      URL url = cs == null ? null : cs.getLocation();
      return String.valueOf(url);
    } catch (ClassNotFoundException e) {
      return "(not loadable: " + e + ")";
    }
  }

  static int words(String s) {
    String t = s.trim();
    return t.isEmpty() ? 0 : t.split("\\s+").length;
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }

  /**
   * {@code writer.option(key, value)} for each option, called by name: these classes are compiled
   * against Spark 3.5, where DataStreamWriter declares the method, and run on Spark 4 too, where
   * (on 4.1) only an interface it implements declares it, with another return type.
   */
  static DataStreamWriter<Row> withOptions(
      DataStreamWriter<Row> writer, Map<String, String> options)
      throws ReflectiveOperationException {
    Method option = writer.getClass().getMethod("option", String.class, String.class);
    for (Map.Entry<String, String> e : options.entrySet()) {
      option.invoke(writer, e.getKey(), e.getValue());
    }
    return writer;
  }
}
