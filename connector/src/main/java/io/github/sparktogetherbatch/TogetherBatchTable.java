package io.github.sparktogetherbatch;

import io.github.sparktogetherbatch.codec.JsonSchemaMapping;
import io.github.sparktogetherbatch.codec.ResultSchema;
import io.github.sparktogetherbatch.config.OptionParsers;
import io.github.sparktogetherbatch.config.ReadConfig;
import io.github.sparktogetherbatch.config.TogetherBatchOptions;
import io.github.sparktogetherbatch.config.WriteConfig;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import io.github.sparktogetherbatch.manifest.HadoopConfs;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.read.BatchViewScan;
import io.github.sparktogetherbatch.read.BatchViewSchema;
import io.github.sparktogetherbatch.read.TogetherScanBuilder;
import io.github.sparktogetherbatch.stream.StreamSink;
import io.github.sparktogetherbatch.write.TogetherWriteBuilder;
import java.util.EnumSet;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.SupportsWrite;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * A Together batch job: at a path (its manifest) or given by batch ids. Reading it yields one row
 * per submitted request ({@link ResultSchema}); writing to it submits a DataFrame's rows as
 * requests.
 */
final class TogetherBatchTable implements SupportsRead, SupportsWrite {
  private final JobRef job;
  private StructType parsed;
  private boolean resolved;

  TogetherBatchTable(JobRef job) {
    this.job = job;
  }

  /**
   * The struct of the column {@code parsed}: the option responseSchema, else the one the job at the
   * path records (its manifest, read once), else null (no such column).
   */
  private synchronized StructType parsed() {
    if (!resolved) {
      String text = job.responseSchema;
      if (text == null && job.path != null) {
        text =
            JobManifest.read(job.path, HadoopConfs.forSession(SparkSession.active()))
                .map(JobManifest::responseSchema)
                .orElse(null);
      }
      if (text != null) {
        String option = TogetherBatchOptions.RESPONSE_SCHEMA.name();
        parsed = OptionParsers.structType(option, text);
        JsonSchemaMapping.schemaOf(parsed, option); // refuses types with no JSON Schema
      }
      resolved = true;
    }
    return parsed;
  }

  @Override
  public String name() {
    return "together-batch " + job;
  }

  @Override
  public StructType schema() {
    return job.batchView ? BatchViewSchema.SCHEMA : ResultSchema.of(parsed());
  }

  @Override
  public Set<TableCapability> capabilities() {
    return EnumSet.of(
        TableCapability.BATCH_READ,
        TableCapability.BATCH_WRITE,
        TableCapability.STREAMING_WRITE,
        TableCapability.TRUNCATE,
        TableCapability.ACCEPT_ANY_SCHEMA);
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap options) {
    ReadConfig config = ReadConfig.parse(job.addTo(options), System::getenv, sparkVersion());
    if (job.batchView || config.batchView()) {
      return new BatchViewScan(config);
    }
    return new TogetherScanBuilder(config, parsed(), sessionTimeZone());
  }

  @Override
  public WriteBuilder newWriteBuilder(LogicalWriteInfo info) {
    CaseInsensitiveStringMap options = info.options();
    if (job.batchView) {
      throw new TogetherConfigException(
          "The batch view (option 'view' = 'batches') is read-only: write to the job without it.");
    }
    WriteConfig config =
        WriteConfig.parse(
            job.addTo(options), options.asCaseSensitiveMap(), System::getenv, sparkVersion());
    return new TogetherWriteBuilder(info, config, StreamSink::streamingWrite);
  }

  private static String sessionTimeZone() {
    try {
      return SparkSession.active().conf().get("spark.sql.session.timeZone");
    } catch (RuntimeException e) {
      return null;
    }
  }

  static String sparkVersion() {
    try {
      return SparkSession.active().version();
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return name();
  }
}
