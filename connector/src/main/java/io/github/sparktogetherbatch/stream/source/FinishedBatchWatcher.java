package io.github.sparktogetherbatch.stream.source;

import io.github.sparktogetherbatch.client.BatchJob;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.config.ReadConfig;
import io.github.sparktogetherbatch.exceptions.TogetherApiException;
import io.github.sparktogetherbatch.exceptions.TogetherJobException;
import io.github.sparktogetherbatch.manifest.JobManifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the job's batches that finished since the last look and appends them to the {@link
 * FinishedBatchLog}: re-reads the manifest (new batches appear as writes or the streaming sink add
 * them), then polls the status of batches not yet logged, at most {@link #MAX_POLLS} per round
 * (taking turns, so every batch is polled in a few rounds).
 */
final class FinishedBatchWatcher {
  private static final Logger LOG = LoggerFactory.getLogger(FinishedBatchWatcher.class);

  /** Status polls per round at most; more unlogged batches are polled in later rounds. */
  static final int MAX_POLLS = 100;

  private final ReadConfig config;
  private final Configuration conf;
  private final TogetherClient client;
  private final FinishedBatchLog log;
  private int cursor;
  private boolean warnedNoJob;

  FinishedBatchWatcher(
      ReadConfig config, Configuration conf, TogetherClient client, FinishedBatchLog log) {
    this.config = config;
    this.conf = conf;
    this.client = client;
    this.log = log;
  }

  /** The batches the job lists now: the option batchId, else the manifest's (none without one). */
  List<String> knownBatches() {
    if (!config.batchIds().isEmpty()) {
      return config.batchIds();
    }
    Optional<JobManifest> m = JobManifest.read(config.path(), conf);
    if (m.isEmpty()) {
      if (!warnedNoJob) {
        LOG.warn(
            "There is no together-batch job at {} yet (no manifest-*.json): the stream emits"
                + " nothing until a write creates it",
            config.path());
        warnedNoJob = true;
      }
      return List.of();
    }
    return m.get().batchIds();
  }

  /** The known batches not in the log yet. */
  List<String> unlogged(List<String> known) {
    List<String> out = new ArrayList<>();
    for (String id : known) {
      if (!log.contains(id)) {
        out.add(id);
      }
    }
    return out;
  }

  /**
   * One round: polls unlogged batches (at most {@code maxPolls}, taking turns) and appends the
   * finished ones (in the job's order) to the log before returning.
   *
   * @return the batches that were polled and are still running
   */
  List<String> pollRound(int maxPolls) {
    List<String> unlogged = unlogged(knownBatches());
    List<String> polled = new ArrayList<>();
    if (unlogged.size() <= maxPolls) {
      polled.addAll(unlogged);
      cursor = 0;
    } else {
      for (int i = 0; i < maxPolls; i++) {
        polled.add(unlogged.get((cursor + i) % unlogged.size()));
      }
      cursor = (cursor + maxPolls) % unlogged.size();
    }
    List<String> finished = new ArrayList<>();
    List<String> running = new ArrayList<>();
    for (String id : polled) {
      BatchJob b = poll(id);
      if (b != null && b.isTerminal()) {
        finished.add(id);
      } else {
        running.add(id);
      }
    }
    log.append(finished);
    if (!finished.isEmpty()) {
      LOG.info(
          "together-batch source of {}: {} batch(es) newly finished {}; {} logged in all, {} polled"
              + " still running",
          label(),
          finished.size(),
          finished,
          log.size(),
          running.size());
    } else {
      LOG.debug(
          "together-batch source of {}: {} batch(es) polled, none newly finished",
          label(),
          polled.size());
    }
    return running;
  }

  private BatchJob poll(String id) {
    try {
      return client.getBatch(id);
    } catch (TogetherApiException e) {
      if (e.isRetryable()) {
        LOG.warn("Could not poll batch {} ({}); trying again at the next poll", id, e.getMessage());
        return null;
      }
      throw new TogetherJobException(
          "Cannot get the status of batch " + id + " of " + label() + ": " + e.getMessage(),
          List.of(id),
          e);
    }
  }

  String label() {
    return config.batchIds().isEmpty()
        ? "the job at " + config.path()
        : "batch(es) " + String.join(", ", config.batchIds());
  }
}
