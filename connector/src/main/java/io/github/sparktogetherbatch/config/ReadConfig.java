package io.github.sparktogetherbatch.config;

import static io.github.sparktogetherbatch.config.TogetherBatchOptions.AVAILABLE_NOW_WAIT;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.BATCH_ID;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.MAX_BATCHES_PER_TRIGGER;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.PATH;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.POLL_INTERVAL;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.PRICING;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.PROGRESS;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.RESPONSE_SCHEMA;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.VIEW;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.WAIT;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.WAIT_TIMEOUT;

import io.github.sparktogetherbatch.client.TogetherClientConfig;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.types.StructType;

/** The read side's options, parsed and checked once on the driver. */
public final class ReadConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Option {@code progress}: the console line when Spark shows its own console progress. */
  public static final String PROGRESS_AUTO = "auto";

  /** Option {@code progress}: always the console line. */
  public static final String PROGRESS_CONSOLE = "console";

  /** Option {@code progress}: INFO log lines only. */
  public static final String PROGRESS_LOG = "log";

  static final List<String> PROGRESS_MODES = List.of(PROGRESS_AUTO, PROGRESS_CONSOLE, PROGRESS_LOG);

  private final TogetherClientConfig client;
  private final String path;
  private final List<String> batchIds;
  private final boolean waitForCompletion;
  private final long pollIntervalMillis;
  private final long waitTimeoutMillis;
  private final String view;
  private final String pricing;
  private final String progress;
  private final StructType responseSchema;
  private final Integer maxBatchesPerTrigger;
  private final boolean availableNowWait;

  private ReadConfig(TogetherClientConfig client, OptionResolver o) {
    this.client = client;
    this.path = o.get(PATH);
    List<String> ids = o.get(BATCH_ID);
    this.batchIds = ids == null ? new ArrayList<>() : new ArrayList<>(ids);
    if (path == null && batchIds.isEmpty()) {
      throw new TogetherConfigException(
          "Nothing to read: give the job path to load(path), or the option '"
              + BATCH_ID.name()
              + "' with one or more comma-separated batch ids.");
    }
    this.waitForCompletion = o.get(WAIT);
    this.pollIntervalMillis = o.get(POLL_INTERVAL).toMillis();
    this.waitTimeoutMillis = o.get(WAIT_TIMEOUT).toMillis();
    this.view = o.get(VIEW);
    this.pricing = o.get(PRICING);
    this.progress = o.get(PROGRESS);
    this.responseSchema = o.get(RESPONSE_SCHEMA);
    this.maxBatchesPerTrigger = o.get(MAX_BATCHES_PER_TRIGGER);
    this.availableNowWait = o.get(AVAILABLE_NOW_WAIT);
  }

  /** Parses the read options ({@code options}: lower-case keys, a CaseInsensitiveStringMap). */
  public static ReadConfig parse(
      Map<String, String> options, Function<String, String> env, String sparkVersion) {
    TogetherBatchOptions.checkNames(options);
    OptionResolver resolver = new OptionResolver(options, env);
    return new ReadConfig(ClientSettings.fromOptions(resolver, sparkVersion), resolver);
  }

  public TogetherClientConfig client() {
    return client;
  }

  /** The job path, or null when reading by batch id. */
  public String path() {
    return path;
  }

  /** Batch ids given with the option batchId (may be empty when a path is given). */
  public List<String> batchIds() {
    return Collections.unmodifiableList(batchIds);
  }

  public boolean waitForCompletion() {
    return waitForCompletion;
  }

  public Duration pollInterval() {
    return Duration.ofMillis(pollIntervalMillis);
  }

  /** Whether the read is the batch view (one row per batch) rather than the results. */
  public boolean batchView() {
    return TogetherBatchOptions.VIEW_BATCHES.equals(view);
  }

  /** The option {@code pricing} (batch prices given by the user), or null. */
  public String pricing() {
    return pricing;
  }

  public Duration waitTimeout() {
    return Duration.ofMillis(waitTimeoutMillis);
  }

  /**
   * How the wait is shown: {@link #PROGRESS_AUTO}, {@link #PROGRESS_CONSOLE} or {@link
   * #PROGRESS_LOG}.
   */
  public String progress() {
    return progress;
  }

  /** The option {@code responseSchema} (else the job's recorded one applies), or null. */
  public StructType responseSchema() {
    return responseSchema;
  }

  /** readStream: the most finished batches one micro-batch takes, or null for no limit. */
  public Integer maxBatchesPerTrigger() {
    return maxBatchesPerTrigger;
  }

  /**
   * readStream with {@code Trigger.AvailableNow}: whether the run waits for every batch the job
   * lists at its start.
   */
  public boolean availableNowWait() {
    return availableNowWait;
  }

  @Override
  public String toString() {
    return "ReadConfig{path="
        + path
        + ", batchIds="
        + batchIds
        + ", wait="
        + waitForCompletion
        + ", pollInterval="
        + pollIntervalMillis
        + "ms, waitTimeout="
        + waitTimeoutMillis
        + "ms, progress="
        + progress
        + ", "
        + client
        + "}";
  }
}
