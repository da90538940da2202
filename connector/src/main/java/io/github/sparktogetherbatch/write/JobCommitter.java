package io.github.sparktogetherbatch.write;

import io.github.sparktogetherbatch.client.BatchJob;
import io.github.sparktogetherbatch.client.BatchStatus;
import io.github.sparktogetherbatch.client.FileObject;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.codec.InputMapping;
import io.github.sparktogetherbatch.exceptions.TogetherApiException;
import io.github.sparktogetherbatch.exceptions.TogetherJobException;
import io.github.sparktogetherbatch.ids.DigestFiles;
import io.github.sparktogetherbatch.ids.WriteDuplicateCheck;
import io.github.sparktogetherbatch.manifest.JobManifest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's half of a write, without Spark: checks custom_ids across tasks, records the uploaded
 * files in the job manifest, creates one batch per file, and cleans up. One instance per write; it
 * remembers which files got a batch (or were recorded as pending) so that an abort after a failed
 * commit deletes only what nothing refers to.
 *
 * <p>Order of {@link #commit}, and what a failure at each point leaves:
 *
 * <ol>
 *   <li>Duplicate custom_ids across tasks: every uploaded file is deleted, no batch, no manifest.
 *   <li>Overwrite: the old job's unfinished batches are cancelled (a failure here leaves the old
 *       manifest in place). Append: pending files of an earlier interrupted write get their batch
 *       first ({@code findBatchForInputFile}, else create), each recorded at once.
 *   <li>The manifest records this write's files as pending (the intent), then each batch is created
 *       and recorded as it is created, by a {@link ManifestRecorder} thread (which folds versions
 *       together when creates outpace the file system). A failure leaves a manifest naming every
 *       batch created and every file still pending; the next append to the path resumes from there.
 * </ol>
 */
final class JobCommitter {
  private static final Logger LOG = LoggerFactory.getLogger(JobCommitter.class);

  private final Configuration conf;
  private final String path;
  private final InputMapping mapping;
  private final String writeId;
  private final boolean truncate;
  private final AtomicLong batchesCreated;
  private final AtomicLong httpRetries;
  private final DigestFiles digestFiles;

  /** Input files that have a batch recorded in the manifest. */
  private final Set<String> batched = new HashSet<>();

  /** Input files recorded as pending in the manifest (kept for a resume). */
  private final Set<String> pending = new HashSet<>();

  JobCommitter(
      Configuration conf,
      String path,
      InputMapping mapping,
      String writeId,
      boolean truncate,
      AtomicLong batchesCreated) {
    this(conf, path, mapping, writeId, truncate, batchesCreated, new AtomicLong(), null);
  }

  JobCommitter(
      Configuration conf,
      String path,
      InputMapping mapping,
      String writeId,
      boolean truncate,
      AtomicLong batchesCreated,
      AtomicLong httpRetries,
      DigestFiles digestFiles) {
    this.conf = conf;
    this.path = path;
    this.mapping = mapping;
    this.writeId = writeId;
    this.truncate = truncate;
    this.batchesCreated = batchesCreated;
    this.httpRetries = httpRetries;
    this.digestFiles = digestFiles;
  }

