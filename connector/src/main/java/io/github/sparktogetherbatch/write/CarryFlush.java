package io.github.sparktogetherbatch.write;

import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.codec.InputMapping;
import io.github.sparktogetherbatch.config.WriteConfig;
import io.github.sparktogetherbatch.manifest.JobFolder;
import io.github.sparktogetherbatch.manifest.JobManifest;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduled flush of carried rows ({@link CarryScheduler}): when the oldest carried rows of the
 * job have waited {@code maxCarryDelay}, submits everything the job carries through the committer
 * of a batch append with no rows of its own (its own write id, named after the query so that the
 * query's sweeps know its files), under the job path's lock ({@link JobLocks}). Not due yet (a
 * later epoch carried more since): schedules itself again. A failure leaves the rows carried in the
 * job, to be submitted by the next epoch or an append to the path.
 */
final class CarryFlush implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(CarryFlush.class);

  private final WriteConfig config;
  private final InputMapping mapping;
  private final Configuration conf;
  private final String queryId;

  CarryFlush(WriteConfig config, InputMapping mapping, Configuration conf, String queryId) {
    this.config = config;
    this.mapping = mapping;
    this.conf = conf;
    this.queryId = queryId;
  }

  /** Schedules this flush at {@code at} (see {@link CarryScheduler#schedule}). */
  void scheduleAt(Instant at) {
    CarryScheduler.schedule(config.path(), at, this);
  }

  @Override
  public void run() {
    String path = config.path();
    synchronized (JobLocks.of(path)) {
      try {
        Optional<JobManifest> m = JobManifest.read(path, conf);
        if (m.isEmpty() || m.get().carried().isEmpty()) {
          return;
        }
        Instant due = EpochCarry.oldest(m.get().carried()).plus(config.maxCarryDelay());
        if (Instant.now().isBefore(due)) {
          scheduleAt(due);
          return;
        }
        flush();
      } catch (RuntimeException | Error e) {
        LOG.warn(
            "The scheduled submission of the carried requests of the job at {} failed: {}. They "
                + "stay carried in the job; the next epoch of the query, or an append of an empty "
                + "DataFrame to the path, submits them",
            path,
            e.toString());
      }
    }
  }

  private void flush() {
    String path = config.path();
    String writeId = WriteFileNames.streamingWriteId(queryId);
    JobFolder folder = JobFolder.of(conf, path, writeId);
    WriteCleanup cleanup = new WriteCleanup(path, writeId, folder);
    SmallFilePacker packer = new SmallFilePacker(config, folder, writeId);
    AtomicLong batches = new AtomicLong();
    JobCommitter committer =
        new JobCommitter(
                conf,
                path,
                mapping,
                writeId,
                new AppendMode(conf, path, mapping.endpoint(), mapping.model(), batches),
                batches,
                new AtomicLong(),
                null,
                cleanup,
                folder,
                new EpochCarry(config, folder, packer, writeId, null))
            .recordingOptions(config.recordedOptions())
            .creatingAtOnce(config.createsAtOnce());
    try (TogetherClient client = new TogetherClient(config.client())) {
      LOG.info(
          "The carried requests of the job at {} waited {}: submitting them",
          path,
          config.maxCarryDelay());
      try {
        committer.commit(client, List.of(), null);
      } catch (RuntimeException e) {
        cleanup.abort(client, List.of());
        throw e;
      }
    } finally {
      folder.deleteEmptyFolders();
    }
  }
}
