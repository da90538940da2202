package io.github.sparktogetherbatch.read;

import io.github.sparktogetherbatch.client.BatchJob;
import io.github.sparktogetherbatch.client.BatchStatus;
import io.github.sparktogetherbatch.client.ModelObject;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.codec.ParsedContent;
import io.github.sparktogetherbatch.codec.ResultSchema;
import io.github.sparktogetherbatch.config.ReadConfig;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import io.github.sparktogetherbatch.exceptions.TogetherJobException;
import io.github.sparktogetherbatch.manifest.BatchEntry;
import io.github.sparktogetherbatch.manifest.HadoopConfs;
import io.github.sparktogetherbatch.manifest.JobFolder;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.manifest.ResubmittedIds;
import io.github.sparktogetherbatch.metrics.ReadMetrics;
import io.github.sparktogetherbatch.preflight.Preflight;
import io.github.sparktogetherbatch.pricing.BatchPrices;
import io.github.sparktogetherbatch.pricing.PriceSources;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read of a job: one input partition per batch. Planning ({@link #planInputPartitions()}, on
 * the driver) finds the batches (the manifest at the path, or the option {@code batchId}), runs the
 * {@link Preflight} (one call: the key) before the first poll, waits for them with {@link
 * BatchPoller} (unless {@code wait=false}), and decides per batch:
 *
 * <ul>
 *   <li>{@code COMPLETED}: its results, reconciled against its custom_ids (the record the write
 *       left at the job path; for older jobs, the input file) (every request one row: {@code
 *       succeeded}, {@code failed}, or {@code missing});
 *   <li>{@code EXPIRED}, {@code CANCELLED}: the same: the requests it finished, and a {@code
 *       missing} row (error_code {@code batch_expired} / {@code batch_cancelled}) for each other;
 *   <li>{@code FAILED}: if no batch of the job COMPLETED, the read fails with a {@link
 *       TogetherJobException} naming every failed batch with its own error message and the
 *       per-request reasons of its error file ({@link FailedBatchReasons}). If another batch of the
 *       job COMPLETED, the read goes on: the failed batch's requests come back as {@code failed}
 *       rows, with the code and message of their line in the batch's error file when it names them,
 *       else with error_code {@code batch_failed} and the batch's error (results it did produce, if
 *       any, are returned as they are);
 *   <li>still running ({@code wait=false} only): one {@code pending} row per submitted request.
 * </ul>
 */
final class TogetherScan implements Scan, Batch {
  private static final Logger LOG = LoggerFactory.getLogger(TogetherScan.class);

  private final ReadConfig config;
  private final StructType schema;
  private final int[] columns;
  private InputPartition[] planned;

  /** The job path's files (custom_id records), once planning read a manifest; else null. */
  private volatile JobFolder jobFolder;

  /** HTTP retries of the driver's client while planning (status polls). */
  private volatile long driverRetries;

  /** The decoding of the column parsed, or null when the job has no responseSchema. */
  private final ParsedContent parsed;

  TogetherScan(ReadConfig config, StructType schema, int[] columns, ParsedContent parsed) {
    this.config = config;
    this.schema = schema;
    this.columns = columns.clone();
    this.parsed = parsed;
  }

  @Override
  public StructType readSchema() {
    return schema;
  }

  @Override
  public String description() {
    return "together-batch "
        + jobLabel()
        + " [wait="
        + config.waitForCompletion()
        + ", pollInterval="
        + BatchPoller.formatDuration(config.pollInterval().toMillis())
        + ", waitTimeout="
        + BatchPoller.formatDuration(config.waitTimeout().toMillis())
        + "]";
  }

  @Override
  public Batch toBatch() {
    return this;
  }

  @Override
  public CustomMetric[] supportedCustomMetrics() {
    return ReadMetrics.supported();
  }

  @Override
  public synchronized InputPartition[] planInputPartitions() {
    if (planned == null) {
      planned = plan();
    }
    return planned.clone();
  }

  /** The driver's metrics, which Spark reads once the partitions are planned. */
  @Override
  public CustomTaskMetric[] reportDriverMetrics() {
    return new CustomTaskMetric[] {
      ReadMetrics.task(ReadMetrics.DRIVER_HTTP_RETRIES, driverRetries)
    };
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    return new TogetherPartitionReaderFactory(columns, parsed, jobFolder);
  }

