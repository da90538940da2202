package io.github.sparktogetherbatch.read;

import io.github.sparktogetherbatch.client.BatchJob;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.config.ReadConfig;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import io.github.sparktogetherbatch.manifest.BatchEntry;
import io.github.sparktogetherbatch.manifest.CarriedFile;
import io.github.sparktogetherbatch.manifest.HadoopConfs;
import io.github.sparktogetherbatch.manifest.JobManifest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch view of a job ({@code view=batches}): one row per batch, a snapshot taken when the
 * query is planned, without waiting, and one row ({@value #CARRIED}) per file of requests the job
 * carries, not yet submitted. The driver asks Together for each batch once (one {@code GET
 * /batches/{id}} each) and hands the rows to a single partition.
 */
public final class BatchViewScan implements ScanBuilder, Scan, Batch {
  private static final Logger LOG = LoggerFactory.getLogger(BatchViewScan.class);

  /**
   * The status of the view's rows for requests the job carries (small streaming epochs waiting to
   * share a batch, option {@code maxCarryDelay}): no batch yet, so {@code batch_id} is null.
   */
  public static final String CARRIED = "carried";

  private final ReadConfig config;
  private InputPartition[] planned;
  private JobManifest manifest;

  public BatchViewScan(ReadConfig config) {
    this.config = config;
  }

  @Override
  public Scan build() {
    return this;
  }

  @Override
  public StructType readSchema() {
    return BatchViewSchema.SCHEMA;
  }

  @Override
  public String description() {
    return "together-batch batch view of "
        + (config.path() != null && config.batchIds().isEmpty()
            ? "the job at " + config.path()
            : "batch(es) " + String.join(", ", config.batchIds()));
  }

  @Override
  public Batch toBatch() {
    return this;
  }

  /** The view is a snapshot: it cannot be streamed. */
  @Override
  public org.apache.spark.sql.connector.read.streaming.MicroBatchStream toMicroBatchStream(
      String checkpointLocation) {
    throw new TogetherConfigException(
        "The batch view (option 'view' = 'batches') is a snapshot and cannot be read as a stream:"
            + " use spark.read() for it, or readStream() without the option 'view' for the"
            + " results of finished batches.");
  }

  @Override
  public synchronized InputPartition[] planInputPartitions() {
    if (planned == null) {
      planned = new InputPartition[] {new BatchViewPartition(snapshot())};
    }
    return planned.clone();
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    return new BatchViewReaderFactory();
  }

  /** The batches to show, each with what the manifest knows of it (or null). */
  private Map<String, BatchEntry> batches() {
    Optional<JobManifest> manifest = Optional.empty();
    if (config.path() != null) {
      manifest = JobManifest.read(config.path(), HadoopConfs.forSession(SparkSession.active()));
      if (manifest.isEmpty() && config.batchIds().isEmpty()) {
        throw new TogetherConfigException(
            "There is no together-batch job at "
                + config.path()
                + " (no manifest-*.json there). Check the path, or show batches directly with the "
                + "option 'batchId'.");
      }
    }
    Map<String, BatchEntry> known = new LinkedHashMap<>();
    manifest.ifPresent(m -> m.batches().forEach(b -> known.put(b.batchId(), b)));
    this.manifest = manifest.orElse(null);
    if (config.batchIds().isEmpty()) {
      return known;
    }
    Map<String, BatchEntry> out = new LinkedHashMap<>();
    for (String id : config.batchIds()) {
      out.put(id, known.get(id));
    }
    return out;
  }

  private List<BatchViewPartition.Values> snapshot() {
    Map<String, BatchEntry> batches = batches();
    List<BatchViewPartition.Values> rows = new ArrayList<>();
    try (TogetherClient client = new TogetherClient(config.client())) {
      for (Map.Entry<String, BatchEntry> e : batches.entrySet()) {
        BatchJob b = client.getBatch(e.getKey());
        BatchEntry m = e.getValue();
        rows.add(
            new BatchViewPartition.Values(
                b.id(),
                b.rawStatus(),
                b.progress(),
                m == null || m.requests() < 0 ? null : m.requests(),
                m == null ? 1 : m.attempt(),
                micros(b.createdAt() != null ? b.createdAt() : m == null ? null : m.createdAt()),
                micros(b.completedAt()),
                b.inputFileId() != null ? b.inputFileId() : m == null ? null : m.inputFileId(),
                emptyToNull(b.outputFileId()),
                emptyToNull(b.errorFileId()),
                emptyToNull(b.error()),
                m == null || m.stream() == null ? null : m.stream().epoch()));
      }
    }
    LOG.info("{}: {} batch(es)", description(), rows.size());
    if (manifest != null && config.batchIds().isEmpty()) {
      for (CarriedFile c : manifest.carried()) {
        rows.add(
            new BatchViewPartition.Values(
                null,
                CARRIED,
                null,
                c.requests(),
                1,
                micros(c.carriedAt()),
                null,
                null,
                null,
                null,
                null,
                c.stream() == null ? null : c.stream().epoch()));
      }
    }
    return rows;
  }

  private static Long micros(Instant t) {
    return t == null ? null : t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000L;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  @Override
  public String toString() {
    return description();
  }
}
