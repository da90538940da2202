package io.github.sparktogetherbatch.examples;

import io.github.sparktogetherbatch.emulator.TogetherEmulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A scheduled incremental pipeline, submit side: new input files land in a folder (JSON lines of
 * {@code question_id}, {@code question}); each run submits only the rows of files it has not seen,
 * as batches of one job, and stops ({@code Trigger.AvailableNow()}). The checkpoint remembers which
 * files were submitted; the job's manifest records every run's batches with their epoch, so one
 * batch read of the job returns every answer. (Collecting answers as a stream: see the source
 * section of docs/incremental.md.)
 *
 * <p>Usage:
 *
 * <ul>
 *   <li>{@code IncrementalSubmit submit <input folder> <job path> <checkpoint>}: one scheduled run
 *       (cron, Airflow...). Needs {@code TOGETHER_API_KEY}, or {@code TOGETHER_BASE_URL} of a
 *       running emulator, since runs are separate JVMs.
 *   <li>{@code IncrementalSubmit} (no arguments): a demonstration in one JVM with the embedded
 *       emulator (or Together with the key): three runs over a growing folder submit 100, 0 and 30
 *       requests, then one batch read of the job.
 * </ul>
 */
public final class IncrementalSubmit {
  static final StructType INPUT =
      new StructType()
          .add("question_id", DataTypes.StringType)
          .add("question", DataTypes.StringType);

  private IncrementalSubmit() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 4 && "submit".equals(args[0])) {
      SparkSession spark = ExampleSupport.spark("together-batch incremental submit");
      try {
        run(spark, ExampleSupport.standaloneConnection(), args[1], args[2], args[3]);
      } finally {
        spark.stop();
      }
    } else if (args.length == 0) {
      demo();
    } else {
      System.err.println(
          "usage: IncrementalSubmit submit <input folder> <job path> <checkpoint>\n"
              + "       IncrementalSubmit            (a three-run demonstration)");
      System.exit(2);
    }
  }

  /** One scheduled run: submits the rows of the input files that earlier runs did not see. */
  static void run(
      SparkSession spark,
      Map<String, String> connection,
      String input,
      String job,
      String checkpoint)
      throws TimeoutException, StreamingQueryException {
    StreamingQuery q =
        spark
            .readStream()
            .schema(INPUT)
            .json(input)
            .writeStream()
            .format("together-batch")
            .options(connection)
            .option("model", ExampleSupport.model())
            .option("promptColumn", "question")
            .option("idColumn", "question_id")
            .option("body.max_tokens", "128")
            .option("checkpointLocation", checkpoint)
            .trigger(Trigger.AvailableNow())
            .start(job);
    q.awaitTermination();
  }

  private static void demo() throws Exception {
    TogetherEmulator[] emulator = new TogetherEmulator[1];
    Map<String, String> connection = ExampleSupport.connection(emulator);
    Path root = Files.createTempDirectory("incremental-");
    Path input = root.resolve("landing");
    String job = root.resolve("job").toString();
    String checkpoint = root.resolve("checkpoint").toString();
    SparkSession spark = ExampleSupport.spark("together-batch incremental demo");
    try {
      land(input, "day-1.json", 0, 100);
      run(spark, connection, input.toString(), job, checkpoint);
      report(spark, connection, job, "run 1 (100 new rows)");
      run(spark, connection, input.toString(), job, checkpoint);
      report(spark, connection, job, "run 2 (no new file)");
      land(input, "day-2.json", 100, 130);
      run(spark, connection, input.toString(), job, checkpoint);
      report(spark, connection, job, "run 3 (30 new rows)");
      long answered =
          spark
              .read()
              .format("together-batch")
              .options(connection)
              .load(job)
              .where("status = 'succeeded'")
              .count();
      System.out.println("A batch read of " + job + ": " + answered + " answers, one per request");
    } finally {
      spark.stop();
      if (emulator[0] != null) {
        emulator[0].close();
      }
    }
  }

  /** The job's batches so far (the batch view: one row per batch, with its epoch). */
  private static void report(
      SparkSession spark, Map<String, String> connection, String job, String what) {
    var batches =
        spark
            .read()
            .format("together-batch")
            .options(connection)
            .option("view", "batches")
            .load(job)
            .selectExpr("coalesce(sum(requests), 0) AS requests", "count(*) AS batches")
            .first();
    System.out.println(
        what
            + ": the job has "
            + batches.getLong(1)
            + " batch(es), "
            + batches.getLong(0)
            + " requests in all");
  }

  /** A new input file, written under a hidden name and renamed (never seen half-written). */
  private static void land(Path folder, String name, int from, int to) throws IOException {
    Files.createDirectories(folder);
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < to; i++) {
      sb.append("{\"question_id\":\"q-")
          .append(i)
          .append("\",\"question\":\"In two sentences: what is idea number ")
          .append(i)
          .append(" of incremental ETL?\"}\n");
    }
    Path tmp = folder.resolve("." + name + ".tmp");
    Files.writeString(tmp, sb.toString());
    Files.move(tmp, folder.resolve(name));
  }
}
