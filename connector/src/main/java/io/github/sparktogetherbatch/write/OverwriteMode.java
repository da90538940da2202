package io.github.sparktogetherbatch.write;

import io.github.sparktogetherbatch.client.BatchJob;
import io.github.sparktogetherbatch.client.BatchStatus;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.exceptions.TogetherApiException;
import io.github.sparktogetherbatch.exceptions.TogetherJobException;
import io.github.sparktogetherbatch.manifest.BatchEntry;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.manifest.PendingFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SaveMode.Overwrite: the old job's unfinished batches are cancelled (and the batches of its
 * pending files, which are deleted when they have none), then a new job replaces its manifest. A
 * failure to cancel leaves the old manifest in place and submits nothing.
 */
final class OverwriteMode implements CommitMode {
  private static final Logger LOG = LoggerFactory.getLogger(OverwriteMode.class);

  private final String path;
  private final String endpoint;
  private final String model;

  OverwriteMode(String path, String endpoint, String model) {
    this.path = path;
    this.endpoint = endpoint;
    this.model = model;
  }

  @Override
  public boolean replacesJob() {
    return true;
  }

  @Override
  public Start begin(TogetherClient client, Optional<JobManifest> existing, List<String> created) {
    if (existing.isEmpty()) {
      return new Start(JobManifest.newJob(endpoint, model), true, false);
    }
    cancelOldJob(client, existing.get());
    return new Start(existing.get().replacedBy(endpoint, model), true, false);
  }

  /** Cancels the old job's unfinished batches and drops its pending files. */
  private void cancelOldJob(TogetherClient client, JobManifest old) {
    List<String> cancelled = new ArrayList<>();
    for (BatchEntry e : old.batches()) {
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
    for (PendingFile p : old.pendingFiles()) {
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
}
