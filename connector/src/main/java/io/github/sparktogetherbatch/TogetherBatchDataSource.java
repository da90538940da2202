package io.github.sparktogetherbatch;

import io.github.sparktogetherbatch.config.TogetherBatchOptions;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import io.github.sparktogetherbatch.read.ResultSchema;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.SessionConfigSupport;
import org.apache.spark.sql.connector.catalog.SupportsCatalogOptions;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * {@code format("together-batch")}: writes a DataFrame as Together batch jobs and reads their
 * results back. Session defaults come from {@code spark.datasource.together-batch.<option>}.
 *
 * <p>It names its own small catalog ({@link TogetherBatchCatalog}) through {@link
 * SupportsCatalogOptions} so that every SaveMode reaches the DSv2 write: Spark refuses {@code
 * ErrorIfExists} and {@code Ignore} for a bare {@code TableProvider}, but turns them into a
 * create-table-as-select against a catalog, whose {@code tableExists} says whether the path already
 * holds a job.
 */
public class TogetherBatchDataSource
    implements SupportsCatalogOptions, DataSourceRegister, SessionConfigSupport {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(TogetherBatchDataSource.class);

  /** Name under which the source registers its catalog in the session. */
  public static final String CATALOG_NAME = "together_batch";

  static final String CATALOG_CONF = "spark.sql.catalog." + CATALOG_NAME;
  static final String REDACTION_CONF = "spark.sql.redaction.options.regex";

  @Override
  public String shortName() {
    return TogetherBatchOptions.SHORT_NAME;
  }

  @Override
  public String keyPrefix() {
    return TogetherBatchOptions.SHORT_NAME;
  }

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return ResultSchema.SCHEMA;
  }

  @Override
  public boolean supportsExternalMetadata() {
    return true;
  }

  @Override
  public Table getTable(
      StructType schema, Transform[] partitioning, Map<String, String> properties) {
    CaseInsensitiveStringMap options = new CaseInsensitiveStringMap(properties);
    return new TogetherBatchTable(JobRef.fromOptions(options));
  }

  @Override
  public Identifier extractIdentifier(CaseInsensitiveStringMap options) {
    return JobRef.fromOptions(options).toIdentifier();
  }

  @Override
  public String extractCatalog(CaseInsensitiveStringMap options) {
    SparkSession spark = SparkSession.active();
    if (!spark.conf().contains(CATALOG_CONF)) {
      spark.conf().set(CATALOG_CONF, TogetherBatchCatalog.class.getName());
    }
    protectApiKeyInPlans(spark);
    warnIfKeyInSparkConf(spark);
    return CATALOG_NAME;
  }

  /** Spark contexts and sessions already warned about (weak: they come and go in tests). */
  private static final Map<Object, Boolean> WARNED =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  /**
   * Warns, without the value, when the API key sits where Spark itself shows it:
   *
   * <ul>
   *   <li>in the start-up Spark configuration ({@code --conf
   *       spark.datasource.together-batch.apiKey=...}, spark-defaults.conf) while {@code
   *       spark.redaction.regex} does not cover the name (the default, {@code
   *       (?i)secret|password|token|access[.]?key}, does not): the UI's Environment tab and the
   *       event log show it. Spark records it before any data source runs.
   *   <li>set at run time ({@code spark.conf.set(...)}): Spark copies every session configuration
   *       into the properties of each job it runs, and its event log records those without any
   *       redaction.
   * </ul>
   *
   * Once per Spark context and once per session.
   */
  static void warnIfKeyInSparkConf(SparkSession spark) {
    try {
      String prefix = "spark.datasource." + TogetherBatchOptions.SHORT_NAME + ".";
      org.apache.spark.SparkConf conf = spark.sparkContext().getConf();
      String regex = conf.get("spark.redaction.regex", "(?i)secret|password|token|access[.]?key");
      Pattern redaction = Pattern.compile(regex);
      boolean inStartupConf = false;
      for (scala.Tuple2<String, String> kv : conf.getAllWithPrefix(prefix)) {
        if (kv._1().equalsIgnoreCase(TogetherBatchOptions.API_KEY.name())) {
          inStartupConf = true;
          String name = prefix + kv._1();
          if (!redaction.matcher(name).find() && WARNED.put(spark.sparkContext(), true) == null) {
            LOG.warn(
                "The Together API key is in the Spark configuration as '{}', which "
                    + "spark.redaction.regex does not cover: Spark shows its value in the UI's "
                    + "Environment tab and writes it to the event log. Give the key as the environment "
                    + "variable {} or the option 'apiKey' instead, or add apikey to "
                    + "spark.redaction.regex, e.g. --conf "
                    + "spark.redaction.regex='(?i)secret|password|token|access[.]?key|apikey'.",
                name,
                TogetherBatchOptions.API_KEY_ENV);
          }
        }
      }
      if (inStartupConf) {
        return;
      }
      for (String key :
          new String[] {
            prefix + TogetherBatchOptions.API_KEY.name(),
            prefix + TogetherBatchOptions.API_KEY.name().toLowerCase(java.util.Locale.ROOT)
          }) {
        String v = spark.conf().get(key, null);
        if (v != null && !v.isEmpty() && WARNED.put(spark, true) == null) {
          LOG.warn(
              "The Together API key is set as the session configuration '{}' at run time: "
                  + "Spark copies session configurations into the properties of every job it runs, "
                  + "which its event log (and any SparkListener) records unredacted. Give the key as "
                  + "the environment variable {} or the option 'apiKey' instead, or in the start-up "
                  + "configuration together with spark.redaction.regex covering apikey.",
              key,
              TogetherBatchOptions.API_KEY_ENV);
        }
      }
    } catch (RuntimeException e) {
      LOG.debug("Could not check the Spark configuration for the API key: {}", e.toString());
    }
  }

  /**
   * Spark prints data source options in plans (explain, the SQL tab, the event log), redacting the
   * keys that match {@code spark.sql.redaction.options.regex}; the default ("url") does not cover
   * {@code apiKey}, so it is added here.
   */
  static void protectApiKeyInPlans(SparkSession spark) {
    String current = spark.conf().get(REDACTION_CONF, "(?i)url");
    boolean covered;
    try {
      covered = Pattern.compile(current).matcher("apiKey").find();
    } catch (PatternSyntaxException e) {
      covered = false;
    }
    if (!covered) {
      spark
          .conf()
          .set(
              REDACTION_CONF,
              current == null || current.isEmpty()
                  ? "(?i)apikey"
                  : "(?:" + current + ")|(?i)apikey");
    }
  }

  /** Where a job is: a path (its manifest) or a list of batch ids. */
  static final class JobRef {
    static final String PATH_NAMESPACE = "path";
    static final String BATCH_NAMESPACE = "batch";

    final String path;
    final String batchIds;

    JobRef(String path, String batchIds) {
      this.path = path;
      this.batchIds = batchIds;
    }

    static JobRef fromOptions(CaseInsensitiveStringMap options) {
      String path = options.get(TogetherBatchOptions.PATH.key());
      String ids = options.get(TogetherBatchOptions.BATCH_ID.key());
      if ((path == null || path.isEmpty()) && (ids == null || ids.isBlank())) {
        throw new TogetherConfigException(
            "No job path: use save(path) / load(path) with a "
                + "directory on any Hadoop filesystem, or, to read, the option 'batchId'.");
      }
      return new JobRef(path == null || path.isEmpty() ? null : path, ids);
    }

    static JobRef fromIdentifier(Identifier ident) {
      String[] ns = ident.namespace();
      if (ns.length == 1 && BATCH_NAMESPACE.equals(ns[0])) {
        return new JobRef(null, ident.name());
      }
      return new JobRef(ident.name(), null);
    }

    Identifier toIdentifier() {
      return path != null
          ? Identifier.of(new String[] {PATH_NAMESPACE}, path)
          : Identifier.of(new String[] {BATCH_NAMESPACE}, batchIds.trim());
    }

    @Override
    public String toString() {
      return path != null ? path : "batches " + batchIds;
    }
  }
}
