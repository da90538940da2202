package io.github.sparktogetherbatch;

import io.github.sparktogetherbatch.config.TogetherBatchOptions;
import java.util.Map;
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
  /** Name under which the source registers its catalog in the session. */
  public static final String CATALOG_NAME = "together_batch";

  static final String CATALOG_CONF = "spark.sql.catalog." + CATALOG_NAME;

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
    return new TogetherBatchTable(JobRef.fromOptions(options)).schema();
  }

  @Override
  public boolean supportsExternalMetadata() {
    return true;
  }

  @Override
  public Table getTable(
      StructType schema, Transform[] partitioning, Map<String, String> properties) {
    CaseInsensitiveStringMap options = new CaseInsensitiveStringMap(properties);
    // a streaming write reaches the table here, not through extractCatalog: its plan (printed in
    // a failed query's exception) shows the options too
    SparkSession spark = SparkSession.active();
    ApiKeyExposure.protectInPlans(spark);
    ApiKeyExposure.warnIfInSparkConf(spark);
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
    ApiKeyExposure.protectInPlans(spark);
    ApiKeyExposure.warnIfInSparkConf(spark);
    return CATALOG_NAME;
  }
}
