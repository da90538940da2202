package io.github.sparktogetherbatch.jobs;

import io.github.sparktogetherbatch.client.BatchJob;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.manifest.BatchEntry;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.manifest.PendingFile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives each uploaded input file a job recorded without a batch (an interrupted write or
 * resubmission) its batch: the one that already exists for the file, else a new one; each recorded
 * at once, so a file never gets two batches however often this is interrupted.
 */
final class PendingResume {
  private static final Logger LOG = LoggerFactory.getLogger(PendingResume.class);

  private PendingResume() {}

  static JobManifest run(TogetherClient client, JobManifest m, String path, Configuration conf) {
    List<PendingFile> todo = new ArrayList<>(m.pendingFiles());
    for (PendingFile p : todo) {
      BatchJob b = client.findBatchForInputFile(p.inputFileId());
      if (b != null) {
        LOG.info(
            "Recorded batch {}, which already existed for input file {}", b.id(), p.inputFileId());
      } else {
        b = client.createBatch(p.inputFileId(), m.endpoint(), m.model());
        LOG.info(
            "Created batch {} for pending input file {} ({} requests, attempt {}) of the job at {}",
            b.id(),
            p.inputFileId(),
            p.requests(),
            p.attempt(),
            path);
      }
      m =
          m.withBatch(
                  BatchEntry.forPending(
                      p, b.id(), b.createdAt() == null ? Instant.now() : b.createdAt()))
              .commit(path, conf);
    }
    return m;
  }
}
