package io.github.sparktogetherbatch;

import io.github.sparktogetherbatch.exceptions.TogetherJobExistsException;
import io.github.sparktogetherbatch.manifest.HadoopConfs;
import io.github.sparktogetherbatch.manifest.JobManifest;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCatalog;
import org.apache.spark.sql.connector.catalog.TableChange;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The catalog {@link TogetherBatchDataSource} names so that Spark routes every SaveMode through the
 * DSv2 write. A "table" is a job path (or a list of batch ids); it "exists" when the path holds a
 * job manifest; a write in the default save mode to such a path fails with {@link
 * TogetherJobExistsException}, naming the modes. Creating one writes nothing (the manifest is
 * written when batches are created); dropping one never deletes a job.
 */
public final class TogetherBatchCatalog implements TableCatalog {
  private String name = TogetherBatchDataSource.CATALOG_NAME;

  @Override
  public void initialize(String name, CaseInsensitiveStringMap options) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Identifier[] listTables(String[] namespace) {
    return new Identifier[0];
  }

  @Override
  public Table loadTable(Identifier ident) {
    return new TogetherBatchTable(JobRef.fromIdentifier(ident));
  }

  @Override
  public boolean tableExists(Identifier ident) {
    JobRef job = JobRef.fromIdentifier(ident);
    if (job.path == null) {
      return true;
    }
    SparkSession spark = SparkSession.active();
    if (!JobManifest.exists(job.path, HadoopConfs.forSession(spark))) {
      return false;
    }
    if (CreateModeProbe.refusesExistingJob(spark)) {
      throw new TogetherJobExistsException(job.path);
    }
    return true;
  }

  @Override
  public Table createTable(
      Identifier ident, StructType schema, Transform[] partitions, Map<String, String> properties) {
    return loadTable(ident);
  }

  @Override
  public Table alterTable(Identifier ident, TableChange... changes) {
    throw new UnsupportedOperationException("A together-batch job cannot be altered.");
  }

  /**
   * Never deletes a job: Spark calls this after a failed create-as-select, and batches may exist.
   */
  @Override
  public boolean dropTable(Identifier ident) {
    return false;
  }

  @Override
  public void renameTable(Identifier oldIdent, Identifier newIdent) {
    throw new UnsupportedOperationException("A together-batch job cannot be renamed.");
  }
}
