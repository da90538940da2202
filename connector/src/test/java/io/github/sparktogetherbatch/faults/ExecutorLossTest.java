package io.github.sparktogetherbatch.faults;

import static io.github.sparktogetherbatch.faults.FaultSupport.assertEveryRowOnceSucceeded;
import static io.github.sparktogetherbatch.faults.FaultSupport.assertJobExactlyOnce;
import static io.github.sparktogetherbatch.faults.FaultSupport.reader;
import static io.github.sparktogetherbatch.faults.FaultSupport.writer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Executors lost in the middle of a write, on a real cluster of separate executor JVMs ({@code
 * local-cluster[2,1,1024]}: a master and two workers in this JVM, each worker launching one
 * executor process). Spark runs the lost tasks again on a new executor; the job still holds every
 * row exactly once and no uploaded file is left behind.
 */
@Tag("slow")
class ExecutorLossTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  static final int N = 5_000;

  @TempDir static Path home;

  private static SparkSession spark;

  @BeforeAll
  static void cluster() throws Exception {
    SparkTestSession.get().stop();
    // What Spark's own tests do for local-cluster: a fake SPARK_HOME (the worker builds the
    // executor's command line from it) and the test classpath for the executors.
    Path sparkHome = home.resolve("spark-home");
    Files.createDirectories(sparkHome.resolve("jars"));
    String scalaVersion =
        scala.util.Properties.versionNumberString().startsWith("2.13") ? "2.13" : "2.12";
    Files.createDirectories(sparkHome.resolve("launcher/target/scala-" + scalaVersion));
    System.setProperty("spark.testing", "true");
    System.setProperty("spark.test.home", sparkHome.toString());
    spark =
        SparkSession.builder()
            .master("local-cluster[2,1,1024]")
            .appName("spark-together-batch-executor-loss")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.executor.extraClassPath", ForkedJvm.testClassPath())
            .config(
                "spark.executor.extraJavaOptions",
                "-Djava.io.tmpdir=" + Files.createDirectories(home.resolve("executor-tmp")))
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
  }

  @AfterAll
  static void stopCluster() {
    try {
      if (spark != null) {
        spark.stop();
      }
    } finally {
      System.clearProperty("spark.testing");
      System.clearProperty("spark.test.home");
    }
  }

  /** The input, passed through a UDF that lets a test act inside the executor. */
  private static Dataset<Row> input(String udf) {
    return FaultSupport.input(spark, N, 2).selectExpr(udf + "(custom_id) AS custom_id", "prompt");
  }

  /** The whole command line (ProcessHandle.Info may cut a long one, the classpath is long). */
  private static String commandLine(ProcessHandle p) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", String.valueOf(p.pid()), "cmdline"));
      return new String(raw, java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (java.io.IOException | RuntimeException e) {
      return p.info().commandLine().orElse("");
    }
  }

  @Test
  void anExecutorExitingMidWriteLosesNoRowAndDoublesNone() throws Exception {
    // The first attempt of partition 0 ends its executor JVM 1,000 rows in (System.exit): the
    // rows staged so far are gone with it, nothing was uploaded yet.
    spark
        .udf()
        .register(
            "exitOnFirstAttempt",
            (UDF1<String, String>)
                id -> {
                  TaskContext tc = TaskContext.get();
                  if (tc.partitionId() == 0 && tc.attemptNumber() == 0 && id.equals("r-1000")) {
                    System.exit(57);
                  }
                  return id;
                },
            DataTypes.StringType);
    String path = home.resolve("exit").toString();
    writer(input("exitOnFirstAttempt"), EMU).option("maxRequestsPerBatch", "2000").save(path);

    assertEveryRowOnceSucceeded(reader(spark, EMU).load(path).collectAsList(), N);
    assertJobExactlyOnce(EMU, spark, path, N);
    // two files of 2,000 uploaded by the tasks, one packed by the driver from their 500-row tails
    assertEquals(3, EMU.emulator().requestCount("POST /v1/batches"));
  }

  @Test
  void anExecutorKilledAfterItsUploadLeavesNoOrphanedFile() throws Exception {
    // The first preprocess call (the last step of an upload) hangs; meanwhile every executor JVM
    // is killed (SIGKILL). The file that executor had already PUT is in Together's account but no
    // task reported it: the driver's commit finds it by its write's name prefix and deletes it.
    spark.udf().register("passThrough", (UDF1<String, String>) id -> id, DataTypes.StringType);
    EMU.emulator()
        .armFault(
            "{\"route\":\"POST /v1/files/{id}/preprocess\",\"action\":\"delay\","
                + "\"millis\":3000}");
    String path = home.resolve("killed").toString();
    CompletableFuture<Void> write =
        CompletableFuture.runAsync(
            () ->
                writer(input("passThrough"), EMU).option("maxRequestsPerBatch", "2000").save(path));
    try {
      FaultSupport.await(
          EMU,
          s -> s.path("requests").path("POST /v1/files/{id}/preprocess").asLong() >= 1,
          java.time.Duration.ofSeconds(120),
          "an upload to reach preprocess");
      List<ProcessHandle> executors =
          ProcessHandle.current()
              .descendants()
              .filter(p -> commandLine(p).contains("CoarseGrainedExecutorBackend"))
              .collect(Collectors.toList());
      assertTrue(!executors.isEmpty(), "no executor process found");
      executors.forEach(ProcessHandle::destroyForcibly);
      write.get(300, TimeUnit.SECONDS);
    } finally {
      if (!write.isDone()) {
        spark.sparkContext().cancelAllJobs();
        try {
          write.get(60, TimeUnit.SECONDS);
        } catch (Exception ignored) {
          // cancelled
        }
      }
    }

    long puts = EMU.emulator().requestCount("PUT /_upload/{id}");
    // the write itself needs 3 PUTs (two task files and the driver's pack of their tails)
    assertTrue(puts > 3, "the killed attempt had uploaded: " + puts + " PUTs");
    assertTrue(EMU.emulator().requestCount("DELETE /v1/files/{id}") >= 1, "nothing was deleted");
    assertEveryRowOnceSucceeded(reader(spark, EMU).load(path).collectAsList(), N);
    assertJobExactlyOnce(EMU, spark, path, N);
  }
}
