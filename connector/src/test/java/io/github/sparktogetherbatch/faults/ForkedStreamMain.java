package io.github.sparktogetherbatch.faults;

import io.github.sparktogetherbatch.stream.StreamTestSupport;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;

/**
 * A scheduled incremental job, run in its own JVM by {@link StreamKillTest}: one AvailableNow run
 * of the together-batch sink over a folder of CSV files, as a nightly job would. The API key comes
 * from the environment. Every task uploads its own file ({@code minRequestsPerBatch=1}), and calls
 * are retried for as long as the test needs to kill this JVM mid-epoch.
 *
 * <p>Arguments: input folder, job path, checkpoint, baseUrl.
 */
public final class ForkedStreamMain {
  private ForkedStreamMain() {}

  public static void main(String[] args) throws TimeoutException, StreamingQueryException {
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("forked-stream")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .getOrCreate();
    StreamingQuery q = query(spark, args[0], args[1], args[2], args[3], null);
    q.awaitTermination();
    System.out.println("STREAM RUN FINISHED");
    spark.stop();
  }

  /**
   * The run, also started by the test (in its own JVM) to resume after the kill.
   *
   * @param apiKey the key as an option, or null to take it from the environment
   */
  static StreamingQuery query(
      SparkSession spark,
      String input,
      String path,
      String checkpoint,
      String baseUrl,
      String apiKey)
      throws TimeoutException {
    DataStreamWriter<Row> w =
        spark
            .readStream()
            .schema(StreamTestSupport.SCHEMA)
            .option("header", "true")
            .csv(input)
            .writeStream();
    if (apiKey != null) {
      w = StreamTestSupport.options(w, "apiKey", apiKey);
    }
    return StreamTestSupport.options(
            w.format("together-batch"),
            "baseUrl",
            baseUrl,
            "model",
            FaultSupport.MODEL,
            "minRequestsPerBatch",
            "1",
            "maxRetries",
            "1000",
            "retryTimeout",
            "10m",
            "checkpointLocation",
            checkpoint)
        .trigger(Trigger.AvailableNow())
        .start(path);
  }
}
