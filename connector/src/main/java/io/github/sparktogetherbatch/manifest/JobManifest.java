package io.github.sparktogetherbatch.manifest;

import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;

/**
 * The record of a job at its path: which batches exist (and over which input files), and which
 * uploaded files are still waiting for a batch. Immutable; every change is written as a new
 * numbered file {@code manifest-000001.json}, {@code manifest-000002.json}, ... (each written once
 * under its final name, never renamed: {@link ManifestFiles}), so a crash at any point leaves the
 * last complete version readable, on a file system and on an object store alike. Readers take the
 * highest version that parses.
 *
 * <p>Format (JSON, {@code "format": "spark-together-batch-manifest"}, {@code "formatVersion": 2}):
 * {@code jobId}, {@code createdAt}, {@code updatedAt}, {@code endpoint}, {@code model}, {@code
 * connectorVersion}, {@code responseSchema} (optional: the StructType JSON every request asked
 * for), {@code batches: [{batchId, inputFileId, requests, bytes, createdAt, writeId, customIds}]},
 * {@code pendingFiles: [{inputFileId, requests, bytes, writeId, customIds}]}. {@code customIds}
 * (since version 2) names the input file's custom_id record relative to the job path ({@link
 * JobFolder}); version 1 manifests have none, and their reads reconcile from the input file.
 * Version 3 adds what streaming writes need: {@code streams: {queryId: lastEpoch}} and, on batches
 * and pending files, {@code queryId} and {@code epoch}; it is written only by jobs a streaming
 * query wrote to (so older connectors still read, and refuse to change, everything else). Also in
 * version 3, only when not empty: {@code carried: [{file, customIds, requests, bytes, writeId,
 * queryId, epoch, carriedAt}]}, the requests of small epochs waiting to share a batch ({@link
 * CarriedFile}). The API key is never written.
 */
