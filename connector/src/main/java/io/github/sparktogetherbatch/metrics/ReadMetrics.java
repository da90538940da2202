package io.github.sparktogetherbatch.metrics;

import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomSumMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;

/**
 * The read's Spark UI metrics (DSv2 custom metrics, summed over tasks): rows by status, results
 * whose {@code custom_id} was not submitted, duplicate results, tokens, and bytes downloaded.
 *
 * <p>The metric classes are public with a public no-argument constructor because Spark's SQL UI
 * (and the history server) instantiates them by class name to aggregate task values.
 */
public final class ReadMetrics {
  private ReadMetrics() {}

  public static final String ROWS_SUCCEEDED = "rowsSucceeded";
  public static final String ROWS_FAILED = "rowsFailed";
  public static final String ROWS_MISSING = "rowsMissing";
  public static final String ROWS_PENDING = "rowsPending";
  public static final String UNKNOWN_RESULTS = "unknownResults";
  public static final String DUPLICATE_RESULTS = "duplicateResults";
  public static final String PROMPT_TOKENS = "promptTokens";
  public static final String COMPLETION_TOKENS = "completionTokens";
  public static final String TOTAL_TOKENS = "totalTokens";
  public static final String BYTES_DOWNLOADED = "bytesDownloaded";
  public static final String DOWNLOAD_RESUMES = "downloadResumes";
  public static final String HTTP_RETRIES = "httpRetries";
  public static final String DRIVER_HTTP_RETRIES = "driverHttpRetries";
  public static final String ANSWERS_PARSED = "answersParsed";

  /** The metrics a scan declares, in display order. */
  public static CustomMetric[] supported() {
    return new CustomMetric[] {
      new RowsSucceeded(), new RowsFailed(), new RowsMissing(), new RowsPending(),
      new UnknownResults(), new DuplicateResults(), new PromptTokens(), new CompletionTokens(),
      new TotalTokens(), new BytesDownloaded(), new DownloadResumes(), new HttpRetries(),
      new DriverHttpRetries(), new AnswersParsed(),
    };
  }

  /** One task-side value. */
  public static CustomTaskMetric task(String name, long value) {
    return TaskMetricValue.of(name, value);
  }

  /** Rows with status {@code succeeded}. */
  public static final class RowsSucceeded extends CustomSumMetric {
    @Override
    public String name() {
      return ROWS_SUCCEEDED;
    }

    @Override
    public String description() {
      return "rows succeeded";
    }
  }

  /** Rows with status {@code failed}. */
  public static final class RowsFailed extends CustomSumMetric {
    @Override
    public String name() {
      return ROWS_FAILED;
    }

    @Override
    public String description() {
      return "rows failed";
    }
  }

  /** Rows with status {@code missing} (in neither result file). */
  public static final class RowsMissing extends CustomSumMetric {
    @Override
    public String name() {
      return ROWS_MISSING;
    }

    @Override
    public String description() {
      return "rows missing";
    }
  }

  /** Rows with status {@code pending} (batch still running, {@code wait=false}). */
  public static final class RowsPending extends CustomSumMetric {
    @Override
    public String name() {
      return ROWS_PENDING;
    }

    @Override
    public String description() {
      return "rows pending";
    }
  }

  /** Result lines whose custom_id is not in the batch's input file (reported, not returned). */
  public static final class UnknownResults extends CustomSumMetric {
    @Override
    public String name() {
      return UNKNOWN_RESULTS;
    }

    @Override
    public String description() {
      return "results with unknown custom_id";
    }
  }

  /** Result lines for a custom_id that already had a row (dropped). */
  public static final class DuplicateResults extends CustomSumMetric {
    @Override
    public String name() {
      return DUPLICATE_RESULTS;
    }

    @Override
    public String description() {
      return "duplicate results dropped";
    }
  }

  /** Sum of prompt_tokens. */
  public static final class PromptTokens extends CustomSumMetric {
    @Override
    public String name() {
      return PROMPT_TOKENS;
    }

    @Override
    public String description() {
      return "prompt tokens";
    }
  }

  /** Sum of completion_tokens. */
  public static final class CompletionTokens extends CustomSumMetric {
    @Override
    public String name() {
      return COMPLETION_TOKENS;
    }

    @Override
    public String description() {
      return "completion tokens";
    }
  }

  /** Sum of total_tokens. */
  public static final class TotalTokens extends CustomSumMetric {
    @Override
    public String name() {
      return TOTAL_TOKENS;
    }

    @Override
    public String description() {
      return "total tokens";
    }
  }

  /** Bytes of input, output and error files downloaded. */
  public static final class BytesDownloaded extends CustomSumMetric {
    @Override
    public String name() {
      return BYTES_DOWNLOADED;
    }

    @Override
    public String description() {
      return "bytes downloaded";
    }
  }

  /** Downloads resumed with a Range request after a broken connection. */
  public static final class DownloadResumes extends CustomSumMetric {
    @Override
    public String name() {
      return DOWNLOAD_RESUMES;
    }

    @Override
    public String description() {
      return "download resumes";
    }
  }

  /** HTTP requests the read tasks repeated after a transient fault (downloads). */
  public static final class HttpRetries extends CustomSumMetric {
    @Override
    public String name() {
      return HTTP_RETRIES;
    }

    @Override
    public String description() {
      return "HTTP retries (executors)";
    }
  }

  /** HTTP requests the driver repeated after a transient fault while waiting (status polls). */
  public static final class DriverHttpRetries extends CustomSumMetric {
    @Override
    public String name() {
      return DRIVER_HTTP_RETRIES;
    }

    @Override
    public String description() {
      return "HTTP retries (driver)";
    }
  }

  /** Answers decoded with the job's responseSchema (column parsed, or the status it decides). */
  public static final class AnswersParsed extends CustomSumMetric {
    @Override
    public String name() {
      return ANSWERS_PARSED;
    }

    @Override
    public String description() {
      return "answers parsed with responseSchema";
    }
  }
}
