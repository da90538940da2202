package io.github.sparktogetherbatch.jobs;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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

  /**
   * Submits again, as new batches recorded in the job (attempt n + 1), every request whose latest
   * outcome is {@code missing} or {@code failed} with a retryable cause ({@link
   * RetryableCodes#DEFAULT}); never one that succeeded or whose batch still runs. The bodies come
   * from the job's input files at Together. Returns how many requests were submitted again (0
   * creates no batch). A read of the job then gives each request once, its latest outcome.
   */
  public static long resubmit(SparkSession spark, String path) {
    return resubmit(spark, path, null, RetryableCodes.DEFAULT, Map.of());
  }

  /**
   * {@link #resubmit(SparkSession, String)}, taking the bodies of requests whose input file
   * Together does not serve back from {@code input}, the DataFrame the job was written from (its
   * rows with those custom_ids, encoded with the options the job recorded; the job needs an {@code
   * idColumn}).
   */
  public static long resubmit(SparkSession spark, String path, Dataset<Row> input) {
    return resubmit(spark, path, input, RetryableCodes.DEFAULT, Map.of());
  }

  /**
   * {@link #resubmit(SparkSession, String, Dataset)} retrying failures with these error codes
   * ({@code input} may be null).
   */
  public static long resubmit(
      SparkSession spark, String path, Dataset<Row> input, List<String> errorCodes) {
    return resubmit(spark, path, input, errorCodes, Map.of());
  }

  /** {@link #resubmit(SparkSession, String, Dataset, List)} with options (key, base URL, ...). */
  public static long resubmit(
      SparkSession spark,
      String path,
      Dataset<Row> input,
      List<String> errorCodes,
      Map<String, String> options) {
    return Resubmission.run(
        JobSettings.of(spark, path, options),
        input,
        errorCodes == null ? RetryableCodes.DEFAULT : errorCodes);
  }

  /**
   * What writing {@code df} with {@code options} (the write's options: model, columns, {@code
   * body.max_tokens}, ...) would cost, before anything is submitted: a dry run (every row encoded
   * and checked, nothing uploaded) gives a one-row DataFrame of {@code model}, {@code requests},
   * {@code bytes}, {@code estimated_input_tokens}, {@code output_token_ceiling} (from {@code
   * max_tokens}), {@code min_cost_usd} and {@code max_cost_usd} at the model's batch price (null
   * when unknown).
   */
  public static Dataset<Row> estimate(Dataset<Row> df, Map<String, String> options) {
    return Estimate.run(df, options);
  }
}