public final class JobManifest implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final String FORMAT = "spark-together-batch-manifest";
  public static final int FORMAT_VERSION = 3;

  /** The version written for jobs without streaming fields (readable by older connectors). */
  static final int BATCH_FORMAT_VERSION = 2;

  private final long version;
  private final String jobId;
  private final Instant createdAt;
  private final Instant updatedAt;
  private final String endpoint;
  private final String model;
  private final String responseSchema;
  private final List<BatchEntry> batches;
  private final List<PendingFile> pendingFiles;
  private final Map<String, String> writeOptions;
  private final Map<String, Long> streams;
  private final List<CarriedFile> carried;

  private JobManifest(
      long version,
      String jobId,
      Instant createdAt,
      Instant updatedAt,
      String endpoint,
      String model,
      String responseSchema,
      List<BatchEntry> batches,
      List<PendingFile> pendingFiles,
      Map<String, String> writeOptions,
      Map<String, Long> streams,
      List<CarriedFile> carried) {
    this.version = version;
    this.jobId = jobId;
    this.createdAt = createdAt;
    this.updatedAt = updatedAt;
    this.endpoint = endpoint;
    this.model = model;
    this.responseSchema = responseSchema;
    this.batches = Collections.unmodifiableList(new ArrayList<>(batches));
    this.pendingFiles = Collections.unmodifiableList(new ArrayList<>(pendingFiles));
    this.writeOptions = Collections.unmodifiableMap(new TreeMap<>(writeOptions));
    this.streams = Collections.unmodifiableMap(new TreeMap<>(streams));
    this.carried = Collections.unmodifiableList(new ArrayList<>(carried));
  }

  /** A manifest as read from its JSON ({@link ManifestJson}). */
  static JobManifest of(
      long version,
      String jobId,
      Instant createdAt,
      Instant updatedAt,
      String endpoint,
      String model,
      String responseSchema,
      List<BatchEntry> batches,
      List<PendingFile> pendingFiles,
      Map<String, String> writeOptions,
      Map<String, Long> streams,
      List<CarriedFile> carried) {
    return new JobManifest(
        version,
        jobId,
        createdAt,
        updatedAt,
        endpoint,
        model,
        responseSchema,
        batches,
        pendingFiles,
        writeOptions,
        streams,
        carried);
  }

  /** A new, not yet written job (version 0). */
  public static JobManifest newJob(String endpoint, String model) {
    Instant now = Instant.now();
    return new JobManifest(
        0,
        UUID.randomUUID().toString(),
        now,
        now,
        endpoint,
        model,
        null,
        List.of(),
        List.of(),
        Map.of(),
        Map.of(),
        List.of());
  }

  /** The file version this was read from or written as (0: never written). */
  public long version() {
    return version;
  }

  public String jobId() {
    return jobId;
  }

  public Instant createdAt() {
    return createdAt;
  }

  public Instant updatedAt() {
    return updatedAt;
  }

  public String endpoint() {
    return endpoint;
  }

  public String model() {
    return model;
  }

  /**
   * The shape every request of the job asked for (the option {@code responseSchema}, as a {@code
   * StructType}'s JSON), or null.
   */
  public String responseSchema() {
    return responseSchema;
  }

  /** This job recording the shape its requests ask for ({@code schemaJson} may be null). */
  public JobManifest withResponseSchema(String schemaJson) {
    Draft d = draft();
    d.responseSchema = schemaJson;
    return d.build();
  }

  public List<BatchEntry> batches() {
    return batches;
  }

  public List<PendingFile> pendingFiles() {
    return pendingFiles;
  }

  /** The batch ids, in creation order. */
  public List<String> batchIds() {
    List<String> ids = new ArrayList<>(batches.size());
    for (BatchEntry b : batches) {
      ids.add(b.batchId());
    }
    return ids;
  }

  /** The custom_id records the job names (its batches' and pending files'), relative to it. */
  public Set<String> customIdRecords() {
    Set<String> out = new HashSet<>();
    for (BatchEntry b : batches) {
      if (b.customIds() != null) {
        out.add(b.customIds());
      }
    }
    for (PendingFile f : pendingFiles) {
      if (f.customIds() != null) {
        out.add(f.customIds());
      }
    }
    return out;
  }

  /** The total number of submitted requests. */
  public long totalRequests() {
    long n = 0;
    for (BatchEntry b : batches) {
      n += b.requests();
    }
    return n;
  }

  public JobManifest withPendingFiles(List<PendingFile> more) {
    List<PendingFile> p = new ArrayList<>(pendingFiles);
    p.addAll(more);
    return touched(batches, p);
  }

  /** Adds a batch and drops its input file from the pending list. */
  public JobManifest withBatch(BatchEntry batch) {
    List<BatchEntry> b = new ArrayList<>(batches);
    b.add(batch);
    List<PendingFile> p = new ArrayList<>();
    for (PendingFile f : pendingFiles) {
      if (!f.inputFileId().equals(batch.inputFileId())) {
        p.add(f);
      }
    }
    return touched(b, p);
  }

  /**
   * The write options that shape a request (model, endpoint, columns, system prompt, id column,
   * {@code body.<field>}) as the last write used them; never the API key. Empty for jobs written
   * before they were recorded.
   */
  public Map<String, String> writeOptions() {
    return writeOptions;
  }

  /** This job recording {@code options} as its write options. */
  public JobManifest withWriteOptions(Map<String, String> options) {
    Draft d = draft().touched();
    d.writeOptions = options;
    return d.build();
  }

  /**
   * The last epoch each streaming query that wrote to this job has recorded (query id → epoch): an
   * epoch at or below it is already in the job, so a replay of it creates nothing. Empty for jobs
   * written by batch writes only.
   */
  public Map<String, Long> streams() {
    return streams;
  }

  /** The last epoch recorded for {@code queryId}, or -1 when it has recorded none. */
  public long lastEpoch(String queryId) {
    Long e = streams.get(queryId);
    return e == null ? -1 : e;
  }

  /** This job recording that {@code epoch} of a streaming query is in it. */
  public JobManifest withEpoch(StreamEpoch epoch) {
    Draft d = draft().touched();
    d.streams = new TreeMap<>(streams);
    d.streams.merge(epoch.queryId(), epoch.epoch(), Math::max);
    return d.build();
  }

  /**
   * Requests of small streaming epochs waiting at the job path to share a batch with later ones
   * (option {@code maxCarryDelay}), oldest first; not yet uploaded, so not part of a read.
   */
  public List<CarriedFile> carried() {
    return carried;
  }

  /** How many requests are carried (recorded, not yet submitted). */
  public long carriedRequests() {
    long n = 0;
    for (CarriedFile c : carried) {
      n += c.requests();
    }
    return n;
  }

  /** This job with {@code file} carried after the ones it carries. */
  public JobManifest withCarried(CarriedFile file) {
    List<CarriedFile> c = new ArrayList<>(carried);
    c.add(file);
    return withCarriedList(c);
  }

  /** This job without the carried files {@code files} (submitted, or dropped). */
  public JobManifest withoutCarried(List<CarriedFile> files) {
    List<CarriedFile> c = new ArrayList<>(carried);
    c.removeAll(files);
    return withCarriedList(c);
  }

  private JobManifest withCarriedList(List<CarriedFile> c) {
    Draft d = draft().touched();
    d.carried = c;
    return d.build();
  }

  /** Drops pending files (e.g. after they were deleted on abort). */
  public JobManifest withoutPendingFiles(List<String> inputFileIds) {
    List<PendingFile> p = new ArrayList<>();
    for (PendingFile f : pendingFiles) {
      if (!inputFileIds.contains(f.inputFileId())) {
        p.add(f);
      }
    }
    return touched(batches, p);
  }

  /** This job with other batches and pending files, updated now. */
  private JobManifest touched(List<BatchEntry> b, List<PendingFile> p) {
    Draft d = draft().touched();
    d.batches = b;
    d.pendingFiles = p;
    return d.build();
  }

  /** A new job at the same path, replacing this one on the next commit (SaveMode.Overwrite). */
  public JobManifest replacedBy(String newEndpoint, String newModel) {
    Draft d = newJob(newEndpoint, newModel).draft();
    d.version = version;
    return d.build();
  }

  /** Whether {@code path} holds a job manifest. */
  public static boolean exists(String path, Configuration conf) {
    return ManifestFiles.exists(path, conf);
  }

  /** The latest complete manifest at {@code path}, if any. */
  public static Optional<JobManifest> read(String path, Configuration conf) {
    return ManifestFiles.read(path, conf);
  }

  /**
   * Writes this manifest as the next version at {@code path} and returns it with that version.
   * Written directly under its final name (no rename, so object stores work alike); readers skip a
   * version that does not parse, e.g. one a crash cut short.
   */
  public JobManifest commit(String path, Configuration conf) {
    return ManifestFiles.write(this, path, conf);
  }

  /** This manifest as file version {@code v}. */
  JobManifest withVersion(long v) {
    Draft d = draft();
    d.version = v;
    return d.build();
  }

  private Draft draft() {
    return new Draft(this);
  }

  /** A manifest's parts, copied to change some of them and build a new manifest. */
  private static final class Draft {
    private long version;
    private final String jobId;
    private final Instant createdAt;
    private Instant updatedAt;
    private final String endpoint;
    private final String model;
    private String responseSchema;
    private List<BatchEntry> batches;
    private List<PendingFile> pendingFiles;
    private Map<String, String> writeOptions;
    private Map<String, Long> streams;
    private List<CarriedFile> carried;

    private Draft(JobManifest m) {
      version = m.version;
      jobId = m.jobId;
      createdAt = m.createdAt;
      updatedAt = m.updatedAt;
      endpoint = m.endpoint;
      model = m.model;
      responseSchema = m.responseSchema;
      batches = m.batches;
      pendingFiles = m.pendingFiles;
      writeOptions = m.writeOptions;
      streams = m.streams;
      carried = m.carried;
    }

    /** Updated now. */
    private Draft touched() {
      updatedAt = Instant.now();
      return this;
    }

    private JobManifest build() {
      return new JobManifest(
          version,
          jobId,
          createdAt,
          updatedAt,
          endpoint,
          model,
          responseSchema,
          batches,
          pendingFiles,
          writeOptions,
          streams,
          carried);
    }
  }

  @Override
  public String toString() {
    return "JobManifest{version="
        + version
        + ", jobId="
        + jobId
        + ", batches="
        + batchIds()
        + ", pendingFiles="
        + pendingFiles.size()
        + (carried.isEmpty() ? "" : ", carried=" + carried.size())
        + "}";
  }
}
