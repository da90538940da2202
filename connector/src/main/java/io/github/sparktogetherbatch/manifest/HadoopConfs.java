package io.github.sparktogetherbatch.manifest;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/** The Hadoop configuration to reach a job path from the driver. */
public final class HadoopConfs {
  private HadoopConfs() {}

  /** A copy of the SparkContext's Hadoop configuration (so {@code spark.hadoop.*} applies). */
  public static Configuration forSession(SparkSession spark) {
    return new Configuration(spark.sparkContext().hadoopConfiguration());
  }
}
