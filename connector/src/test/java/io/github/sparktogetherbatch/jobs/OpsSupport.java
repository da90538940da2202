package io.github.sparktogetherbatch.jobs;

import static org.junit.jupiter.api.Assertions.fail;

import io.github.sparktogetherbatch.manifest.HadoopConfs;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Helpers of the tests that operate a job: inputs, a writer and reader, the connection options. */
final class OpsSupport {
  static final String MODEL = "emulator/echo";

  private OpsSupport() {}

  /** {@code n} rows {@code custom_id = r-<i>}, {@code prompt = question <i>} (plus a marker). */
  static Dataset<Row> input(SparkSession spark, long n, int partitions) {
    return spark
        .range(0, n, 1, partitions)
        .selectExpr("concat('r-', id) AS custom_id", "concat('question ', id) AS prompt");
  }

  /** The key and base URL of the emulator, as options. */
  static Map<String, String> connection(EmulatorExtension emu) {
    Map<String, String> m = new HashMap<>();
    m.put("apiKey", EmulatorExtension.TEST_API_KEY);
    m.put("baseUrl", emu.baseUrl());
    return m;
  }

  static DataFrameWriter<Row> writer(Dataset<Row> df, EmulatorExtension emu) {
    return df.write()
        .format("together-batch")
        .options(connection(emu))
        .option("model", MODEL)
        .option("idColumn", "custom_id");
  }

  static DataFrameReader reader(SparkSession spark, EmulatorExtension emu) {
    return spark
        .read()
        .format("together-batch")
        .options(connection(emu))
        .option("pollInterval", "50ms");
  }

  static JobManifest manifest(SparkSession spark, String path) {
    return JobManifest.read(path, HadoopConfs.forSession(spark))
        .orElseThrow(() -> new AssertionError("no manifest at " + path));
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
}
