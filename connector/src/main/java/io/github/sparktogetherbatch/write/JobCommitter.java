package io.github.sparktogetherbatch.write;

import io.github.sparktogetherbatch.client.BatchJob;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.codec.InputMapping;
import io.github.sparktogetherbatch.exceptions.TogetherJobException;
import io.github.sparktogetherbatch.ids.DigestFiles;
import io.github.sparktogetherbatch.ids.WriteDuplicateCheck;
import io.github.sparktogetherbatch.manifest.BatchEntry;
import io.github.sparktogetherbatch.manifest.CarriedFile;
import io.github.sparktogetherbatch.manifest.JobFolder;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.manifest.PendingFile;
import io.github.sparktogetherbatch.manifest.StreamEpoch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's half of a write, without Spark: checks custom_ids across tasks ({@link
 * WriteDuplicateCheck}), starts from the job at the path as the SaveMode's {@link CommitMode} says
 * (append resumes an interrupted write, overwrite cancels and replaces the old job), records the
 * uploaded files (the tasks' and the packs of small files) in the job manifest, creates one batch
 * per file, and has {@link WriteCleanup} sweep the write's orphaned files (for a streaming epoch:
 * every file of the query that the manifest does not name). One instance per write.
 *
 * <p>Order of {@link #commit}, and what a failure at each point leaves:
 *
 * <ol>
 *   <li>A streaming epoch the manifest already records (Spark replays an epoch it did not log as
 *       committed): this attempt's uploads are deleted and the first attempt's pending files get
 *       their batches; nothing else happens.
 *   <li>Duplicate custom_ids across tasks: every uploaded file is deleted, no batch, no manifest.
 *   <li>The small files tasks left at the job path, with the small files the job carries from
 *       earlier epochs, are packed into shared input files and uploaded ({@link SmallFilePacker});
 *       or, for a small streaming epoch with {@code maxCarryDelay} on, carried at the job path
 *       instead ({@link EpochCarry}). A failure leaves nothing recorded (the abort deletes them).
 *   <li>Overwrite: the old job's unfinished batches are cancelled (a failure here leaves the old
 *       manifest in place). Append: pending files of an earlier interrupted write get their batch
 *       first ({@code findBatchForInputFile}, else create), each recorded at once.
 *   <li>The manifest records this write's files as pending (the intent), then each batch is created
 *       and recorded as it is created, by a {@link ManifestRecorder} thread (which folds versions
 *       together when creates outpace the file system). A failure leaves a manifest naming every
 *       batch created and every file still pending; the next append to the path resumes from there.
 *       The same version records a carried file, or drops the carried entries packed into this
 *       write's files (whose carried files are deleted once the batches exist).
 * </ol>
 *
 * <p>Commits to one job path in this JVM run one at a time ({@link JobLocks}): the scheduled flush
 * of carried rows ({@link CarryFlush}) commits through here too.
 */
final class JobCommitter {
  private static final Logger LOG = LoggerFactory.getLogger(JobCommitter.class);

  private final Configuration conf;
  private final String path;
  private final InputMapping mapping;
  private final String writeId;
  private final CommitMode mode;
  private final AtomicLong batchesCreated;
  private final AtomicLong httpRetries;
  private final DigestFiles digestFiles;
  private final WriteCleanup cleanup;
  private Map<String, String> writeOptions = Map.of();
  private int createsAtOnce = 1;
  private final JobFolder jobFolder;
  private final EpochCarry carry;

  JobCommitter(
      Configuration conf,
      String path,
      InputMapping mapping,
      String writeId,
      CommitMode mode,
      AtomicLong batchesCreated,
      AtomicLong httpRetries,
      DigestFiles digestFiles,
      WriteCleanup cleanup,
      JobFolder jobFolder,
      EpochCarry carry) {
    this.conf = conf;
    this.path = path;
    this.mapping = mapping;
    this.writeId = writeId;
    this.mode = mode;
    this.batchesCreated = batchesCreated;
    this.httpRetries = httpRetries;
    this.digestFiles = digestFiles;
    this.cleanup = cleanup;
    this.jobFolder = jobFolder;
    this.carry = carry;
  }

