package io.github.sparktogetherbatch.write;

import static io.github.sparktogetherbatch.testing.WriteTestSupport.writer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.codec.InputMapping;
import io.github.sparktogetherbatch.config.WriteConfig;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.LogCapture;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import io.github.sparktogetherbatch.testing.WriteFixtures;
import io.github.sparktogetherbatch.testing.WriteTestSupport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.ExplainMode;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart;
import org.apache.spark.sql.util.QueryExecutionListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API key stays out of logs (ours at DEBUG, Spark's at INFO), plans and explain output, the SQL
 * tab's events, toStrings and exception messages, for successful and failing writes, with the key
 * given as an option and as a session default.
 */
class ApiKeyLeakTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();
  private static final String KEY = EmulatorExtension.TEST_API_KEY;

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  @Test
  void theKeyAppearsNowhere() throws Exception {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    LogCapture capture = LogCapture.attach();
    Level rootBefore = ctx.getConfiguration().getRootLogger().getLevel();
    Configurator.setRootLevel(Level.INFO);
    Configurator.setLevel("io.github.sparktogetherbatch", Level.DEBUG);
    ctx.updateLoggers();

    QueryExecutionListener plans =
        new QueryExecutionListener() {
          @Override
          public void onSuccess(String funcName, QueryExecution qe, long durationNs) {
            record(qe);
          }

          @Override
          public void onFailure(String funcName, QueryExecution qe, Exception exception) {
            record(qe);
            seen.add(LogCapture.stackTrace(exception));
          }

          private void record(QueryExecution qe) {
            seen.add(qe.toString());
            seen.add(qe.explainString(ExplainMode.fromString("extended")));
            seen.add(qe.explainString(ExplainMode.fromString("formatted")));
            seen.add(qe.executedPlan().treeString());
          }
        };
    SparkListener sqlEvents =
        new SparkListener() {
          @Override
          public void onOtherEvent(SparkListenerEvent event) {
            if (event instanceof SparkListenerSQLExecutionStart) {
              SparkListenerSQLExecutionStart e = (SparkListenerSQLExecutionStart) event;
              seen.add(e.physicalPlanDescription());
              seen.add(e.description());
              seen.add(e.details());
              seen.add(String.valueOf(e.sparkPlanInfo()));
            }
          }
        };
    spark.listenerManager().register(plans);
    spark.sparkContext().addSparkListener(sqlEvents);
    try {
      String path = tmp.resolve("job").toString();
      Dataset<Row> good = spark.range(0, 20, 1, 2).selectExpr("id", "concat('q', id) AS prompt");
      // 1. default mode (create), key as an option; a retried fault logs its error
      EMU.emulator().armFault("{\"route\":\"POST /v1/batches\",\"status\":503,\"times\":1}");
      writer(good, EMU).option("body.max_tokens", "5").save(path);
      // 2. append, key as a session default
      spark.conf().set("spark.datasource.together-batch.apiKey", KEY);
      try {
        good.write()
            .format("together-batch")
            .option("baseUrl", EMU.baseUrl())
            .option("model", WriteTestSupport.MODEL)
            .option("idColumn", "prompt")
            .mode(SaveMode.Append)
            .save(path);
      } finally {
        spark.conf().unset("spark.datasource.together-batch.apiKey");
      }
      // 3. overwrite
      writer(good, EMU).mode(SaveMode.Overwrite).save(path);
      // 4. failures: bad data on an executor, a bad option on the driver, a duplicate id
      Dataset<Row> bad =
          spark
              .range(0, 5, 1, 1)
              .selectExpr("id", "CASE WHEN id = 3 THEN NULL ELSE 'q' END AS prompt");
      seen.add(
          LogCapture.stackTrace(
              assertThrows(
                  Exception.class, () -> writer(bad, EMU).save(tmp.resolve("bad").toString()))));
      seen.add(
          LogCapture.stackTrace(
              assertThrows(
                  Exception.class,
                  () ->
                      writer(good, EMU)
                          .option("modle", "x")
                          .save(tmp.resolve("bad2").toString()))));
      Dataset<Row> dup = spark.range(0, 4, 1, 2).selectExpr("id % 2 AS id", "'q' AS prompt");
      seen.add(
          LogCapture.stackTrace(
              assertThrows(
                  Exception.class, () -> writer(dup, EMU).save(tmp.resolve("bad3").toString()))));
      // 5. the write side's objects
      WriteConfig config = WriteFixtures.config("apiKey", KEY, "model", "m");
      InputMapping mapping =
          InputMapping.resolve(
              org.apache.spark.sql.types.StructType.fromDDL("prompt STRING"), config);
      TogetherWrite write = new TogetherWrite(config, mapping, false, "query", null);
      seen.add(config.toString());
      seen.add(config.client().toString());
      seen.add(write.toString());
      seen.add(write.description());
      seen.add(write.toBatch().toString());
      seen.add(new TogetherDataWriterFactory(config, mapping, "w", null, null).toString());
      seen.add(mapping.toString());

      waitForListeners(seen);
    } finally {
      spark.listenerManager().unregister(plans);
      spark.sparkContext().removeSparkListener(sqlEvents);
      capture.close();
      Configurator.setRootLevel(rootBefore);
      Configurator.setLevel("io.github.sparktogetherbatch", Level.INFO);
      ctx.updateLoggers();
      capture.stop();
    }

    List<String> all = new ArrayList<>(seen);
    all.addAll(capture.lines);
    // The capture works: it holds our INFO/DEBUG lines, Spark's logs, plans and errors.
    assertTrue(all.stream().anyMatch(s -> s.contains("Created batch")), "our logs captured");
    assertTrue(all.stream().anyMatch(s -> s.contains("DAGScheduler")), "Spark's logs captured");
    assertTrue(all.stream().anyMatch(s -> s.contains("AppendData")), "plans captured");
    assertTrue(all.stream().anyMatch(s -> s.contains("TogetherDataException")), "errors captured");
    assertTrue(all.stream().anyMatch(s -> s.contains("Duplicate custom_id")), "driver errors");
    List<String> leaks = new ArrayList<>();
    for (String s : all) {
      if (s != null && (s.contains(KEY) || s.contains("DO-NOT-LEAK"))) {
        leaks.add(s);
      }
    }
    assertEquals(Collections.emptyList(), leaks, "the API key leaked");
    assertFalse(all.isEmpty());
  }

  /** Listener events are delivered asynchronously; wait until the last write's have arrived. */
  private static void waitForListeners(List<String> seen) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      synchronized (seen) {
        if (seen.stream().filter(s -> s != null && s.contains("Duplicate custom_id")).count()
            >= 2) {
          return;
        }
      }
      Thread.sleep(50);
    }
  }
}
