package io.github.sparktogetherbatch.benchmarks;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.sum;

import io.github.sparktogetherbatch.emulator.EmulatorOptions;
import io.github.sparktogetherbatch.emulator.TogetherEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The structured-output benchmark: reading the column {@code parsed} of a five-field responseSchema
 * over one job of N rows (default 1,000,000), against the plain read of the same job (no schema)
 * and against Spark's own {@code from_json} over the same content strings (the plain read, then
 * {@code from_json(content, schema)}). The three run alternately, the order rotated every run;
 * median of the runs with min–max. {@code benchmarks/structured.sh [--rows N] [--runs R]}; writes
 * {@code benchmarks/target/structured.md}.
 */
public final class StructuredBench {
  /** Five fields; all NOT NULL so that the emulator's answers have every value. */
  static final String SCHEMA =
      "label STRING NOT NULL, score DOUBLE NOT NULL, n INT NOT NULL, ok BOOLEAN NOT NULL, "
          + "tags ARRAY<STRING> NOT NULL";

  private static final List<String> KINDS = List.of("parsed", "plain", "from_json");

  private StructuredBench() {}

  public static void main(String[] argv) throws Exception {
    long rows = 1_000_000;
    int runs = 3;
    for (int i = 0; i < argv.length; i++) {
      switch (argv[i]) {
        case "--rows":
          rows = Long.parseLong(argv[++i].replace("_", "").replace(",", ""));
          break;
        case "--runs":
          runs = Integer.parseInt(argv[++i]);
          break;
        default:
          throw new IllegalArgumentException(
              "unknown argument " + argv[i] + "; use --rows N --runs R");
      }
    }
    Path work =
        Paths.get(System.getProperty("bench.work", "benchmarks/target/structured-work"))
            .toAbsolutePath();
    Files.createDirectories(work.resolve("tmp"));
    String setup =
        String.format(
            Locale.ROOT,
            "%s; rows %,d; runs %d; %d cores; load average at start %s; Java %s; Spark %s",
            LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME).substring(0, 16),
            rows,
            runs,
            Runtime.getRuntime().availableProcessors(),
            Bench.loadAverage(),
            System.getProperty("java.version"),
            org.apache.spark.package$.MODULE$.SPARK_VERSION());
    Bench.log("Setup: " + setup);
    try (TogetherEmulator emulator =
        TogetherEmulator.start(EmulatorOptions.builder().dataDir(work).md5ETags(false).build())) {
      String baseUrl = emulator.baseUrl();
      SparkSession spark = ScaleChild.spark("together-batch-structured-bench", work);
      try {
        String md = run(spark, baseUrl, work, rows, runs, setup);
        System.out.println();
        System.out.println(md);
        Path out =
            Paths.get(System.getProperty("bench.results", "benchmarks/target/structured.md"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md);
        Bench.log("Results written to " + out);
      } finally {
        spark.stop();
      }
    }
  }

  private static String run(
      SparkSession spark, String baseUrl, Path work, long rows, int runs, String setup)
      throws Exception {
    String job = work.resolve("job").toUri().toString();
    Bench.log(
        String.format(Locale.ROOT, "Writing a job of %,d requests with responseSchema", rows));
    Workloads.input(spark, rows, 2)
        .write()
        .format("together-batch")
        .option("baseUrl", baseUrl)
        .option("apiKey", Workloads.API_KEY)
        .option("model", Workloads.MODEL)
        .option("promptColumn", "prompt")
        .option("idColumn", "id")
        .option("responseSchema", SCHEMA)
        .save(job);
    Workloads.Processing p = Workloads.awaitBatchesDone(baseUrl);
    Bench.log(
        String.format(
            Locale.ROOT,
            "The emulator answered %,d requests in %.1f s",
            p.requests(),
            p.seconds()));
    List<String> ids = new ArrayList<>();
    for (String[] b : Workloads.manifestBatches(work.resolve("job"))) {
      ids.add(b[0]);
    }
    String batchIds = String.join(",", ids);

    // Warm-up (JIT, class loading) and the check that parsed decodes as from_json does.
    List<Row> viaParsed = measure("parsed", spark, baseUrl, job, batchIds);
    List<Row> viaFromJson = measure("from_json", spark, baseUrl, job, batchIds);
    if (!viaParsed.equals(viaFromJson)) {
      throw new IllegalStateException(
          "parsed and from_json disagree: " + viaParsed + " vs " + viaFromJson);
    }
    Bench.log("parsed and from_json agree: " + viaParsed);
    measure("plain", spark, baseUrl, job, batchIds);

    Map<String, List<Double>> seconds = new LinkedHashMap<>();
    for (String k : KINDS) {
      seconds.put(k, new ArrayList<>());
    }
    for (int run = 0; run < runs; run++) {
      List<String> order = new ArrayList<>(KINDS);
      Collections.rotate(order, run);
      for (String k : order) {
        double s = Timer.time(k + "-" + run, () -> measure(k, spark, baseUrl, job, batchIds));
        seconds.get(k).add(s);
      }
    }
    return markdown(setup, rows, runs, seconds);
  }