  /** Records {@code options} (the write options that shape a request) in the job. */
  JobCommitter recordingOptions(Map<String, String> options) {
    this.writeOptions = Map.copyOf(options);
    return this;
  }

  /** Creates up to {@code n} batches at once (option {@code createsAtOnce}). */
  JobCommitter creatingAtOnce(int n) {
    this.createsAtOnce = n;
    return this;
  }

  /** Commits the write; returns the manifest as last written. */
  JobManifest commit(TogetherClient client, List<TogetherWriterCommitMessage> messages) {
    return commit(client, messages, null);
  }

  /**
   * Commits the write, as {@code epoch} of a streaming query when it is not null: an epoch the
   * manifest already records (a replay after a crash) creates nothing and deletes what this attempt
   * uploaded ({@link #replayed}); otherwise the write's pending files, batches and the epoch are
   * recorded like a batch write's, the epoch in the same manifest version as the pending files.
   */
  JobManifest commit(
      TogetherClient client, List<TogetherWriterCommitMessage> messages, StreamEpoch epoch) {
    synchronized (JobLocks.of(path)) {
      return commitLocked(client, messages, epoch);
    }
  }

  private JobManifest commitLocked(
      TogetherClient client, List<TogetherWriterCommitMessage> messages, StreamEpoch epoch) {
    List<TogetherWriterCommitMessage.UploadedFile> files = new ArrayList<>();
    List<TogetherWriterCommitMessage.SmallFile> small = new ArrayList<>();
    for (TogetherWriterCommitMessage msg : messages) {
      files.addAll(msg.files());
      small.addAll(msg.small());
    }
    Optional<JobManifest> existing = JobManifest.read(path, conf);
    if (epoch != null
        && existing.isPresent()
        && existing.get().lastEpoch(epoch.queryId()) >= epoch.epoch()) {
      return replayed(client, epoch, existing, files);
    }
    if (!mapping.idsDerived()) {
      new WriteDuplicateCheck(mapping.idColumn(), digestFiles)
          .check(jobFolder::open, messages, () -> cleanup.discard(client, files));
    }
    List<CarriedFile> carriedBefore =
        existing.isEmpty() || mode.replacesJob() ? List.of() : existing.get().carried();
    EpochCarry.Plan plan = carry.plan(client, carriedBefore, small, epoch, Instant.now());
    files.addAll(plan.packs());
    long requests = 0;
    long bytes = 0;
    for (TogetherWriterCommitMessage.UploadedFile f : files) {
      requests += f.requests();
      bytes += f.bytes();
    }

    List<String> created = new ArrayList<>();
    CommitMode.Start start = mode.begin(client, existing, created);
    JobManifest m = start.manifest();
    if (start.unwritten()) {
      m = m.withResponseSchema(mapping.responseSchemaJson());
    }
    if (plan.carried() != null) {
      m = m.withCarried(plan.carried());
    }
    m = m.withoutCarried(plan.flushed());

    if (files.isEmpty() && created.isEmpty() && plan.carried() == null) {
      LOG.warn(
          "The DataFrame written to {} has no rows: nothing was uploaded and no batch was "
              + "created{}",
          path,
          start.keepsOldBatches()
              ? " (the job there keeps its " + m.batches().size() + " batch(es))"
              : "; the job there has no batches (a read returns no rows)");
    }
    if (!files.isEmpty()) {
      List<PendingFile> intent = new ArrayList<>();
      for (TogetherWriterCommitMessage.UploadedFile f : files) {
        intent.add(
            new PendingFile(f.fileId(), f.requests(), f.bytes(), writeId, f.customIds())
                .withStream(epoch));
      }
      m = m.withWriteOptions(writeOptions).withPendingFiles(intent);
      m = (epoch == null ? m : m.withEpoch(epoch)).commit(path, conf);
      for (TogetherWriterCommitMessage.UploadedFile f : files) {
        cleanup.recordedPending(f.fileId(), f.customIds());
      }
    } else if (start.unwritten() || plan.carried() != null) {
      m = plan.carried() == null ? m : m.withWriteOptions(writeOptions);
      m = (epoch == null ? m : m.withEpoch(epoch)).commit(path, conf);
    }

    if (!files.isEmpty()) {
      m = createBatches(client, files, m, created, epoch);
    }
    carry.deleteFlushed(plan.flushed());
    if (mode.replacesJob() && existing.isPresent()) {
      carry.drop(existing.get().carried());
    }
    if (epoch == null) {
      cleanup.sweepAfterCommit(client);
    } else {
      cleanup.sweepQuery(client, epoch.queryId(), m);
      jobFolder.sweepTempOfQuery(epoch.queryId());
      carry.sweepQuery(epoch.queryId(), m);
      carry.scheduleFlush(m, epoch.queryId());
    }
    jobFolder.sweepRecords(m.customIdRecords(), null);
    long retries = client.stats().retries();
    for (TogetherWriterCommitMessage msg : messages) {
      retries += msg.httpRetries();
    }
    httpRetries.set(retries);
    LOG.info(
        "Write {} to {}: {} requests in {} batch(es), {} bytes, {} HTTP retries; the job ({}) "
            + "now has {} batch(es){}",
        writeId,
        path,
        requests,
        files.size(),
        bytes,
        retries,
        m.jobId(),
        m.batches().size(),
        m.carried().isEmpty() ? "" : " and carries " + m.carriedRequests() + " request(s)");
    return m;
  }

