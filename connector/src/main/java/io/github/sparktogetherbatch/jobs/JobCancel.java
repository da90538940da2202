package io.github.sparktogetherbatch.jobs;

import io.github.sparktogetherbatch.client.BatchJob;
import io.github.sparktogetherbatch.client.BatchStatus;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.manifest.JobManifest;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Cancels the unfinished batches of a job (every attempt). */
final class JobCancel {
  private static final Logger LOG = LoggerFactory.getLogger(JobCancel.class);

  private JobCancel() {}

  /**
   * Cancels each batch of the job that is neither finished nor already being cancelled; returns how
   * many it cancelled.
   */
  static int run(JobSettings s) {
    JobManifest m = s.manifest();
    List<String> cancelled = new ArrayList<>();
    try (TogetherClient client = new TogetherClient(s.config.client())) {
      for (String id : m.batchIds()) {
        BatchJob b = client.getBatch(id);
        if (!b.isTerminal() && b.status() != BatchStatus.CANCELING) {
          client.cancelBatch(id);
          cancelled.add(id);
        }
      }
    }
    if (!m.pendingFiles().isEmpty()) {
      LOG.warn(
          "The job at {} lists {} uploaded input file(s) without a batch (an interrupted write); "
              + "they have no batch to cancel",
          s.path,
          m.pendingFiles().size());
    }
    if (!m.carried().isEmpty()) {
      LOG.warn(
          "The job at {} carries {} request(s) of small streaming epochs, not yet submitted; "
              + "cancel leaves them (a later epoch or append submits them; an overwrite drops them)",
          s.path,
          m.carriedRequests());
    }
    LOG.info(
        "Cancelled {} unfinished batch(es) of the job at {} ({} batch(es) in all): {}",
        cancelled.size(),
        s.path,
        m.batches().size(),
        cancelled);
    return cancelled.size();
  }
}
