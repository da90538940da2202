package io.github.sparktogetherbatch.examples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.github.sparktogetherbatch.emulator.TogetherEmulator;
import java.nio.file.Files;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The whole pipeline in one run: a table of questions goes to Together as batch jobs, and the
 * answers come back as a DataFrame, one row per question.
 *
 * <p>Without {@code TOGETHER_API_KEY} it runs against an embedded emulator; with it, against
 * Together's API (model from {@code TOGETHER_MODEL}, default Llama 3.3 70B Instruct Turbo).
 * Argument: the number of questions (default 300).
 */
public final class QuickStart {
  private QuickStart() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    TogetherEmulator[] emulator = new TogetherEmulator[1];
    Map<String, String> connection = ExampleSupport.connection(emulator);
    SparkSession spark = ExampleSupport.spark("together-batch quick start");
    try {
      long start = System.nanoTime();
      Dataset<Row> questions = ExampleSupport.questions(spark, n);
      String jobPath =
          Files.createTempDirectory("together-batch-quickstart-").resolve("job").toString();

      // 1. Submit: one JSONL request per row, uploaded and turned into batch jobs.
      questions
          .write()
          .format("together-batch")
          .options(connection)
          .option("model", ExampleSupport.model())
          .option("promptColumn", "question")
          .option("idColumn", "question_id")
          .option("systemPrompt", "You are a concise senior data engineer.")
          .option("body.max_tokens", "64")
          .option("body.temperature", "0.2")
          .save(jobPath);
      System.out.println("Submitted " + n + " questions; job recorded at " + jobPath);

      // 2. Collect: waits for the batches, then one row per request.
      Dataset<Row> results =
          spark.read().format("together-batch").options(connection).load(jobPath).cache();

      Dataset<Row> answers =
          questions
              .join(results, questions.col("question_id").equalTo(results.col("custom_id")), "left")
              .select(
                  col("question_id"),
                  col("status"),
                  col("total_tokens"),
                  col("question"),
                  col("content"));
      answers.orderBy("question_id").show(10, 60);

      Row s =
          results
              .agg(
                  count("*").as("rows"),
                  sum(when(col("status").equalTo("succeeded"), 1).otherwise(0)).as("succeeded"),
                  sum(when(col("status").equalTo("failed"), 1).otherwise(0)).as("failed"),
                  sum(when(col("status").equalTo("missing"), 1).otherwise(0)).as("missing"),
                  sum("prompt_tokens").as("tokens_in"),
                  sum("completion_tokens").as("tokens_out"))
              .first();
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "Summary: %d rows, %d succeeded, %d failed, %d missing; tokens in %d, out %d; "
              + "wall time %.1f s%n",
          s.getLong(0), s.getLong(1), s.getLong(2), s.getLong(3), nz(s, 4), nz(s, 5), seconds);
      if (s.getLong(0) != n) {
        throw new IllegalStateException("expected " + n + " result rows, got " + s.getLong(0));
      }
    } finally {
      spark.stop();
      if (emulator[0] != null) {
        emulator[0].close();
      }
    }
  }

  private static long nz(Row r, int i) {
    return r.isNullAt(i) ? 0 : r.getLong(i);
  }
}