  /** After a failed commit: deletes the file this write carried unless the manifest names it. */
  void abortCarry() {
    carry.abort(JobManifest.read(path, conf).orElse(null));
  }

  /**
   * Creates one batch per uploaded file, {@code createsAtOnce} at a time ({@link BatchCreates}),
   * and records each in the manifest in file order, written in the background ({@link
   * ManifestRecorder}); returns the manifest as written at the end. After the first failure no
   * create is sent, the ones under way are waited for and their batches recorded too, then the
   * write fails with what the manifest holds.
   */
  private JobManifest createBatches(
      TogetherClient client,
      List<TogetherWriterCommitMessage.UploadedFile> files,
      JobManifest m,
      List<String> created,
      StreamEpoch epoch) {
    RuntimeException failure = null;
    try (ManifestRecorder recorder =
            new ManifestRecorder(path, conf, m, WriteFileNames.manifestThread(writeId));
        BatchCreates creates =
            new BatchCreates(
                i ->
                    client.createBatch(
                        files.get(i).fileId(), mapping.endpoint(), mapping.batchModelId()),
                files.size(),
                createsAtOnce,
                WriteFileNames.createThread(writeId))) {
      for (int i = 0; i < files.size(); i++) {
        BatchCreates.Outcome o = creates.await(i);
        if (o.failure() != null) {
          failure = firstOf(failure, o.failure());
          continue;
        }
        if (o.batch() == null) {
          continue; // not sent after a failure: the file stays pending
        }
        TogetherWriterCommitMessage.UploadedFile f = files.get(i);
        BatchJob b = o.batch();
        created.add(b.id());
        batchesCreated.incrementAndGet();
        LOG.info(
            "Created batch {} for input file {} ({} requests, {} bytes) of the job at {}",
            b.id(),
            f.fileId(),
            f.requests(),
            f.bytes(),
            path);
        m =
            m.withBatch(
                new BatchEntry(
                        b.id(),
                        f.fileId(),
                        f.requests(),
                        f.bytes(),
                        b.createdAt() == null ? Instant.now() : b.createdAt(),
                        writeId,
                        f.customIds())
                    .withStream(epoch));
        cleanup.batchCreated(f.fileId(), f.customIds());
        if (!recorder.failed()) {
          try {
            recorder.record(m);
          } catch (RuntimeException e) {
            creates.stop();
            failure = firstOf(failure, e);
          }
        }
      }
      if (failure != null) {
        throw incomplete(path, persist(recorder, m, failure), created, failure);
      }
      try {
        return recorder.flush();
      } catch (RuntimeException e) {
        JobManifest onDisk = persist(recorder, m, e);
        if (onDisk.pendingFiles().isEmpty()) {
          LOG.warn(
              "The background write of the job manifest at {} failed ({}); it was written "
                  + "again on the driver and records every batch",
              path,
              e.getMessage());
          return onDisk;
        }
        throw incomplete(path, onDisk, created, e);
      }
    }
  }

