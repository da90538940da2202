package io.github.sparktogetherbatch.faults;

import io.github.sparktogetherbatch.jobs.TogetherBatchJobs;
import org.apache.spark.sql.SparkSession;

/**
 * A Spark driver, run in its own JVM by {@link ResubmitCrashTest}: resubmits what failed in the job
 * at a path, with its settings from the session conf and the key from the environment, retrying
 * whatever the emulator answers until the test kills it.
 *
 * <p>Arguments: path, baseUrl.
 */
public final class ForkedResubmitMain {
  private ForkedResubmitMain() {}

  public static void main(String[] args) {
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("forked-resubmit")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.datasource.together-batch.baseUrl", args[1])
            .config("spark.datasource.together-batch.maxRetries", "1000")
            .config("spark.datasource.together-batch.retryTimeout", "10m")
            .getOrCreate();
    long sent = TogetherBatchJobs.resubmit(spark, args[0]);
    spark.stop();
    System.out.println("RESUBMIT FINISHED " + sent);
  }
}
