package io.github.sparktogetherbatch.read;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The schema of the batch view ({@code view=batches}): one row per batch of a job (and per carried
 * file, whose {@code batch_id} is null).
 */
public final class BatchViewSchema {
  private BatchViewSchema() {}

  public static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("batch_id", DataTypes.StringType, true),
            DataTypes.createStructField("status", DataTypes.StringType, true),
            DataTypes.createStructField("progress", DataTypes.DoubleType, true),
            DataTypes.createStructField("requests", DataTypes.LongType, true),
            DataTypes.createStructField("attempt", DataTypes.IntegerType, false),
            DataTypes.createStructField("created_at", DataTypes.TimestampType, true),
            DataTypes.createStructField("completed_at", DataTypes.TimestampType, true),
            DataTypes.createStructField("input_file_id", DataTypes.StringType, true),
            DataTypes.createStructField("output_file_id", DataTypes.StringType, true),
            DataTypes.createStructField("error_file_id", DataTypes.StringType, true),
            DataTypes.createStructField("error", DataTypes.StringType, true),
            DataTypes.createStructField("epoch", DataTypes.LongType, true)
          });
}