  /** Commits the write; returns the manifest as last written. */
  JobManifest commit(TogetherClient client, List<TogetherWriterCommitMessage> messages) {
    List<TogetherWriterCommitMessage.UploadedFile> files = new ArrayList<>();
    long requests = 0;
    long bytes = 0;
    for (TogetherWriterCommitMessage msg : messages) {
      for (TogetherWriterCommitMessage.UploadedFile f : msg.files()) {
        files.add(f);
        requests += f.requests();
        bytes += f.bytes();
      }
    }
    if (!mapping.idsDerived()) {
      new WriteDuplicateCheck(mapping.idColumn(), digestFiles)
          .check(client, messages, () -> deleteAll(client, files));
    }

    Optional<JobManifest> existing = JobManifest.read(path, conf);
    JobManifest m;
    List<String> created = new ArrayList<>();
    boolean dirty;
    if (existing.isPresent() && truncate) {
      cancelOldJob(client, existing.get());
      m = existing.get().replacedBy(mapping.endpoint(), mapping.model());
      dirty = true;
    } else if (existing.isPresent()) {
      m = resumePending(client, existing.get(), created);
      dirty = false;
    } else {
      m = JobManifest.newJob(mapping.endpoint(), mapping.model());
      dirty = true;
    }

    if (files.isEmpty() && created.isEmpty()) {
      LOG.warn(
          "The DataFrame written to {} has no rows: nothing was uploaded and no batch was "
              + "created{}",
          path,
          existing.isPresent() && !truncate
              ? " (the job there keeps its " + m.batches().size() + " batch(es))"
              : "; the job there has no batches (a read returns no rows)");
    }
    if (!files.isEmpty()) {
      List<JobManifest.PendingFile> intent = new ArrayList<>();
      for (TogetherWriterCommitMessage.UploadedFile f : files) {
        intent.add(new JobManifest.PendingFile(f.fileId(), f.requests(), f.bytes(), writeId));
      }
      m = m.withPendingFiles(intent).commit(path, conf);
      for (TogetherWriterCommitMessage.UploadedFile f : files) {
        pending.add(f.fileId());
      }
    } else if (dirty) {
      m = m.commit(path, conf);
    }

    if (!files.isEmpty()) {
      m = createBatches(client, files, m, created);
    }
    sweepOrphans(client, batched);
    long retries = client.stats().retries();
    for (TogetherWriterCommitMessage msg : messages) {
      retries += msg.httpRetries();
    }
    httpRetries.set(retries);
    LOG.info(
        "Write {} to {}: {} requests in {} batch(es), {} bytes, {} HTTP retries; the job ({}) "
            + "now has {} batch(es)",
        writeId,
        path,
        requests,
        files.size(),
        bytes,
        retries,
        m.jobId(),
        m.batches().size());
    return m;
  }

  /**
   * Creates one batch per uploaded file, in order, and records each in the manifest, written in the
   * background ({@link ManifestRecorder}); returns the manifest as written at the end.
   */
  private JobManifest createBatches(
      TogetherClient client,
      List<TogetherWriterCommitMessage.UploadedFile> files,
      JobManifest m,
      List<String> created) {
    try (ManifestRecorder recorder =
        new ManifestRecorder(path, conf, m, "stb-manifest-" + writeId)) {
      for (TogetherWriterCommitMessage.UploadedFile f : files) {
        BatchJob b;
        try {
          b = client.createBatch(f.fileId(), mapping.endpoint(), mapping.batchModelId());
        } catch (RuntimeException e) {
          throw incomplete(persist(recorder, m, e), created, e);
        }
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
                new JobManifest.BatchEntry(
                    b.id(),
                    f.fileId(),
                    f.requests(),
                    f.bytes(),
                    b.createdAt() == null ? Instant.now() : b.createdAt(),
                    writeId));
        batched.add(f.fileId());
        pending.remove(f.fileId());
        try {
          recorder.record(m);
        } catch (RuntimeException e) {
          throw incomplete(persist(recorder, m, e), created, e);
        }
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
        throw incomplete(onDisk, created, e);
      }
    }
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
   * After a failed write (or a failed commit): deletes the uploaded files that have no batch and
   * are not recorded as pending in the manifest, and any other file of this write left in the
   * account. Never throws.
   */
  void abort(TogetherClient client, List<TogetherWriterCommitMessage> messages) {
    int deleted = 0;
    try {
      for (TogetherWriterCommitMessage msg : messages) {
        for (TogetherWriterCommitMessage.UploadedFile f : msg.files()) {
          if (!batched.contains(f.fileId()) && !pending.contains(f.fileId())) {
            client.deleteQuietly(f.fileId());
            deleted++;
          }
        }
      }
      Set<String> keep = new HashSet<>(batched);
      keep.addAll(pending);
      sweepOrphans(client, keep);
    } catch (RuntimeException e) {
      LOG.warn(
          "Clean-up after the failed write {} to {} did not finish: {}",
          writeId,
          path,
          e.getMessage());
    }
    LOG.info(
        "Write {} to {} aborted: deleted {} uploaded input file(s){}",
        writeId,
        path,
        deleted,
        pending.isEmpty()
            ? ""
            : "; " + pending.size() + " file(s) stay pending in the manifest " + "for a resume");
  }

  // ---------------------------------------------------------------------------------------------

  private int deleteAll(
      TogetherClient client, List<TogetherWriterCommitMessage.UploadedFile> files) {
    for (TogetherWriterCommitMessage.UploadedFile f : files) {
      client.deleteQuietly(f.fileId());
    }
    sweepOrphans(client, Set.of());
    return files.size();
  }

