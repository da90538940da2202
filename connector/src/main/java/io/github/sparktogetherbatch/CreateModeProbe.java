package io.github.sparktogetherbatch;

import java.lang.reflect.Method;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the catalog whether the write asking if a job exists is a create that refuses an existing
 * one ({@code SaveMode.ErrorIfExists}) rather than one that skips it ({@code SaveMode.Ignore}).
 *
 * <p>DataSource V2 hands the save mode to no source: both modes become a create-table-as-select
 * that asks {@code tableExists} and then either throws Spark's own "table already exists" error or
 * does nothing. To name the save modes in our own message instead, this looks, by reflection only,
 * at the plan Spark is executing (the current SQL execution's logical plan, a {@code
 * CreateTableAsSelect} with its {@code ignoreIfExists} flag). Whenever anything is not as expected
 * (another Spark version, another command, no execution), the answer is "unknown" and Spark's own
 * behaviour stays.
 */
final class CreateModeProbe {
  private static final Logger LOG = LoggerFactory.getLogger(CreateModeProbe.class);

  private static final String EXECUTION_ID = "spark.sql.execution.id";
  private static final String SQL_EXECUTION = "org.apache.spark.sql.execution.SQLExecution";
  private static final String CTAS = "CreateTableAsSelect";

  private CreateModeProbe() {}

  /** True only when Spark is running a create-as-select that fails on an existing table. */
  static boolean refusesExistingJob(SparkSession spark) {
    try {
      String id = spark.sparkContext().getLocalProperty(EXECUTION_ID);
      if (id == null) {
        return false;
      }
      Method get = Class.forName(SQL_EXECUTION).getMethod("getQueryExecution", long.class);
      Object execution = get.invoke(null, Long.parseLong(id));
      if (execution == null) {
        return false;
      }
      Object plan = execution.getClass().getMethod("logical").invoke(execution);
      if (plan == null || !CTAS.equals(plan.getClass().getSimpleName())) {
        return false;
      }
      Object ignore = plan.getClass().getMethod("ignoreIfExists").invoke(plan);
      return Boolean.FALSE.equals(ignore);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      LOG.debug("Cannot tell the save mode of this write; Spark's own check applies", e);
      return false;
    }
  }
}
