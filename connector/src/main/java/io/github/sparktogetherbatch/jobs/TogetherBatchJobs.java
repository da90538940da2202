package io.github.sparktogetherbatch.jobs;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Operating a job at its path, from Java, Scala or PySpark ({@code
 * spark._jvm.io.github.sparktogetherbatch.jobs.TogetherBatchJobs.cancel(spark._jsparkSession,
 * path)}): cancel its unfinished batches, submit again what failed, estimate what a DataFrame
 * costs. The API key and other settings are resolved as the data source resolves them: the {@code
 * options} given, then the session's {@code spark.datasource.together-batch.<option>}, then the
 * environment ({@code TOGETHER_API_KEY}).
 */
public final class TogetherBatchJobs {
  private TogetherBatchJobs() {}

  /**
   * Cancels the job's unfinished batches (of every attempt); returns how many were cancelled. A
   * read then returns the requests they finished, and the others as {@code missing} with error_code
   * {@code batch_cancelled}.
   */
  public static int cancel(SparkSession spark, String path) {
    return cancel(spark, path, Map.of());
  }

  /** {@link #cancel(SparkSession, String)} with options (e.g. {@code apiKey}, {@code baseUrl}). */
  public static int cancel(SparkSession spark, String path, Map<String, String> options) {
    return JobCancel.run(JobSettings.of(spark, path, options));
  }
}
