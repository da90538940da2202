package io.github.sparktogetherbatch.metrics;

import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomSumMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;

/**
 * The write's Spark UI metrics (DSv2 custom metrics, shown on the write node of the SQL tab). Per
 * task: requests encoded, bytes uploaded, files uploaded (bytes and files are counted as a task
 * stages them, since Spark 3.5 reads task metrics just before the task's commit uploads; Spark sums
 * successful tasks only, and a successful task uploads exactly what it staged, so the totals are
 * what was uploaded). Spark 3.5 shows them for append and overwrite; for the create path
 * (ErrorIfExists, Ignore) it attaches no DSv2 custom metrics to the plan. On the driver: batches
 * created and HTTP retries (reported through {@code Write.reportDriverMetrics()}, which Spark 4.x
 * calls; Spark 3.5 shows the metrics without a value, and the write's INFO summary line gives
 * them). Public with no-argument constructors: Spark instantiates them by class name.
 */
public final class WriteMetrics {
  private WriteMetrics() {}

  public static final String REQUESTS_ENCODED = "requestsEncoded";
  public static final String BYTES_UPLOADED = "bytesUploaded";
  public static final String FILES_UPLOADED = "filesUploaded";
  public static final String BATCHES_CREATED = "batchesCreated";
  public static final String HTTP_RETRIES = "httpRetries";

  /** Rows encoded into request lines. */
  public static final class RequestsEncoded extends CustomSumMetric {
    @Override
    public String name() {
      return REQUESTS_ENCODED;
    }

    @Override
    public String description() {
      return "requests encoded";
    }
  }

  /** Bytes of JSONL uploaded as batch input files. */
  public static final class BytesUploaded extends CustomSumMetric {
    @Override
    public String name() {
      return BYTES_UPLOADED;
    }

    @Override
    public String description() {
      return "bytes uploaded";
    }
  }

  /** Batch input files uploaded. */
  public static final class FilesUploaded extends CustomSumMetric {
    @Override
    public String name() {
      return FILES_UPLOADED;
    }

    @Override
    public String description() {
      return "files uploaded";
    }
  }

  /** Batches created on the driver (this write's and any resumed from an interrupted one). */
  public static final class BatchesCreated extends CustomSumMetric {
    @Override
    public String name() {
      return BATCHES_CREATED;
    }

    @Override
    public String description() {
      return "batches created";
    }
  }

  /**
   * HTTP requests repeated after a transient fault (429, 5xx, timeout, reset) by the whole write:
   * the uploads of the committed tasks (each reports its count in its commit message) and the
   * driver's calls (batch creation, clean-up). Reported on the driver, like batches created.
   */
  public static final class HttpRetries extends CustomSumMetric {
    @Override
    public String name() {
      return HTTP_RETRIES;
    }

    @Override
    public String description() {
      return "HTTP retries";
    }
  }

  public static CustomMetric[] supported() {
    return new CustomMetric[] {
      new RequestsEncoded(),
      new BytesUploaded(),
      new FilesUploaded(),
      new BatchesCreated(),
      new HttpRetries()
    };
  }

  public static CustomTaskMetric value(String name, long value) {
    return TaskMetricValue.of(name, value);
  }
}