  private String jobLabel() {
    if (config.path() != null && config.batchIds().isEmpty()) {
      return "job at " + config.path();
    }
    return "batch(es) " + String.join(", ", config.batchIds());
  }

  /**
   * A batch to read: its id, and its input file, request count (else -1), custom_id record
   * (absolute) and attempt when the manifest knows them.
   */
  private static final class Target {
    final String batchId;
    final String inputFileId;
    final BatchEntry entry;
    final long requests;
    final String idRecord;

    Target(String batchId, String inputFileId, BatchEntry entry, String idRecord) {
      this.batchId = batchId;
      this.inputFileId = inputFileId;
      this.entry = entry;
      this.requests = entry == null ? -1 : entry.requests();
      this.idRecord = idRecord;
    }

    int attempt() {
      return entry == null ? 1 : entry.attempt();
    }
  }

  /** The job's manifest, once {@link #resolve()} has read it (null when reading by id alone). */
  private JobManifest manifest;

  private InputPartition[] plan() {
    String job = jobLabel();
    List<Target> targets = resolve();
    if (targets.isEmpty()) {
      LOG.warn("The {} has no batches: the read returns no rows", job);
      return new InputPartition[0];
    }
    List<String> ids = new ArrayList<>();
    for (Target t : targets) {
      ids.add(t.batchId);
    }
    LOG.info("Reading {}: {} batch(es) {}", job, ids.size(), ids);
    List<ModelObject> models = Preflight.beforeRead(config.client());
    Map<String, BatchJob> state;
    Map<String, Long> requests = new HashMap<>();
    for (Target t : targets) {
      if (t.requests >= 0) {
        requests.put(t.batchId, t.requests);
      }
    }
    WaitDisplay display = WaitDisplay.start(config.progress(), job, requests);
    try (TogetherClient client = new TogetherClient(config.client())) {
      BatchPoller poller =
          new BatchPoller(client, config.pollInterval(), config.waitTimeout(), job, display);
      try {
        state = config.waitForCompletion() ? poller.awaitTerminal(ids) : poller.pollOnce(ids);
      } finally {
        driverRetries = client.stats().retries();
        display.close();
      }
    }

    List<String> failedIds = new ArrayList<>();
    boolean anyCompleted = false;
    for (BatchJob b : state.values()) {
      if (b.status() == BatchStatus.FAILED) {
        failedIds.add(b.id());
      } else if (b.status() == BatchStatus.COMPLETED) {
        anyCompleted = true;
      }
    }
    if (!failedIds.isEmpty() && !anyCompleted) {
      StringBuilder sb = new StringBuilder();
      try (TogetherClient client = new TogetherClient(config.client())) {
        for (String id : failedIds) {
          String err = state.get(id).error();
          sb.append(sb.length() == 0 ? "" : "; ")
              .append("batch ")
              .append(id)
              .append(" FAILED: ")
              .append(err == null || err.isBlank() ? "Together gave no reason" : err)
              .append('.')
              .append(FailedBatchReasons.of(client, state.get(id)));
        }
      }
      throw new TogetherJobException(
          "The "
              + job
              + " failed and no batch of it completed: "
              + sb
              + " Fix the cause (often the input file, the model or the endpoint) and write the job "
              + "again.",
          failedIds);
    }

    BatchPrices prices = prices(models);
    List<TogetherInputPartition> parts = new ArrayList<>();
    Map<String, List<String>> retryOf = new HashMap<>();
    for (Target t : targets) {
      BatchJob b = state.get(t.batchId);
      TogetherInputPartition.Mode mode = TogetherInputPartition.Mode.of(b);
      if (mode == TogetherInputPartition.Mode.FAILED_BATCH) {
        LOG.warn(
            "Batch {} FAILED ({}); other batches of the {} completed, so its requests are "
                + "returned as failed rows with error_code {}",
            b.id(),
            b.error(),
            job,
            UnansweredRows.BATCH_FAILED_CODE);
      } else if (b.status() == BatchStatus.EXPIRED || b.status() == BatchStatus.CANCELLED) {
        LOG.warn(
            "Batch {} ended {}: the requests it finished are returned, the others as "
                + "missing rows",
            b.id(),
            b.status());
      }
      String input = t.inputFileId != null ? t.inputFileId : b.inputFileId();
      parts.add(
          TogetherInputPartition.forBatch(
                  b, input, mode, config.client(), jobFolder == null ? null : t.idRecord)
              .withAttempt(t.attempt(), prices)
              .withRecordedIds(
                  t.attempt() > 1 && config.path() != null
                      ? ResubmittedIds.read(
                          config.path(), input, HadoopConfs.forSession(SparkSession.active()))
                      : null));
      if (t.entry != null && !t.entry.retryOf().isEmpty()) {
        retryOf.put(t.batchId, t.entry.retryOf());
      }
    }
    return AttemptGroups.group(parts, retryOf).toArray(new InputPartition[0]);
  }

