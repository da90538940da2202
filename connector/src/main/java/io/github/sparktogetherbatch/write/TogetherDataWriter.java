package io.github.sparktogetherbatch.write;

import io.github.sparktogetherbatch.client.FileObject;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.codec.InputMapping;
import io.github.sparktogetherbatch.codec.RequestEncoder;
import io.github.sparktogetherbatch.config.WriteConfig;
import io.github.sparktogetherbatch.exceptions.TogetherDataException;
import io.github.sparktogetherbatch.ids.DigestFiles;
import io.github.sparktogetherbatch.ids.TaskDuplicateCheck;
import io.github.sparktogetherbatch.metrics.WriteMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task's writer. {@link #write} encodes each row into a rolling local staging file and checks
 * it (null or empty input, id, line size); nothing leaves the executor. {@link #commit} — which
 * Spark calls only after the commit coordinator authorised this attempt — checks the task's
 * custom_ids for duplicates, then uploads each staged file and reports the file ids. {@link #abort}
 * deletes what this attempt uploaded and its staging; {@link #close} always deletes the staging. A
 * dry run ({@code dryRun}) stops after the duplicate check: nothing is uploaded.
 */
final class TogetherDataWriter implements DataWriter<InternalRow> {
  private static final Logger LOG = LoggerFactory.getLogger(TogetherDataWriter.class);

  private final WriteConfig config;
  private final InputMapping mapping;
  private final int partitionId;
  private final long taskId;
  private final int attempt;
  private final RequestEncoder encoder;
  private final StagingFiles staging;
  private final TaskDuplicateCheck ids;
  private final List<TogetherWriterCommitMessage.UploadedFile> uploaded = new ArrayList<>();
  private TogetherClient client;
  private long rows;
  private long bytesUploaded;
  private long filesUploaded;

  TogetherDataWriter(
      WriteConfig config,
      InputMapping mapping,
      String writeId,
      int partitionId,
      long taskId,
      DigestFiles digestFiles) {
    this.config = config;
    this.mapping = mapping;
    this.partitionId = partitionId;
    this.taskId = taskId;
    TaskContext tc = TaskContext.get();
    this.attempt = tc == null ? 0 : tc.attemptNumber();
    this.encoder = new RequestEncoder(mapping, partitionId);
    Path dir = WriteFileNames.stagingDir(config);
    String prefix = WriteFileNames.taskPrefix(writeId, partitionId, attempt);
    this.staging =
        new StagingFiles(dir, prefix, config.maxRequestsPerBatch(), config.maxBytesPerBatch());
    this.ids =
        mapping.idsDerived()
            ? null
            : new TaskDuplicateCheck(
                dir.resolve(WriteFileNames.digestSpillFile(prefix, taskId)),
                digestFiles,
                partitionId,
                taskId,
                attempt,
                mapping.idColumn());
  }

  @Override
  public void write(InternalRow row) throws IOException {
    encoder.encode(row, rows);
    int len = encoder.lineLength();
    if (!staging.fits(len)) {
      throw new TogetherDataException(
          "The request of "
              + encoder.where()
              + " is "
              + len
              + " bytes as a JSONL line, more than 'maxBytesPerBatch' ("
              + config.maxBytesPerBatch()
              + " bytes), so it fits in no batch input file. Shorten its input (column '"
              + mapping.inputColumn()
              + "', option '"
              + mapping.inputOption()
              + "') or the body.<field> "
              + "options, or raise 'maxBytesPerBatch' (Together's limit is 100MB).");
    }
    staging.append(encoder);
    if (ids != null) {
      ids.add(encoder.idDigest());
    }
    rows++;
  }

  @Override
  public WriterCommitMessage commit() throws IOException {
    List<StagingFiles.Staged> files = staging.finish();
    long[] sorted = null;
    String sortedFile = null;
    long idCount = 0;
    if (ids != null) {
      idCount = ids.count();
      List<Path> staged = new ArrayList<>();
      for (StagingFiles.Staged s : files) {
        staged.add(s.path());
      }
      ids.finish(staged);
      sorted = ids.sortedDigests();
      sortedFile = ids.digestFile();
    }
    if (config.dryRun()) {
      LOG.debug(
          "Partition {} (task {}, attempt {}): dry run, {} requests staged in {} file(s), {} "
              + "bytes; nothing uploaded",
          partitionId,
          taskId,
          attempt,
          rows,
          files.size(),
          staging.bytesStaged());
      return new TogetherWriterCommitMessage(
              partitionId, taskId, attempt, uploaded, sorted, sortedFile, idCount, 0)
          .withStaged(rows, staging.bytesStaged());
    }
    if (!files.isEmpty()) {
      client = new TogetherClient(config.client());
      for (StagingFiles.Staged s : files) {
        stopIfKilled();
        FileObject f = client.uploadFile(s.path(), s.fileName());
        uploaded.add(
            new TogetherWriterCommitMessage.UploadedFile(
                f.id(), s.fileName(), s.requests(), s.bytes()));
        bytesUploaded += s.bytes();
        filesUploaded++;
      }
      // A job that failed elsewhere while this task uploaded has already run its driver-side
      // clean-up; a killed task deletes its own files (abort) instead of reporting them.
      stopIfKilled();
    }
    LOG.debug(
        "Partition {} (task {}, attempt {}): {} requests uploaded as {} file(s), {} bytes",
        partitionId,
        taskId,
        attempt,
        rows,
        filesUploaded,
        bytesUploaded);
    return new TogetherWriterCommitMessage(
        partitionId,
        taskId,
        attempt,
        uploaded,
        sorted,
        sortedFile,
        idCount,
        client == null ? 0 : client.stats().retries());
  }

  private static void stopIfKilled() {
    TaskContext tc = TaskContext.get();
    if (tc != null) {
      tc.killTaskIfInterrupted();
    }
  }

  @Override
  public void abort() {
    try {
      if (client != null) {
        for (TogetherWriterCommitMessage.UploadedFile f : uploaded) {
          client.deleteQuietly(f.fileId());
        }
        if (!uploaded.isEmpty()) {
          LOG.info(
              "Partition {} (attempt {}) aborted: deleted {} uploaded file(s)",
              partitionId,
              attempt,
              uploaded.size());
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("Partition {}: clean-up of uploaded files failed: {}", partitionId, e.getMessage());
    } finally {
      uploaded.clear();
      staging.deleteAll();
      if (ids != null) {
        ids.deleteDigestFile();
      }
    }
  }

  @Override
  public void close() {
    staging.close();
    if (ids != null) {
      ids.close();
    }
    if (client != null) {
      client.close();
      client = null;
    }
  }

  /**
   * Spark 3.5 reads these for the last time just before {@link #commit}, so bytes and files are
   * reported as staged: Spark sums the values of successful tasks only, and a successful task
   * uploads exactly what it staged, so the write's totals are the bytes and files uploaded. A dry
   * run uploads nothing.
   */
  @Override
  public CustomTaskMetric[] currentMetricsValues() {
    boolean upload = !config.dryRun();
    return new CustomTaskMetric[] {
      WriteMetrics.value(WriteMetrics.REQUESTS_ENCODED, rows),
      WriteMetrics.value(
          WriteMetrics.BYTES_UPLOADED, upload ? Math.max(bytesUploaded, staging.bytesStaged()) : 0),
      WriteMetrics.value(
          WriteMetrics.FILES_UPLOADED, upload ? Math.max(filesUploaded, staging.filesStarted()) : 0)
    };
  }
}
