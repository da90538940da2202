package io.github.sparktogetherbatch.jobs;

import io.github.sparktogetherbatch.config.Option;
import io.github.sparktogetherbatch.config.ReadConfig;
import io.github.sparktogetherbatch.config.TogetherBatchOptions;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import io.github.sparktogetherbatch.manifest.HadoopConfs;
import io.github.sparktogetherbatch.manifest.JobManifest;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The settings of a job operation, resolved as the data source resolves a read's: the options
 * given, then the session's {@code spark.datasource.together-batch.<option>}, then the environment
 * ({@code TOGETHER_API_KEY}), then the defaults.
 */
final class JobSettings {
  final SparkSession spark;
  final String path;
  final ReadConfig config;

  /** The options as resolved from session and given options (lower-case keys). */
  final CaseInsensitiveStringMap options;

  private JobSettings(
      SparkSession spark, String path, ReadConfig config, CaseInsensitiveStringMap options) {
    this.spark = spark;
    this.path = path;
    this.config = config;
    this.options = options;
  }

  static JobSettings of(SparkSession spark, String path, Map<String, String> given) {
    if (path == null || path.isBlank()) {
      throw new TogetherConfigException("No job path: give the path the job was saved to.");
    }
    Map<String, String> m = new HashMap<>();
    for (Option<?> o : TogetherBatchOptions.all()) {
      for (String name : new String[] {o.key(), o.name()}) {
        String v = spark.conf().get(TogetherBatchOptions.SESSION_PREFIX + name, null);
        if (v != null) {
          m.put(o.key(), v);
        }
      }
    }
    if (given != null) {
      given.forEach((k, v) -> m.put(k.toLowerCase(Locale.ROOT), v));
    }
    m.put(TogetherBatchOptions.PATH.key(), path);
    CaseInsensitiveStringMap options = new CaseInsensitiveStringMap(m);
    ReadConfig config = ReadConfig.parse(options, System::getenv, spark.version());
    return new JobSettings(spark, path, config, options);
  }

  /** The job's manifest; fails when the path holds none. */
  JobManifest manifest() {
    return JobManifest.read(path, HadoopConfs.forSession(spark))
        .orElseThrow(
            () ->
                new TogetherConfigException(
                    "There is no together-batch job at "
                        + path
                        + " (no manifest-*.json there). Check the path."));
  }
}