  /**
   * The batch prices when the query reads {@code cost_usd}, else none: from the option pricing, or
   * the model list the preflight fetched (no further call).
   */
  private BatchPrices prices(List<ModelObject> models) {
    if (!wantsCost(columns)) {
      return BatchPrices.NONE;
    }
    return PriceSources.resolve(
        models, config.pricing(), manifest == null ? null : manifest.model());
  }

  /** Whether the query reads {@code cost_usd} (so that prices are needed). */
  static boolean wantsCost(int[] columns) {
    for (int c : columns) {
      if (c != ResultSchema.PARSED_POSITION
          && ResultSchema.Column.at(c) == ResultSchema.Column.COST_USD) {
        return true;
      }
    }
    return false;
  }

  /**
   * The batches to read: the option batchId (input files from the manifest when known), or the
   * manifest's.
   */
  private List<Target> resolve() {
    Optional<JobManifest> manifest = Optional.empty();
    if (config.path() != null) {
      Configuration conf = HadoopConfs.forSession(SparkSession.active());
      manifest = JobManifest.read(config.path(), conf);
      if (manifest.isPresent() && !manifest.get().customIdRecords().isEmpty()) {
        jobFolder = JobFolder.of(conf, config.path(), null);
      }
      if (manifest.isEmpty() && config.batchIds().isEmpty()) {
        throw new TogetherConfigException(
            "There is no together-batch job at "
                + config.path()
                + " (no manifest-*.json there). Check the path, write a job there first with "
                + "df.write().format(\"together-batch\").save(path), or read batches directly with "
                + "the option 'batchId'.");
      }
    }
    List<Target> out = new ArrayList<>();
    Map<String, BatchEntry> known = new HashMap<>();
    manifest.ifPresent(m -> m.batches().forEach(b -> known.put(b.batchId(), b)));
    if (!config.batchIds().isEmpty()) {
      this.manifest = manifest.orElse(null);
      for (String id : config.batchIds()) {
        BatchEntry b = known.get(id);
        out.add(b == null ? new Target(id, null, null, null) : target(b));
      }
      return out;
    }
    JobManifest m = manifest.get();
    this.manifest = m;
    if (!m.pendingFiles().isEmpty()) {
      LOG.warn(
          "The job at {} lists {} uploaded input file(s) without a batch (an interrupted "
              + "write?); they are not part of the read",
          config.path(),
          m.pendingFiles().size());
    }
    if (!m.carried().isEmpty()) {
      LOG.warn(
          "The job at {} carries {} request(s) of small streaming epochs, not yet submitted "
              + "(option maxCarryDelay); they are not part of the read. The query submits them "
              + "when they reach minRequestsPerBatch or have waited maxCarryDelay; if it has "
              + "stopped, its next epoch or an append of an empty DataFrame to the path does",
          config.path(),
          m.carriedRequests());
    }
    for (BatchEntry b : m.batches()) {
      out.add(target(b));
    }
    return out;
  }

  private Target target(BatchEntry b) {
    String record =
        b.customIds() == null || jobFolder == null ? null : jobFolder.resolve(b.customIds());
    return new Target(b.batchId(), emptyToNull(b.inputFileId()), b, record);
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  @Override
  public String toString() {
    return description();
  }
}
