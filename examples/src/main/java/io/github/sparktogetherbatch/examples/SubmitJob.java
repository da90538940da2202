package io.github.sparktogetherbatch.examples;

import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The first half of a scheduled ETL job: submit a table of questions as Together batches and return
 * at once; the job's manifest at {@code <path>} records the batches. A later, separate run of
 * {@link CollectResults} picks them up.
 *
 * <p>Usage: {@code SubmitJob <job path> [rows]}. Needs {@code TOGETHER_API_KEY}, or a running
 * emulator given by {@code TOGETHER_BASE_URL} (e.g. {@code java -jar
 * emulator/target/together-emulator.jar --port 8090}).
 */
public final class SubmitJob {
  private SubmitJob() {}

  public static void main(String[] args) {
    if (args.length < 1) {
      System.err.println("usage: SubmitJob <job path> [rows]");
      System.exit(2);
    }
    String path = args[0];
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    Map<String, String> connection = ExampleSupport.standaloneConnection();
    SparkSession spark = ExampleSupport.spark("together-batch submit");
    try {
      Dataset<Row> questions = ExampleSupport.questions(spark, n);
      questions.write().parquet(path + "/input");
      questions
          .write()
          .format("together-batch")
          .options(connection)
          .option("model", ExampleSupport.model())
          .option("promptColumn", "question")
          .option("idColumn", "question_id")
          .option("body.max_tokens", "128")
          .save(path + "/job");
      System.out.println(
          "Submitted "
              + n
              + " requests; job at "
              + path
              + "/job, input copy at "
              + path
              + "/input");
    } finally {
      spark.stop();
    }
  }
}
