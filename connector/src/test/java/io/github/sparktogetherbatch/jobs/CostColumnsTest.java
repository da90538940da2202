package io.github.sparktogetherbatch.jobs;

import static io.github.sparktogetherbatch.jobs.OpsSupport.input;
import static io.github.sparktogetherbatch.jobs.OpsSupport.reader;
import static io.github.sparktogetherbatch.jobs.OpsSupport.writer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The read's columns {@code attempt} and {@code cost_usd} against known prices. */
class CostColumnsTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  @Test
  void costIsUsageTimesTheListedPriceAtTheBatchDiscountOrTheGivenPricing() {
    String path = tmp.resolve("cost").toString();
    // emulator/echo lists 0.10 (input) and 0.20 (output) USD per million tokens; batch: half.
    writer(
            input(spark, 6, 2)
                .selectExpr(
                    "custom_id",
                    "CASE WHEN custom_id = 'r-3' THEN 'no !!fail!!' ELSE prompt END AS prompt"),
            EMU)
        .save(path);

    List<Row> rows =
        reader(spark, EMU)
            .load(path)
            .select(
                "custom_id", "status", "prompt_tokens", "completion_tokens", "attempt", "cost_usd")
            .collectAsList();
    assertEquals(6, rows.size());
    double total = 0;
    for (Row r : rows) {
      assertEquals(1, r.getInt(4));
      if ("r-3".equals(r.getString(0))) {
        assertEquals("failed", r.getString(1));
        assertNull(r.get(5));
        continue;
      }
      int in = r.getInt(2);
      int out = r.getInt(3);
      assertTrue(in > 0 && out > 0);
      assertEquals((in * 0.05 + out * 0.10) / 1e6, r.getDouble(5), 1e-15);
      total += r.getDouble(5);
    }

    Row given =
        reader(spark, EMU)
            .option("pricing", "emulator/echo=1:2")
            .load(path)
            .where("custom_id = 'r-0'")
            .select("prompt_tokens", "completion_tokens", "cost_usd")
            .first();
    assertEquals((given.getInt(0) * 1.0 + given.getInt(1) * 2.0) / 1e6, given.getDouble(2), 1e-15);

    Row unknown =
        reader(spark, EMU)
            .option("pricing", "some/other-model=1:2")
            .load(path)
            .where("custom_id = 'r-0'")
            .select("cost_usd")
            .first();
    assertNull(unknown.get(0));

    double summed =
        reader(spark, EMU)
            .load(path)
            .agg(org.apache.spark.sql.functions.sum("cost_usd"))
            .first()
            .getDouble(0);
    assertEquals(total, summed, 1e-12);
  }

  @Test
  void aBadPricingOptionIsRefused() {
    String path = tmp.resolve("bad").toString();
    writer(input(spark, 1, 1), EMU).save(path);
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                reader(spark, EMU)
                    .option("pricing", "emulator/echo=cheap")
                    .load(path)
                    .select("cost_usd")
                    .collectAsList());
    Throwable t = e;
    while (t != null && !(t instanceof TogetherConfigException)) {
      t = t.getCause();
    }
    assertTrue(t instanceof TogetherConfigException, e.toString());
  }
}
