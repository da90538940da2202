package io.github.sparktogetherbatch.manifest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * The Hadoop configuration to reach a job path: from the driver's session, and as bytes that travel
 * to executors inside a serialized task (Hadoop's {@code Configuration} is not {@code
 * Serializable}).
 */
public final class HadoopConfs {
  private HadoopConfs() {}

  /** A copy of the SparkContext's Hadoop configuration (so {@code spark.hadoop.*} applies). */
  public static Configuration forSession(SparkSession spark) {
    return new Configuration(spark.sparkContext().hadoopConfiguration());
  }

  /** The configuration as bytes ({@link Configuration#write}). */
  public static byte[] toBytes(Configuration conf) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      conf.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The configuration {@link #toBytes} wrote, without loading the default resources again. */
  public static Configuration fromBytes(byte[] bytes) {
    Configuration c = new Configuration(false);
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      c.readFields(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return c;
  }
}
