package io.github.sparktogetherbatch.write;

import io.github.sparktogetherbatch.client.BatchJob;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.ids.DigestFiles;
import io.github.sparktogetherbatch.manifest.BatchEntry;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.manifest.PendingFile;
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
 * SaveMode.Append (and the create path, where the path holds no job): the write's batches join the
 * job at the path, or a new one. Pending files of an earlier, interrupted write get their batch
 * first — the one that already exists for the file, else a new one — each recorded in the manifest
 * at once, so a file never gets two batches however often a resume is interrupted.
 */
final class AppendMode implements CommitMode {
  private static final Logger LOG = LoggerFactory.getLogger(AppendMode.class);

  private final Configuration conf;
  private final String path;
  private final String endpoint;
  private final String model;
  private final AtomicLong batchesCreated;

  AppendMode(
      Configuration conf, String path, String endpoint, String model, AtomicLong batchesCreated) {
    this.conf = conf;
    this.path = path;
    this.endpoint = endpoint;
    this.model = model;
    this.batchesCreated = batchesCreated;
  }

  @Override
  public Start begin(TogetherClient client, Optional<JobManifest> existing, List<String> created) {
    if (existing.isEmpty()) {
      return new Start(JobManifest.newJob(endpoint, model), true, false);
    }
    return new Start(resumePending(client, existing.get(), created), false, true);
  }

  /**
   * Gives each pending file of an earlier, interrupted write its batch, recording each in the
   * manifest as it goes; returns the manifest as last written.
   */
  private JobManifest resumePending(TogetherClient client, JobManifest m, List<String> created) {
    List<PendingFile> todo = new ArrayList<>(m.pendingFiles());
    if (todo.isEmpty()) {
      return m;
    }
    LOG.info(
        "The job at {} has {} input file(s) without a batch from an interrupted write; "
            + "creating their batches first",
        path,
        todo.size());
    String jobEndpoint = m.endpoint() != null ? m.endpoint() : endpoint;
    for (PendingFile p : todo) {
      BatchJob b;
      try {
        b = client.findBatchForInputFile(p.inputFileId());
        if (b != null) {
          LOG.info(
              "Recorded batch {}, which already existed for pending input file {}",
              b.id(),
              p.inputFileId());
        } else {
          b = client.createBatch(p.inputFileId(), jobEndpoint, null);
          batchesCreated.incrementAndGet();
          LOG.info(
              "Created batch {} for pending input file {} ({} requests) of the job at {}",
              b.id(),
              p.inputFileId(),
              p.requests(),
              path);
        }
      } catch (RuntimeException e) {
        throw JobCommitter.incomplete(path, m, created, e);
      }
      created.add(b.id());
      try {
        m =
            m.withBatch(
                    BatchEntry.forPending(
                        p, b.id(), b.createdAt() == null ? Instant.now() : b.createdAt()))
                .commit(path, conf);
      } catch (RuntimeException e) {
        throw JobCommitter.incomplete(path, m, created, e);
      }
    }
    // The interrupted writes' custom_id digests, if their drivers died before deleting them.
    Set<String> writes = new HashSet<>();
    for (PendingFile p : todo) {
      writes.add(p.writeId());
    }
    DigestFiles.deleteFoldersOf(conf, path, writes);
    return m;
  }
}
