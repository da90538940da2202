package io.github.sparktogetherbatch.jobs;

import static io.github.sparktogetherbatch.jobs.OpsSupport.connection;
import static io.github.sparktogetherbatch.jobs.OpsSupport.input;
import static io.github.sparktogetherbatch.jobs.OpsSupport.manifest;
import static io.github.sparktogetherbatch.jobs.OpsSupport.writer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.manifest.BatchEntry;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import io.github.sparktogetherbatch.testing.WriteTestSupport;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@link TogetherBatchJobs#estimate}: a dry run's requests, bytes, tokens and cost range. */
class EstimateTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  private static Map<String, String> options(String... kv) {
    Map<String, String> m = new HashMap<>(connection(EMU));
    m.put("model", OpsSupport.MODEL);
    m.put("idColumn", "custom_id");
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void theEstimateMatchesWhatTheWriteUploadsAtTheListedBatchPrice() {
    Dataset<Row> df = input(spark, 12, 3);
    List<Row> rows =
        TogetherBatchJobs.estimate(df, options("body.max_tokens", "50")).collectAsList();
    assertEquals(1, rows.size());
    assertEquals(0, WriteTestSupport.inputFiles(EMU).size(), "a dry run uploads nothing");
    Row e = rows.get(0);

    String path = tmp.resolve("real").toString();
    writer(df, EMU).option("body.max_tokens", "50").save(path);
    long bytes = 0;
    for (BatchEntry b : manifest(spark, path).batches()) {
      bytes += b.bytes();
    }
    assertEquals(OpsSupport.MODEL, e.getAs("model"));
    assertEquals(12L, (long) e.getAs("requests"));
    assertEquals(bytes, (long) e.getAs("bytes"));
    long tokens = (bytes + 3) / 4;
    assertEquals(tokens, (long) e.getAs("estimated_input_tokens"));
    assertEquals(600L, (long) e.getAs("output_token_ceiling"));
    // emulator/echo: 0.10 / 0.20 USD per million tokens serverless, half at batch.
    assertEquals(tokens * 0.05 / 1e6, (double) e.getAs("min_cost_usd"), 1e-15);
    assertEquals((tokens * 0.05 + 600 * 0.10) / 1e6, (double) e.getAs("max_cost_usd"), 1e-15);
  }

  @Test
  void withoutMaxTokensTheCeilingIsUnknownAndPricingOverridesTheList() {
    Row e =
        TogetherBatchJobs.estimate(input(spark, 4, 1), options("pricing", "emulator/echo=2:4"))
            .first();
    assertEquals(4L, (long) e.getAs("requests"));
    assertTrue(e.isNullAt(e.fieldIndex("output_token_ceiling")));
    assertTrue(e.isNullAt(e.fieldIndex("max_cost_usd")));
    long tokens = e.getAs("estimated_input_tokens");
    assertEquals(tokens * 2.0 / 1e6, (double) e.getAs("min_cost_usd"), 1e-15);

    Row unknown =
        TogetherBatchJobs.estimate(
                input(spark, 4, 1), options("model", "not/a-listed-model", "body.max_tokens", "9"))
            .first();
    assertEquals(36L, (long) unknown.getAs("output_token_ceiling"));
    assertTrue(unknown.isNullAt(unknown.fieldIndex("min_cost_usd")));
  }
}
