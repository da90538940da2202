package io.github.sparktogetherbatch.examples;

import io.github.sparktogetherbatch.TogetherBatchResults;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The second half of a scheduled ETL job, in a new JVM that knows only the path: wait for the
 * batches {@link SubmitJob} created, read one row per request, join the answers back to the input
 * on the id column and save them as Parquet.
 *
 * <p>Usage: {@code CollectResults <job path> <output path>}.
 */
public final class CollectResults {
  private CollectResults() {}

  public static void main(String[] args) {
    if (args.length < 2) {
      System.err.println("usage: CollectResults <job path> <output path>");
      System.exit(2);
    }
    String path = args[0];
    String output = args[1];
    Map<String, String> connection = ExampleSupport.standaloneConnection();
    SparkSession spark = ExampleSupport.spark("together-batch collect");
    try {
      Dataset<Row> input = spark.read().parquet(path + "/input");
      Dataset<Row> results =
          spark.read().format("together-batch").options(connection).load(path + "/job");
      Dataset<Row> joined = TogetherBatchResults.joinWithInput(input, results, "question_id");
      joined.write().mode("overwrite").parquet(output);
      Dataset<Row> saved = spark.read().parquet(output);
      saved.groupBy("status").count().orderBy("status").show();
      System.out.println("Saved " + saved.count() + " rows to " + output);
    } finally {
      spark.stop();
    }
  }
}
