package io.github.sparktogetherbatch.faults;

import static io.github.sparktogetherbatch.faults.FaultSupport.count;
import static io.github.sparktogetherbatch.faults.FaultSupport.requestCounts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.write.Write;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.datasources.v2.BatchScanExec;
import org.apache.spark.sql.execution.datasources.v2.V2ExistingTableWriteExec;
import org.apache.spark.sql.util.QueryExecutionListener;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large job under pressure: the emulator processes each batch at a limited rate and answers one
 * request in ten on every route with a 429 (retry-after-ms 200). The write and the read complete,
 * every row comes back once with its answer, and the HTTP retries are reported as metrics: the
 * write's {@code httpRetries} (driver-side, tasks' uploads included) and the read's {@code
 * httpRetries} (tasks) plus {@code driverHttpRetries} (status polls), each equal to the 429s the
 * emulator served on those routes.
 */
class LoadTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  static final List<String> WRITE_ROUTES =
      List.of(
          "POST /v1/files",
          "PUT /_upload/{id}",
          "POST /v1/files/{id}/preprocess",
          "POST /v1/batches",
          "GET /v1/files",
          "GET /v1/batches",
          "DELETE /v1/files/{id}");
  static final List<String> READ_ROUTES =
      List.of("GET /v1/batches/{id}", "GET /v1/files/{id}/content");

  @TempDir Path tmp;

  @Test
  void retryCountsUnderATenPercent429RateAreReportedAsMetrics() throws Exception {
    run(20_000, 2, 1_000, 5_000);
  }

  @Tag("slow")
  @Test
  void fiveHundredThousandRowsInTenBatchesUnderARateLimitAndTenPercent429s() throws Exception {
    run(500_000, 2, 50_000, 20_000);
  }

  private void run(long n, int partitions, int perBatch, double rate) throws Exception {
    SparkSession spark = SparkTestSession.get();
    EMU.emulator().setRequestsPerSecond(rate);
    List<String> faults = new ArrayList<>();
    for (String route : WRITE_ROUTES) {
      faults.add(tenPercent429(route));
    }
    for (String route : READ_ROUTES) {
      faults.add(tenPercent429(route));
    }
    EMU.emulator().armFault("[" + String.join(",", faults) + "]");
    List<QueryExecution> executions = new CopyOnWriteArrayList<>();
    QueryExecutionListener listener =
        new QueryExecutionListener() {
          @Override
          public void onSuccess(String funcName, QueryExecution qe, long durationNs) {
            executions.add(qe);
          }

          @Override
          public void onFailure(String funcName, QueryExecution qe, Exception exception) {}
        };
    spark.listenerManager().register(listener);
    String path = tmp.resolve("load").toString();
    long t0 = System.nanoTime();
    long writeMs;
    Map<String, Long> afterWrite;
    Map<String, Long> afterRead;
    long mismatched;
    long rows;
    long distinct;
    try {
      Dataset<Row> input = FaultSupport.input(spark, n, partitions);
      // append to a new path: the same as the default mode there, and Spark puts the DSv2 write
      // (with its metrics) on the plan
      FaultSupport.writer(input, EMU)
          .option("maxRequestsPerBatch", String.valueOf(perBatch))
          .mode("append")
          .save(path);
      writeMs = (System.nanoTime() - t0) / 1_000_000;
      afterWrite = requestCounts(EMU);
      Dataset<Row> results =
          FaultSupport.reader(spark, EMU).option("pollInterval", "200ms").load(path);
      // one action over the results: every row once, each the model's answer to its own prompt
      Dataset<Row> checked =
          results
              .join(input, "custom_id")
              .selectExpr(
                  "custom_id", "status = 'succeeded' AND content = concat('Echo: ', prompt) AS ok")
              .cache();
      rows = checked.count();
      afterRead = requestCounts(EMU);
      mismatched = checked.where("NOT ok").count();
      distinct = checked.select("custom_id").distinct().count();
      checked.unpersist();
      waitFor(executions, 4);
    } finally {
      spark.listenerManager().unregister(listener);
      EMU.emulator().clearFaults();
      EMU.emulator().setRequestsPerSecond(0);
    }
    long totalMs = (System.nanoTime() - t0) / 1_000_000;

    assertEquals(n, rows, "rows read back and joined to the input");
    assertEquals(n, distinct, "distinct custom_ids");
    assertEquals(0, mismatched, "rows without their answer");
    JobManifest m = FaultSupport.manifest(spark, path);
    assertEquals(n / perBatch, m.batches().size());
    assertEquals(n, m.totalRequests());
    Set<String> inputs = new HashSet<>();
    for (JsonNode b : FaultSupport.batches(EMU)) {
      assertTrue(inputs.add(b.path("input_file_id").asText()), "two batches over one file");
      assertEquals("COMPLETED", b.path("status").asText());
    }
    assertEquals(m.batches().size(), inputs.size(), "the emulator's batches are the job's");

    // The metrics equal the 429s served: with "every": 10, a route that took c requests served
    // floor(c / 10) of them as 429, each retried once.
    long written429 = 0;
    for (String r : WRITE_ROUTES) {
      written429 += count(afterWrite, r) / 10;
    }
    long read429 = 0;
    for (String r : READ_ROUTES) {
      read429 += count(afterRead, r) / 10 - count(afterWrite, r) / 10;
    }
    Map<String, Long> writeMetrics = writeDriverMetrics(executions);
    SparkPlan scan = find(executions, BatchScanExec.class);
    long readTaskRetries = scan.metrics().apply("httpRetries").value();
    long readDriverRetries = scan.metrics().apply("driverHttpRetries").value();
    System.out.printf(
        "LoadTest: %,d rows in %d batches; write %,d ms, total %,d ms; write "
            + "httpRetries %d (429s served %d); read httpRetries %d + driverHttpRetries %d (429s "
            + "served %d); requests %s%n",
        n,
        m.batches().size(),
        writeMs,
        totalMs,
        writeMetrics.get("httpRetries"),
        written429,
        readTaskRetries,
        readDriverRetries,
        read429,
        afterRead);
    assertTrue(written429 > 0 && read429 > 0, "429s were served: " + afterRead);
    assertEquals(written429, writeMetrics.get("httpRetries"), "write metric httpRetries");
    assertEquals((long) m.batches().size(), writeMetrics.get("batchesCreated"));
    assertEquals(read429, readTaskRetries + readDriverRetries, "read metrics httpRetries");
    assertTrue(
        readDriverRetries > 0 || count(afterRead, "GET /v1/batches/{id}") < 10,
        "the polls' 429s are the driver's");
  }

  private static String tenPercent429(String route) {
    return "{\"route\":\""
        + route
        + "\",\"status\":429,\"every\":10,\"times\":-1,"
        + "\"retryAfterMs\":200}";
  }

  /** The write's driver-side metric values, from the Write on the plan (Spark 3.5 shows none). */
  private static Map<String, Long> writeDriverMetrics(List<QueryExecution> executions)
      throws Exception {
    V2ExistingTableWriteExec exec =
        (V2ExistingTableWriteExec) find(executions, V2ExistingTableWriteExec.class);
    Write write = exec.write();
    Method m = write.getClass().getMethod("reportDriverMetrics");
    m.setAccessible(true);
    Map<String, Long> out = new java.util.HashMap<>();
    for (CustomTaskMetric v : (CustomTaskMetric[]) m.invoke(write)) {
      out.put(v.name(), v.value());
    }
    return out;
  }

  private static SparkPlan find(List<QueryExecution> executions, Class<?> type) {
    for (QueryExecution qe : executions) {
      SparkPlan found = find(FaultSupport.unwrap(qe.executedPlan()), type);
      if (found != null) {
        return found;
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in the executed plans");
  }

  /**
   * {@code plan.children()}, called reflectively: its return type is {@code scala.collection.Seq}
   * on Scala 2.12 and {@code scala.collection.immutable.Seq} on 2.13, so a compiled call fails with
   * NoSuchMethodError on the other Scala version. Both are {@code scala.collection.Seq}.
   */
  private static scala.collection.Seq<?> children(SparkPlan plan) {
    try {
      return (scala.collection.Seq<?>) plan.getClass().getMethod("children").invoke(plan);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("SparkPlan.children() of " + plan.getClass(), e);
    }
  }

  private static SparkPlan find(SparkPlan plan, Class<?> type) {
    if (type.isInstance(plan)) {
      return plan;
    }
    if (plan instanceof org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec) {
      SparkPlan f =
          find(
              ((org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec) plan).executedPlan(),
              type);
      if (f != null) {
        return f;
      }
    }
    if (plan instanceof org.apache.spark.sql.execution.adaptive.QueryStageExec) {
      SparkPlan f =
          find(((org.apache.spark.sql.execution.adaptive.QueryStageExec) plan).plan(), type);
      if (f != null) {
        return f;
      }
    }
    if (plan instanceof org.apache.spark.sql.execution.columnar.InMemoryTableScanExec) {
      SparkPlan f =
          find(
              ((org.apache.spark.sql.execution.columnar.InMemoryTableScanExec) plan)
                  .relation()
                  .cachedPlan(),
              type);
      if (f != null) {
        return f;
      }
    }
    scala.collection.Seq<?> children = children(plan);
    for (int i = 0; i < children.size(); i++) {
      SparkPlan f = find((SparkPlan) children.apply(i), type);
      if (f != null) {
        return f;
      }
    }
    return null;
  }

  private static void waitFor(List<QueryExecution> executions, int atLeast)
      throws InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    while (executions.size() < atLeast && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    assertNotNull(executions);
  }
}
