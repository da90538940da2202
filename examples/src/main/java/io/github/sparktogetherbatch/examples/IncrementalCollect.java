package io.github.sparktogetherbatch.examples;

import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;

/**
 * The "collect" half of a scheduled incremental pipeline: each run streams the answers of the job's
 * batches that finished since the last run into a Parquet table ({@code readStream} with {@code
 * Trigger.AvailableNow}), each answer once however often it runs and whatever order the batches
 * finish in; the checkpoint remembers what was taken. Batches still running are taken by a later
 * run. The job may not exist yet: the run then adds nothing.
 *
 * <p>Usage: {@code IncrementalCollect <job path> <table path> [checkpoint path]} (checkpoint
 * default: {@code <table path>-checkpoint}). Needs {@code TOGETHER_API_KEY}, or a running emulator
 * given by {@code TOGETHER_BASE_URL}, like {@link SubmitJob}, which (or the streaming sink) fills
 * the job.
 */
public final class IncrementalCollect {
  private IncrementalCollect() {}

  public static void main(String[] args)
      throws TimeoutException, StreamingQueryException, java.io.IOException {
    if (args.length < 2) {
      System.err.println("usage: IncrementalCollect <job path> <table path> [checkpoint path]");
      System.exit(2);
    }
    String job = args[0];
    String table = args[1];
    String checkpoint = args.length > 2 ? args[2] : table + "-checkpoint";
    Map<String, String> connection = ExampleSupport.standaloneConnection();
    SparkSession spark = ExampleSupport.spark("together-batch incremental collect");
    try {
      Dataset<Row> answers =
          spark.readStream().format("together-batch").options(connection).load(job);
      StreamingQuery run =
          answers
              .selectExpr(
                  "custom_id",
                  "batch_id",
                  "attempt",
                  "status",
                  "content",
                  "error_code",
                  "total_tokens")
              .writeStream()
              .format("parquet")
              .option("path", table)
              .option("checkpointLocation", checkpoint)
              .trigger(Trigger.AvailableNow())
              .start();
      run.awaitTermination();
      long added = 0;
      for (var p : run.recentProgress()) {
        added += p.numInputRows();
      }
      System.out.println("This run added " + added + " answer(s) to " + table);
      org.apache.hadoop.fs.Path tablePath = new org.apache.hadoop.fs.Path(table);
      if (tablePath.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(tablePath)) {
        Dataset<Row> all = spark.read().parquet(table);
        System.out.println("The table now holds " + all.count() + " answer(s):");
        all.groupBy("status").count().orderBy("status").show();
      }
    } finally {
      spark.stop();
    }
  }
}
