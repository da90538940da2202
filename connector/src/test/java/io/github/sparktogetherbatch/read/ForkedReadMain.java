package io.github.sparktogetherbatch.read;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Run in a separate JVM by {@link SeparateJvmReadTest}: a new SparkSession that knows only the job
 * path (the API key from the environment, the base URL from the session conf) reads the job and
 * writes its rows, one per line, sorted, to a file.
 */
public final class ForkedReadMain {
  private ForkedReadMain() {}

  public static void main(String[] args) throws Exception {
    String path = args[0];
    String baseUrl = args[1];
    String out = args[2];
    SparkSession spark =
        SparkSession.builder()
            .master("local[1]")
            .appName("forked-read")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.datasource.together-batch.baseUrl", baseUrl)
            .getOrCreate();
    try {
      List<Row> rows = spark.read().format("together-batch").load(path).collectAsList();
      Files.write(Paths.get(out), lines(rows), StandardCharsets.UTF_8);
    } finally {
      spark.stop();
    }
  }

  /** Rows as sorted tab-separated lines of every column. */
  static List<String> lines(List<Row> rows) {
    List<String> out = new ArrayList<>();
    for (Row r : rows) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < r.size(); i++) {
        Object v = r.get(i);
        sb.append(i == 0 ? "" : "\t")
            .append(
                v == null
                    ? "\\N"
                    : v.toString().replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n"));
      }
      out.add(sb.toString());
    }
    Collections.sort(out);
    return out;
  }
}
