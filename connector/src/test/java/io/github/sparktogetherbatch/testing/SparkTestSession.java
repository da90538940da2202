package io.github.sparktogetherbatch.testing;

import org.apache.spark.sql.SparkSession;

/**
 * One {@code local[2]} SparkSession per test JVM, UI off, small shuffles. A test class that needs
 * another master (e.g. {@code local[2,3]} for task retries) may stop it; the next call makes a new
 * one.
 */
public final class SparkTestSession {
  private static SparkSession spark;

  private SparkTestSession() {}

  public static synchronized SparkSession get() {
    if (spark == null || spark.sparkContext().isStopped()) {
      spark =
          SparkSession.builder()
              .master("local[2]")
              .appName("spark-together-batch-tests")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "4")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.sql.session.timeZone", "UTC")
              .getOrCreate();
    }
    return spark;
  }
}
