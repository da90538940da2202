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
 * A long-running collector, run in its own JVM by {@link SourceKillTest}: the together-batch source
 * over a job path streamed into a Parquet table, one finished batch per micro-batch, polling every
 * 50 ms, with downloads retried for as long as the test needs to kill this JVM mid-batch. The API
 * key comes from the environment.
 *
 * <p>Arguments: job path, Parquet folder, checkpoint, baseUrl.
 */
public final class ForkedSourceMain {
  private ForkedSourceMain() {}

  public static void main(String[] args) throws TimeoutException, StreamingQueryException {
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("forked-source")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .getOrCreate();
    StreamingQuery q =
        query(spark, args[0], args[1], args[2], args[3], null, Trigger.ProcessingTime(100));
    q.awaitTermination();
    System.out.println("SOURCE RUN FINISHED");
    spark.stop();
  }

  /**
   * The collector, also started by the test (in its own JVM) to resume after the kill.
   *
   * @param apiKey the key as an option, or null to take it from the environment
   */
  static StreamingQuery query(
      SparkSession spark,
      String path,
      String out,
      String checkpoint,
      String baseUrl,
      String apiKey,
      Trigger trigger)
      throws TimeoutException {
    var reader =
        spark
            .readStream()
            .format("together-batch")
            .option("baseUrl", baseUrl)
            .option("pollInterval", "50ms")
            .option("maxBatchesPerTrigger", "1")
            .option("maxRetries", "1000")
            .option("retryTimeout", "10m");
    if (apiKey != null) {
      reader = reader.option("apiKey", apiKey);
    }
    DataStreamWriter<Row> w =
        reader
            .load(path)
            .selectExpr("custom_id", "batch_id", "status", "content")
            .writeStream()
            .format("parquet")
            .trigger(trigger);
    return StreamTestSupport.options(w, "checkpointLocation", checkpoint).start(out);
  }
}
