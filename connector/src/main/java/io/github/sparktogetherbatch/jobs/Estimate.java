package io.github.sparktogetherbatch.jobs;

import io.github.sparktogetherbatch.config.TogetherBatchOptions;
import io.github.sparktogetherbatch.exceptions.TogetherBatchException;
import io.github.sparktogetherbatch.pricing.CostEstimate;
import io.github.sparktogetherbatch.pricing.Estimates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@code TogetherBatchJobs.estimate}: a dry run of the write ({@code dryRun=true}: every row
 * encoded and checked, nothing uploaded) whose cost estimate comes back as a one-row DataFrame.
 */
final class Estimate {
  static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("model", DataTypes.StringType, true),
            DataTypes.createStructField("requests", DataTypes.LongType, false),
            DataTypes.createStructField("bytes", DataTypes.LongType, false),
            DataTypes.createStructField("estimated_input_tokens", DataTypes.LongType, false),
            DataTypes.createStructField("output_token_ceiling", DataTypes.LongType, true),
            DataTypes.createStructField("min_cost_usd", DataTypes.DoubleType, true),
            DataTypes.createStructField("max_cost_usd", DataTypes.DoubleType, true)
          });

  private Estimate() {}

  static Dataset<Row> run(Dataset<Row> df, Map<String, String> options) {
    Map<String, String> o = new HashMap<>(options == null ? Map.of() : options);
    String key = UUID.randomUUID().toString();
    o.put(TogetherBatchOptions.DRY_RUN.name(), "true");
    o.put(Estimates.KEY_OPTION, key);
    Path tmp = null;
    try {
      boolean hasPath =
          o.keySet().stream().anyMatch(k -> k.toLowerCase(Locale.ROOT).equals("path"));
      if (!hasPath) {
        tmp = Files.createTempDirectory("stb-estimate-");
        o.put(TogetherBatchOptions.PATH.name(), tmp.resolve("job").toString());
      }
      df.write().format(TogetherBatchOptions.SHORT_NAME).options(o).save();
      CostEstimate e = Estimates.take(key);
      if (e == null) {
        throw new TogetherBatchException("The dry run gave no estimate.");
      }
      Row row =
          RowFactory.create(
              e.model(),
              e.requests(),
              e.bytes(),
              e.estimatedInputTokens(),
              e.outputTokenCeiling(),
              e.minCostUsd(),
              e.maxCostUsd());
      return df.sparkSession().createDataFrame(List.of(row), SCHEMA);
    } catch (IOException e) {
      throw new TogetherBatchException("Cannot make a temporary directory: " + e.getMessage(), e);
    } finally {
      Estimates.take(key);
      if (tmp != null) {
        try (Stream<Path> s = Files.walk(tmp)) {
          s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
          // a temporary directory
        }
      }
    }
  }
}