  private static RuntimeException firstOf(RuntimeException first, RuntimeException next) {
    if (first == null) {
      return next;
    }
    if (next != first) {
      first.addSuppressed(next);
    }
    return first;
  }

  /**
   * A replayed epoch (Spark runs an epoch again after a restart when its commit log lacks it): the
   * manifest already records it, so the rows are in the job as pending files or batches of the
   * first attempt. Deletes what this attempt uploaded, then gives the first attempt's pending files
   * (if its driver died while creating) their batches, never twice.
   */
  private JobManifest replayed(
      TogetherClient client,
      StreamEpoch epoch,
      Optional<JobManifest> existing,
      List<TogetherWriterCommitMessage.UploadedFile> files) {
    int deleted = cleanup.discard(client, files);
    List<String> created = new ArrayList<>();
    JobManifest m = mode.begin(client, existing, created).manifest();
    cleanup.sweepQuery(client, epoch.queryId(), m);
    jobFolder.sweepTempOfQuery(epoch.queryId());
    carry.sweepQuery(epoch.queryId(), m);
    carry.scheduleFlush(m, epoch.queryId());
    LOG.info(
        "{} is already in the job at {}: the replay created no batch from its rows and deleted "
            + "its {} uploaded file(s){}",
        epoch,
        path,
        deleted,
        created.isEmpty()
            ? ""
            : "; the first attempt's pending files got their batches " + created);
    return m;
  }

  /**
   * Before failing with {@code e}: puts {@code m} (every batch created so far) on disk, through the
   * recorder or, when it has failed, with one write on this thread; returns the manifest as it now
   * stands at the path. Failures to write join {@code e}.
   */
  private JobManifest persist(ManifestRecorder recorder, JobManifest m, RuntimeException e) {
    if (!recorder.failed()) {
      try {
        return recorder.flush();
      } catch (RuntimeException f) {
        e.addSuppressed(f);
      }
    }
    try {
      return m.commit(path, conf);
    } catch (RuntimeException f) {
      e.addSuppressed(f);
      return recorder.written();
    }
  }

  /**
   * A dry run's commit: nothing was uploaded, so only the custom_ids are checked across tasks, by
   * their digests (the ids themselves stayed on the executors), and nothing is recorded.
   */
  void commitDryRun(List<TogetherWriterCommitMessage> messages) {
    long ids = 0;
    if (!mapping.idsDerived()) {
      ids = new WriteDuplicateCheck(mapping.idColumn(), digestFiles).checkDigestsOnly(messages);
    }
    LOG.info(
        "Dry run {} to {}: {} task(s) encoded, checked and staged their rows{}; nothing was "
            + "uploaded, no batch created and no manifest written",
        writeId,
        path,
        messages.size(),
        mapping.idsDerived() ? "" : " (" + ids + " custom_ids, no duplicates)");
  }

  /**
   * The error for a write whose batches were not all created (or not all recorded): what the
   * manifest at the path ({@code onDisk}) now holds and how to finish the job.
   */
  static TogetherJobException incomplete(
      String path, JobManifest onDisk, List<String> created, RuntimeException cause) {
    List<String> unlisted = new ArrayList<>(created);
    unlisted.removeAll(onDisk.batchIds());
    return new TogetherJobException(
        "Creating the batches of the job at "
            + path
            + " stopped: "
            + cause.getMessage()
            + " Batches created by this write: "
            + created
            + ". The job manifest "
            + "at "
            + path
            + " records "
            + onDisk.batches().size()
            + " batch(es) and "
            + onDisk.pendingFiles().size()
            + " input file(s) still pending"
            + (unlisted.isEmpty()
                ? ""
                : ", among them the input files of "
                    + unlisted.size()
                    + " batch(es) created by this write that it does not list yet "
                    + unlisted
                    + " (a resume finds those batches by their input file and records them)")
            + ". To finish the job, write to the same path again with mode(\"append\") (an empty "
            + "DataFrame is enough): pending files get their batch first, never twice. To drop the job "
            + "instead, write with mode(\"overwrite\").",
        all(onDisk.batchIds(), created),
        cause);
  }

  private static List<String> all(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    for (String s : b) {
      if (!out.contains(s)) {
        out.add(s);
      }
    }
    return out;
  }
}
