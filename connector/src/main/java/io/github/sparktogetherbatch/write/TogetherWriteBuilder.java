package io.github.sparktogetherbatch.write;

import io.github.sparktogetherbatch.codec.InputMapping;
import io.github.sparktogetherbatch.config.WriteConfig;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import io.github.sparktogetherbatch.manifest.HadoopConfs;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.preflight.Preflight;
import java.util.Optional;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.SupportsTruncate;
import org.apache.spark.sql.connector.write.Write;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.connector.write.streaming.StreamingWrite;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * Builds the write on the driver and runs every check that needs no data: the input mapping against
 * the DataFrame's schema (columns, types, model, endpoint; see {@link InputMapping}) and, when
 * appending, that the existing job uses the same endpoint and responseSchema; then, unless it is a
 * dry run, the {@link Preflight} (one call: the key and the model), before any task starts. {@link
 * #truncate()} is SaveMode.Overwrite: the old job's unfinished batches are cancelled and its
 * manifest replaced.
 */
public final class TogetherWriteBuilder implements SupportsTruncate {
  private final LogicalWriteInfo info;
  private final WriteConfig config;
  private final Function<EpochWrite, StreamingWrite> streaming;
  private boolean truncate;

  /**
   * @param streaming adapts one micro-batch's write to Spark's {@code StreamingWrite} (the {@code
   *     stream} package; given here so that {@code write} does not depend on it)
   */
  public TogetherWriteBuilder(
      LogicalWriteInfo info, WriteConfig config, Function<EpochWrite, StreamingWrite> streaming) {
    this.info = info;
    this.config = config;
    this.streaming = streaming;
  }

  @Override
  public WriteBuilder truncate() {
    this.truncate = true;
    return this;
  }

  @Override
  public Write build() {
    if (config.path() == null) {
      throw new TogetherConfigException(
          "A write needs a job path: use save(path) with a directory "
              + "on any Hadoop filesystem (the option 'batchId' is for reading only).");
    }
    InputMapping mapping = InputMapping.resolve(info.schema(), config);
    if (!truncate) {
      Optional<JobManifest> existing =
          JobManifest.read(config.path(), HadoopConfs.forSession(SparkSession.active()));
      if (existing.isPresent()
          && existing.get().endpoint() != null
          && !existing.get().endpoint().equals(mapping.endpoint())) {
        throw new TogetherConfigException(
            "The job at "
                + config.path()
                + " uses the endpoint "
                + existing.get().endpoint()
                + ", but this write's 'endpoint' is "
                + mapping.endpoint()
                + ". A job has one endpoint: write to another path, or replace the job with "
                + "mode(\"overwrite\").");
      }
      if (existing.isPresent()
          && !sameSchema(existing.get().responseSchema(), mapping.responseSchemaJson())) {
        throw new TogetherConfigException(
            "The job at "
                + config.path()
                + " records the responseSchema "
                + ddl(existing.get().responseSchema())
                + ", but this write's is "
                + ddl(mapping.responseSchemaJson())
                + ". A job has one responseSchema (its read decodes every answer with it): write "
                + "to another path, or replace the job with mode(\"overwrite\").");
      }
    }
    if (!config.dryRun()) {
      Preflight.beforeWrite(config.client(), mapping.model(), config.modelCheck());
    }
    return new TogetherWrite(config, mapping, truncate, info.queryId(), streaming);
  }

  private static boolean sameSchema(String a, String b) {
    return a == null || b == null ? a == b : DataType.fromJson(a).equals(DataType.fromJson(b));
  }

  private static String ddl(String json) {
    return json == null ? "(none)" : "'" + ((StructType) DataType.fromJson(json)).toDDL() + "'";
  }

  @Override
  public String toString() {
    return "TogetherWriteBuilder{path=" + config.path() + (truncate ? ", overwrite" : "") + "}";
  }
}
