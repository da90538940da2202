package io.github.sparktogetherbatch.examples;

import io.github.sparktogetherbatch.emulator.TogetherEmulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What the examples share: a local SparkSession, the connection options (the real API when {@code
 * TOGETHER_API_KEY} is set, else an embedded emulator) and a table of questions.
 */
final class ExampleSupport {
  /** A real Together serverless chat model; the emulator knows it too. */
  static final String DEFAULT_MODEL = "meta-llama/Llama-3.3-70B-Instruct-Turbo";

  private ExampleSupport() {}

  static SparkSession spark(String app) {
    return SparkSession.builder()
        .appName(app)
        .master(System.getProperty("spark.master", "local[2]"))
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
  }

  /**
   * Connection options; starts an in-process emulator (returned in {@code holder[0]}) when there is
   * no key.
   */
  static Map<String, String> connection(TogetherEmulator[] holder) {
    Map<String, String> o = new TreeMap<>();
    String key = System.getenv("TOGETHER_API_KEY");
    if (key != null && !key.isBlank()) {
      System.out.println(
          "TOGETHER_API_KEY is set: using Together's API (batch jobs can take up to 24 h).");
      String base = System.getenv("TOGETHER_BASE_URL");
      if (base != null && !base.isBlank()) {
        o.put("baseUrl", base);
      }
      o.put("pollInterval", "30s");
    } else {
      TogetherEmulator emulator = TogetherEmulator.start();
      holder[0] = emulator;
      System.out.println(
          "TOGETHER_API_KEY is not set: started the embedded Together emulator at "
              + emulator.baseUrl()
              + " (set the key to use the real API).");
      o.put("baseUrl", emulator.baseUrl());
      o.put("apiKey", "emulator-key");
      o.put("pollInterval", "200ms");
    }
    return o;
  }

  /**
   * Connection options for the two-step ETL examples, which run in separate JVMs and so cannot
   * share an embedded emulator: the real API with {@code TOGETHER_API_KEY}, else the emulator at
   * {@code TOGETHER_BASE_URL}.
   */
  static Map<String, String> standaloneConnection() {
    Map<String, String> o = new TreeMap<>();
    String key = System.getenv("TOGETHER_API_KEY");
    String base = System.getenv("TOGETHER_BASE_URL");
    if ((key == null || key.isBlank()) && (base == null || base.isBlank())) {
      throw new IllegalStateException(
          "Set TOGETHER_API_KEY for Together's API, or TOGETHER_BASE_URL "
              + "to a running emulator (java -jar emulator/target/together-emulator.jar --port 8090, then "
              + "TOGETHER_BASE_URL=http://127.0.0.1:8090/v1).");
    }
    if (base != null && !base.isBlank()) {
      o.put("baseUrl", base);
    }
    if (key == null || key.isBlank()) {
      o.put(
          "apiKey",
          "emulator-key"); // the emulator takes any key; a real key stays in the environment
    }
    o.put("pollInterval", key == null || key.isBlank() ? "500ms" : "60s");
    return o;
  }

  static String model() {
    String m = System.getenv("TOGETHER_MODEL");
    return m == null || m.isBlank() ? DEFAULT_MODEL : m;
  }

  /** {@code n} questions a support or analytics team might ask, with ids. */
  static Dataset<Row> questions(SparkSession spark, int n) {
    String[] subjects = {
      "a Parquet file",
      "Apache Spark's shuffle",
      "a hash join",
      "a B-tree index",
      "TCP slow start",
      "the CAP theorem",
      "a bloom filter",
      "vector clocks",
      "columnar storage",
      "data skew",
      "a write-ahead log",
      "exactly-once delivery",
      "backpressure",
      "a star schema",
      "slowly changing dimensions",
      "a Kafka consumer group",
      "idempotent writes",
      "speculative execution",
      "predicate pushdown",
      "a Z-order curve",
      "HyperLogLog",
      "a merge join",
      "checkpointing",
      "a dead letter queue",
      "change data capture"
    };
    String[] forms = {
      "Explain %s to a new data engineer in two sentences.",
      "What is the most common mistake people make with %s?",
      "Give one real-world example where %s matters.",
      "How would you test %s in a nightly ETL job?",
      "Summarize the trade-offs of %s in one short paragraph.",
      "Write a one-line definition of %s.",
      "When should a team avoid %s?",
      "What metric would you watch to know %s is healthy?"
    };
    List<String> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String subject = subjects[i % subjects.length];
      String form = forms[(i / subjects.length) % forms.length];
      rows.add(String.format(form, subject));
    }
    Dataset<String> text = spark.createDataset(rows, Encoders.STRING());
    return text.selectExpr(
            "concat('q-', lpad(cast(monotonically_increasing_id() as string), 5, '0')) as question_id",
            "value as question")
        .repartition(2);
  }
}
