package io.github.sparktogetherbatch.examples;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.round;

import io.github.sparktogetherbatch.emulator.TogetherEmulator;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructType;

/**
 * Structured output: product reviews in, typed columns out. The option {@code responseSchema} asks
 * the model for JSON of a Spark struct (sentiment from a fixed list, a score, topics, and the
 * entities named, as an array of structs); the read has the column {@code parsed} of that type,
 * ready for SQL.
 *
 * <p>Without {@code TOGETHER_API_KEY} it runs against an embedded emulator (which answers a JSON
 * instance of the schema); with it, against Together's API. Argument: the number of reviews
 * (default 200).
 */
public final class StructuredReviews {
  private StructuredReviews() {}

  /** What to extract from each review; the sentiment's metadata "enum" lists its values. */
  static StructType reviewSchema() {
    StructType entity =
        new StructType()
            .add("name", DataTypes.StringType, false)
            .add(
                "type",
                DataTypes.StringType,
                false,
                new MetadataBuilder()
                    .putStringArray("enum", new String[] {"product", "brand", "person", "shop"})
                    .build());
    return new StructType()
        .add(
            "sentiment",
            DataTypes.StringType,
            false,
            new MetadataBuilder()
                .putStringArray("enum", new String[] {"positive", "negative", "neutral", "mixed"})
                .build())
        .add("score", DataTypes.DoubleType, false)
        .add("topics", DataTypes.createArrayType(DataTypes.StringType, false), false)
        .add("entities", DataTypes.createArrayType(entity, false), false);
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    TogetherEmulator[] emulator = new TogetherEmulator[1];
    Map<String, String> connection = ExampleSupport.connection(emulator);
    SparkSession spark = ExampleSupport.spark("together-batch structured output");
    try {
      Dataset<Row> reviews = reviews(spark, n);
      String jobPath =
          Files.createTempDirectory("together-batch-structured-").resolve("job").toString();

      // 1. Submit: every request asks for JSON of the schema (response_format json_schema).
      reviews
          .write()
          .format("together-batch")
          .options(connection)
          .option("model", ExampleSupport.model())
          .option("promptColumn", "review")
          .option("idColumn", "review_id")
          .option(
              "systemPrompt",
              "Classify the product review: sentiment, a score from 0 (very negative) to 1 (very "
                  + "positive), its topics, and the products, brands and people it names.")
          .option("responseSchema", reviewSchema().json())
          .option("body.temperature", "0")
          .save(jobPath);
      System.out.println("Submitted " + n + " reviews; job recorded at " + jobPath);

      // 2. Read by path: the job recorded the schema, so the column parsed is typed.
      Dataset<Row> results =
          spark.read().format("together-batch").options(connection).load(jobPath).cache();
      results.printSchema();
      results.createOrReplaceTempView("review_results");

      Dataset<Row> typed =
          spark.sql(
              "SELECT custom_id, status, parsed.sentiment, parsed.score, parsed.topics, "
                  + "parsed.entities FROM review_results ORDER BY custom_id");
      typed.show(5, 40);

      // 3. Typed columns aggregate like any other.
      spark
          .sql(
              "SELECT parsed.sentiment AS sentiment, count(*) AS reviews, "
                  + "round(avg(parsed.score), 3) AS avg_score FROM review_results "
                  + "WHERE status = 'succeeded' GROUP BY parsed.sentiment ORDER BY reviews DESC")
          .show();
      results
          .where("status = 'succeeded'")
          .select(explode(col("parsed.entities")).as("entity"))
          .groupBy(col("entity.type"))
          .agg(count("*").as("mentions"))
          .orderBy(col("mentions").desc())
          .show(5);
      results
          .where("status = 'succeeded'")
          .select(explode(col("parsed.topics")).as("topic"), col("parsed.score").as("score"))
          .groupBy("topic")
          .agg(count("*").as("reviews"), round(avg("score"), 3).as("avg_score"))
          .orderBy(col("reviews").desc())
          .show(5);

      // Answers that are not JSON of the schema are failed rows, with why, and keep content.
      long invalid = results.where("error_code = 'invalid_response_format'").count();
      long rows = results.count();
      System.out.printf("Summary: %d rows, %d not of the schema%n", rows, invalid);
      if (rows != n) {
        throw new IllegalStateException("expected " + n + " result rows, got " + rows);
      }
    } finally {
      spark.stop();
      if (emulator[0] != null) {
        emulator[0].close();
      }
    }
  }

  /** {@code n} short product reviews with ids. */
  static Dataset<Row> reviews(SparkSession spark, int n) {
    String[] products = {
      "the Aeron chair",
      "a Kindle Paperwhite",
      "the Sony WH-1000XM5 headphones",
      "a Lodge cast iron skillet",
      "the Dyson V15 vacuum",
      "an iPad Air",
      "a Patagonia jacket"
    };
    String[] opinions = {
      "I love %s, best purchase this year; shipping from Amazon was fast.",
      "%s broke after two weeks and support never answered my emails.",
      "%s is fine. Does the job, nothing special, a bit overpriced.",
      "Great build quality on %s, but the battery life disappoints.",
      "My wife Anna bought %s for me; comfortable, though the colour faded."
    };
    List<String> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      rows.add(
          String.format(
              opinions[i % opinions.length], products[(i / opinions.length) % products.length]));
    }
    return spark
        .createDataset(rows, Encoders.STRING())
        .selectExpr(
            "concat('rv-', lpad(cast(monotonically_increasing_id() as string), 5, '0')) as review_id",
            "value as review")
        .repartition(2);
  }
}