  /** One read of the job, aggregated; returns the aggregate rows. */
  static List<Row> measure(
      String kind, SparkSession spark, String baseUrl, String job, String batchIds) {
    DataFrameReader r =
        spark
            .read()
            .format("together-batch")
            .option("baseUrl", baseUrl)
            .option("apiKey", Workloads.API_KEY)
            .option("pollInterval", "200ms");
    switch (kind) {
      case "parsed":
        // by path: the recorded schema gives the column parsed
        return aggregate(r.load(job));
      case "from_json":
        {
          Dataset<Row> plain = r.option("batchId", batchIds).load();
          StructType schema = StructType.fromDDL(SCHEMA);
          return aggregate(
              plain
                  .select(col("custom_id"), col("status"), col("content"))
                  .withColumn("parsed", from_json(col("content"), schema)));
        }
      default:
        return r.option("batchId", batchIds)
            .load()
            .select(col("custom_id"), col("status"), col("content"))
            .groupBy("status")
            .agg(count("custom_id").as("rows"), sum(length(col("content"))).as("content_chars"))
            .orderBy("status")
            .collectAsList();
    }
  }

  /** Every one of the five fields is read. */
  private static List<Row> aggregate(Dataset<Row> r) {
    return r.groupBy("status")
        .agg(
            count("custom_id").as("rows"),
            count("parsed.label").as("labels"),
            sum(length(col("parsed.label"))).as("label_chars"),
            expr("round(sum(parsed.score), 2)").as("score"),
            sum("parsed.n").as("n"),
            expr("sum(cast(parsed.ok AS INT))").as("ok"),
            expr("sum(size(parsed.tags))").as("tags"))
        .orderBy("status")
        .collectAsList();
  }

  private static String markdown(
      String setup, long rows, int runs, Map<String, List<Double>> seconds) {
    StringBuilder sb = new StringBuilder();
    sb.append(setup).append("\n\n");
    sb.append(
        String.format(
            Locale.ROOT,
            "Reading one job of %,d requests aggregated over its five-field responseSchema (`%s`); "
                + "median of %d runs, min–max in brackets; the three reads alternate, order rotated "
                + "every run.%n%n",
            rows,
            SCHEMA,
            runs));
    sb.append("| read | seconds | `parsed` time ÷ this read's time |\n|---|---|---|\n");
    List<Double> parsed = seconds.get("parsed");
    for (String k : KINDS) {
      List<Double> s = seconds.get(k);
      List<Double> ratio = new ArrayList<>();
      for (int i = 0; i < s.size(); i++) {
        ratio.add(parsed.get(i) / s.get(i));
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s |%n",
              describe(k),
              stat(s, "%.1f"),
              k.equals("parsed") ? "1" : stat(ratio, "%.2f×")));
    }
    return sb.toString();
  }

  private static String describe(String kind) {
    switch (kind) {
      case "parsed":
        return "column `parsed` (by path, the recorded schema)";
      case "plain":
        return "plain read, no schema (by batchId)";
      default:
        return "plain read + Spark's `from_json(content, schema)`";
    }
  }

  private static String stat(List<Double> v, String fmt) {
    List<Double> s = new ArrayList<>(v);
    Collections.sort(s);
    double median =
        s.size() % 2 == 1
            ? s.get(s.size() / 2)
            : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    return String.format(Locale.ROOT, fmt, median)
        + " ("
        + String.format(Locale.ROOT, fmt, s.get(0))
        + "–"
        + String.format(Locale.ROOT, fmt, s.get(s.size() - 1))
        + ")";
  }
}
