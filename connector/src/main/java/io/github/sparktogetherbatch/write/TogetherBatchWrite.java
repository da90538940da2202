package io.github.sparktogetherbatch.write;

import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.codec.InputMapping;
import io.github.sparktogetherbatch.config.WriteConfig;
import io.github.sparktogetherbatch.ids.DigestFiles;
import io.github.sparktogetherbatch.manifest.HadoopConfs;
import io.github.sparktogetherbatch.manifest.JobFolder;
import io.github.sparktogetherbatch.manifest.StreamEpoch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.write.BatchWrite;
import org.apache.spark.sql.connector.write.DataWriterFactory;
import org.apache.spark.sql.connector.write.PhysicalWriteInfo;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch write: executors stage and upload (see {@link TogetherDataWriter}), then the driver
 * creates one batch per uploaded file and records the job (see {@link JobCommitter}), or, when the
 * write fails, deletes what it uploaded (see {@link WriteCleanup}). Uses Spark's commit
 * coordinator, so only one attempt per partition uploads.
 */
final class TogetherBatchWrite implements BatchWrite {
  private static final Logger LOG = LoggerFactory.getLogger(TogetherBatchWrite.class);

  private final WriteConfig config;
  private final InputMapping mapping;
  private final String writeId;
  private final boolean truncate;
  private final AtomicLong batchesCreated;
  private final AtomicLong httpRetries;
  private JobCommitter committer;
  private DigestFiles digestFiles;
  private JobFolder jobFolder;
  private WriteCleanup cleanup;

  TogetherBatchWrite(
      WriteConfig config,
      InputMapping mapping,
      String writeId,
      boolean truncate,
      AtomicLong batchesCreated,
      AtomicLong httpRetries) {
    this.config = config;
    this.mapping = mapping;
    this.writeId = writeId;
    this.truncate = truncate;
    this.batchesCreated = batchesCreated;
    this.httpRetries = httpRetries;
  }

  @Override
  public DataWriterFactory createBatchWriterFactory(PhysicalWriteInfo info) {
    LOG.debug(
        "Write {} to {}: {} partition(s), {}",
        writeId,
        config.path(),
        info.numPartitions(),
        mapping);
    DigestFiles digests = digestFiles();
    JobFolder folder = jobFolder();
    if (!config.dryRun()) {
      folder.markStarted();
    }
    return new TogetherDataWriterFactory(config, mapping, writeId, digests, folder);
  }

  @Override
  public boolean useCommitCoordinator() {
    return true;
  }

  @Override
  public void commit(WriterCommitMessage[] messages) {
    commit(messages, null);
  }

  /**
   * Commits the write, as {@code epoch} of a streaming query when it is not null (see {@link
   * JobCommitter#commit(TogetherClient, List, StreamEpoch)}).
   */
  void commit(WriterCommitMessage[] messages, StreamEpoch epoch) {
    try {
      if (config.dryRun()) {
        committer().commitDryRun(ours(messages));
        DryRunEstimate.report(config, ours(messages));
        return;
      }
      try (TogetherClient client = new TogetherClient(config.client())) {
        committer().commit(client, ours(messages), epoch);
      }
    } finally {
      deleteTemporary();
    }
  }

  /**
   * Marks the write as aborted at the job path first, then sweeps: a task that finishes an upload
   * after the sweep looked sees the marker (or, later, the write's temporary folder gone) and
   * deletes its own files.
   */
  @Override
  public void abort(WriterCommitMessage[] messages) {
    try {
      if (config.dryRun()) {
        return; // nothing was uploaded; executors delete their own staging
      }
      try {
        jobFolder().markAborted();
      } catch (RuntimeException e) {
        LOG.warn("Could not mark the write {} as aborted: {}", writeId, e.getMessage());
      }
      synchronized (this) {
        if (committer != null) {
          committer.abortCarry();
        }
      }
      try (TogetherClient client = new TogetherClient(config.client())) {
        cleanup().abort(client, ours(messages));
      } catch (RuntimeException e) {
        LOG.warn(
            "Clean-up after the failed write {} to {} failed: {}",
            writeId,
            config.path(),
            e.getMessage());
      }
    } finally {
      deleteTemporary();
    }
  }

  private synchronized JobCommitter committer() {
    if (committer == null) {
      Configuration conf = HadoopConfs.forSession(SparkSession.active());
      CommitMode mode =
          truncate
              ? new OverwriteMode(config.path(), mapping.endpoint(), mapping.model())
              : new AppendMode(
                  conf, config.path(), mapping.endpoint(), mapping.model(), batchesCreated);
      SmallFilePacker packer = new SmallFilePacker(config, jobFolder(), writeId);
      EpochCarry.FlushScheduler flushes =
          (queryId, at) -> new CarryFlush(config, mapping, conf, queryId).scheduleAt(at);
      committer =
          new JobCommitter(
                  conf,
                  config.path(),
                  mapping,
                  writeId,
                  mode,
                  batchesCreated,
                  httpRetries,
                  digestFiles(),
                  cleanup(),
                  jobFolder(),
                  new EpochCarry(config, jobFolder(), packer, writeId, flushes))
              .recordingOptions(config.recordedOptions())
              .creatingAtOnce(config.createsAtOnce());
    }
    return committer;
  }

  /** The job path's files of this write (custom_id records, small files, markers). */
  private synchronized JobFolder jobFolder() {
    if (jobFolder == null) {
      digestFiles(); // first: it notes whether the job path existed before this write
      jobFolder =
          JobFolder.of(HadoopConfs.forSession(SparkSession.active()), config.path(), writeId);
    }
    return jobFolder;
  }

  private synchronized WriteCleanup cleanup() {
    if (cleanup == null) {
      cleanup = new WriteCleanup(config.path(), writeId, jobFolder());
    }
    return cleanup;
  }

  /** Where large tasks leave their custom_id digests; null when ids are derived. */
  private synchronized DigestFiles digestFiles() {
    if (digestFiles == null && !mapping.idsDerived()) {
      digestFiles =
          DigestFiles.forWrite(
              HadoopConfs.forSession(SparkSession.active()), config.path(), writeId);
    }
    return digestFiles;
  }

  private synchronized void deleteTemporary() {
    if (digestFiles != null) {
      digestFiles.deleteAll();
    }
    if (jobFolder != null) {
      jobFolder.deleteTemp();
    }
  }

  /** The non-null messages (Spark passes null for tasks that did not commit). */
  private static List<TogetherWriterCommitMessage> ours(WriterCommitMessage[] messages) {
    List<TogetherWriterCommitMessage> out = new ArrayList<>();
    if (messages != null) {
      for (WriterCommitMessage m : messages) {
        if (m instanceof TogetherWriterCommitMessage) {
          out.add((TogetherWriterCommitMessage) m);
        }
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "TogetherBatchWrite{write="
        + writeId
        + ", path="
        + config.path()
        + ", endpoint="
        + mapping.endpoint()
        + (truncate ? ", overwrite" : "")
        + "}";
  }
}