  /** Overwrite: cancels the old job's unfinished batches and drops its pending files. */
  private void cancelOldJob(TogetherClient client, JobManifest old) {
    List<String> cancelled = new ArrayList<>();
    for (JobManifest.BatchEntry e : old.batches()) {
      try {
        BatchJob b = client.getBatch(e.batchId());
        if (!b.isTerminal() && b.status() != BatchStatus.CANCELING) {
          client.cancelBatch(b.id());
          cancelled.add(b.id());
        }
      } catch (TogetherApiException ex) {
        if (ex.statusCode() == 404) {
          continue;
        }
        throw new TogetherJobException(
            "Could not cancel batch "
                + e.batchId()
                + " of the job at "
                + path
                + " that this write overwrites: "
                + ex.getMessage()
                + ". The old job's manifest "
                + "is unchanged"
                + (cancelled.isEmpty() ? "" : " (batches cancelled so far: " + cancelled + ")")
                + "; nothing new was submitted. Run the write again.",
            old.batchIds(),
            ex);
      }
    }
    for (JobManifest.PendingFile p : old.pendingFiles()) {
      BatchJob b = client.findBatchForInputFile(p.inputFileId());
      if (b == null) {
        client.deleteQuietly(p.inputFileId());
      } else if (!b.isTerminal() && b.status() != BatchStatus.CANCELING) {
        client.cancelBatch(b.id());
        cancelled.add(b.id());
      }
    }
    LOG.info(
        "Overwriting the job {} at {}: cancelled {} unfinished batch(es) {}",
        old.jobId(),
        path,
        cancelled.size(),
        cancelled);
  }

  /**
   * Append: gives each pending file of an earlier, interrupted write its batch — the one that
   * already exists for it, else a new one — recording each in the manifest as it goes.
   */
  private JobManifest resumePending(TogetherClient client, JobManifest m, List<String> created) {
    List<JobManifest.PendingFile> todo = new ArrayList<>(m.pendingFiles());
    if (todo.isEmpty()) {
      return m;
    }
    LOG.info(
        "The job at {} has {} input file(s) without a batch from an interrupted write; "
            + "creating their batches first",
        path,
        todo.size());
    String endpoint = m.endpoint() != null ? m.endpoint() : mapping.endpoint();
    for (JobManifest.PendingFile p : todo) {
      BatchJob b;
      try {
        b = client.findBatchForInputFile(p.inputFileId());
        if (b != null) {
          LOG.info(
              "Recorded batch {}, which already existed for pending input file {}",
              b.id(),
              p.inputFileId());
        } else {
          b = client.createBatch(p.inputFileId(), endpoint, null);
          batchesCreated.incrementAndGet();
          LOG.info(
              "Created batch {} for pending input file {} ({} requests) of the job at {}",
              b.id(),
              p.inputFileId(),
              p.requests(),
              path);
        }
      } catch (RuntimeException e) {
        throw incomplete(m, created, e);
      }
      created.add(b.id());
      try {
        m =
            m.withBatch(
                    new JobManifest.BatchEntry(
                        b.id(),
                        p.inputFileId(),
                        p.requests(),
                        p.bytes(),
                        b.createdAt() == null ? Instant.now() : b.createdAt(),
                        p.writeId()))
                .commit(path, conf);
      } catch (RuntimeException e) {
        throw incomplete(m, created, e);
      }
    }
    // The interrupted writes' custom_id digests, if their drivers died before deleting them.
    Set<String> writes = new HashSet<>();
    for (JobManifest.PendingFile p : todo) {
      writes.add(p.writeId());
    }
    DigestFiles.deleteFoldersOf(conf, path, writes);
    return m;
  }

  /**
   * The error for a write whose batches were not all created (or not all recorded): what the
   * manifest at the path ({@code onDisk}) now holds and how to finish the job.
   */
  private TogetherJobException incomplete(
      JobManifest onDisk, List<String> created, RuntimeException cause) {
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

  /**
   * Deletes this write's files that nothing refers to: files uploaded by task attempts whose
   * results Spark dropped (e.g. a lost executor after its upload). Found by name ({@code
   * stb-<writeId>-...}). Best effort.
   */
  private void sweepOrphans(TogetherClient client, Set<String> keep) {
    String prefix = TogetherDataWriter.writePrefix(writeId);
    int n = 0;
    try {
      for (FileObject f : client.listFiles()) {
        if (f.filename() != null && f.filename().startsWith(prefix) && !keep.contains(f.id())) {
          client.deleteQuietly(f.id());
          n++;
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("Could not look for leftover input files of write {}: {}", writeId, e.getMessage());
      return;
    }
    if (n > 0) {
      LOG.info("Deleted {} input file(s) of write {} that no batch refers to", n, writeId);
    }
  }
}
