package io.github.sparktogetherbatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real multi-JVM run: {@code local-cluster[2,1,1024]} starts a master and two workers in this
 * JVM, and each worker launches its executor as a separate JVM. The executors' classpath is Spark
 * alone; the connector reaches them only through {@code spark.jars}, as on a cluster. Everything
 * the connector sends to executors (writer factory, input partitions, reader factory, configs) is
 * serialized for real, and a few thousand rows go through the full write -> read round trip.
 *
 * <p>Works without a Spark distribution: with {@code spark.testing} set, workers build the executor
 * command from {@code spark.test.home}, which only needs an empty {@code jars/} and {@code
 * launcher/target/scala-<version>/}.
 */
class LocalClusterIT {
  private static final int EXECUTORS = 2;

  @TempDir Path tmp;

  @Test
  void roundTripOnTwoExecutorJvms() throws Exception {
    String scala = ItSupport.required("it.scala.binary.version");
    Path sparkHome = tmp.resolve("spark-home");
    Files.createDirectories(sparkHome.resolve("jars"));
    Files.createDirectories(sparkHome.resolve("launcher/target/scala-" + scala));
    Path connectorJar = ItSupport.connectorJar();
    String sparkClasspath = ItSupport.classpathWithoutConnector();
    String classpath = System.getProperty("java.class.path");
    System.setProperty("spark.testing", "true");
    System.setProperty("spark.test.home", sparkHome.toString());
    // With spark.testing, Spark hands the driver's java.class.path to executor JVMs; without the
    // connector in it, the executors can only get the connector from spark.jars.
    System.setProperty("java.class.path", sparkClasspath);
    SparkSession spark =
        SparkSession.builder()
            .master("local-cluster[" + EXECUTORS + ",1,1024]")
            .appName("spark-together-batch-local-cluster-it")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "6")
            // executors: Spark (and these test classes) from the classpath, the connector only from
            // spark.jars
            .config("spark.executor.extraClassPath", sparkClasspath)
            // executors spill custom_id digests past 64 ids, so the driver merges the files they
            // leave under the job path (the path production takes past 131,072 ids per task)
            .config(
                "spark.executor.extraJavaOptions",
                String.join(" ", ItSupport.javaOpens())
                    + " -Dio.github.sparktogetherbatch.digestChunk=64")
            .config("spark.jars", connectorJar.toUri().toString())
            .getOrCreate();
    try (ItSupport.EmulatorProcess emulator =
        ItSupport.EmulatorProcess.start(tmp.resolve("emulator.log"))) {
      waitForExecutors(spark);

      RoundTripJob.Summary s =
          RoundTripJob.run(spark, emulator.baseUrl(), tmp.resolve("job").toString(), 3000, 6, 400);
      assertEquals(3000, s.rows());
      assertEquals(300, s.failed());
      assertTrue(s.batches() >= 8, "batches: " + s.batches());
      assertFalse(
          Files.exists(tmp.resolve("job").resolve("_stb_temporary")),
          "the executors' digest files were not cleaned up");
      System.out.println("local-cluster round trip on Spark " + spark.version() + ": " + s);

      // The tasks ran in executor JVMs, which loaded the connector from the jar spark.jars shipped.
      List<String> seen =
          spark
              .range(0, 12, 1, 12)
              .mapPartitions(new WhereAmI(), Encoders.STRING())
              .distinct()
              .collectAsList();
      String driver = ManagementFactory.getRuntimeMXBean().getName();
      System.out.println("driver JVM " + driver + "; executors (JVM, connector location): " + seen);
      Set<String> jvms = new TreeSet<>();
      for (String line : seen) {
        String[] parts = line.split("\t", 3);
        jvms.add(parts[0]);
        assertEquals("64", parts[2], "the executor JVM did not get the digest chunk size");
        assertFalse(parts[0].equals(driver), "a task ran in the driver JVM");
        assertTrue(
            parts[1].endsWith("/" + connectorJar.getFileName()),
            "executor loaded the connector from " + parts[1]);
        assertFalse(
            ItSupport.isFile(parts[1], connectorJar),
            "the executor read the connector from the build folder instead of the copy spark.jars shipped");
      }
      assertEquals(EXECUTORS, jvms.size(), "executor JVMs seen: " + seen);
    } finally {
      spark.stop();
      System.clearProperty("spark.testing");
      System.clearProperty("spark.test.home");
      System.setProperty("java.class.path", classpath);
    }
  }

  private static void waitForExecutors(SparkSession spark) throws InterruptedException {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (spark.sparkContext().getExecutorMemoryStatus().size() < EXECUTORS + 1) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "executors did not register within 2 minutes: "
                + spark.sparkContext().getExecutorMemoryStatus().keySet());
      }
      Thread.sleep(200);
    }
  }

  /** In a task: this JVM's name and where the connector's class comes from. */
  static final class WhereAmI implements MapPartitionsFunction<Long, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public Iterator<String> call(Iterator<Long> input) throws Exception {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      URL where =
          Class.forName(RoundTripJob.CONNECTOR_CLASS, false, loader)
              .getProtectionDomain()
              .getCodeSource()
              .getLocation();
      return List.of(
              ManagementFactory.getRuntimeMXBean().getName()
                  + "\t"
                  + where
                  + "\t"
                  + System.getProperty("io.github.sparktogetherbatch.digestChunk"))
          .iterator();
    }
  }
}
