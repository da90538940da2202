package io.github.sparktogetherbatch.write;

import io.github.sparktogetherbatch.client.FileObject;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.codec.CustomIdRecord;
import io.github.sparktogetherbatch.codec.InputMapping;
import io.github.sparktogetherbatch.codec.RequestEncoder;
import io.github.sparktogetherbatch.config.WriteConfig;
import io.github.sparktogetherbatch.exceptions.TogetherBatchException;
import io.github.sparktogetherbatch.exceptions.TogetherDataException;
import io.github.sparktogetherbatch.ids.DigestFiles;
import io.github.sparktogetherbatch.ids.TaskDuplicateCheck;
import io.github.sparktogetherbatch.manifest.JobFolder;
import io.github.sparktogetherbatch.metrics.WriteMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
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
 * custom_ids for duplicates, then uploads the staged files, {@code uploadsPerTask} at a time
 * ({@link TaskUploads}; each file's custom_id record is copied to the job path beside it), and
 * reports the file ids in the order the files were staged; a file with fewer than {@code
 * minRequestsPerBatch} requests is copied to the job path instead, for the driver to pack into a
 * shared batch. After its uploads it checks that the write is still under way ({@link
 * JobFolder#writeEnded}). {@link #abort} deletes what this attempt uploaded or wrote to the job
 * path, its uploads still in flight included (it waits for them to end), and its staging; {@link
 * #close} always deletes the staging. A dry run ({@code dryRun}) stops after the duplicate check:
 * nothing is uploaded.
 */
final class TogetherDataWriter implements DataWriter<InternalRow> {
  private static final Logger LOG = LoggerFactory.getLogger(TogetherDataWriter.class);

  private final WriteConfig config;
  private final String writeId;
  private final InputMapping mapping;
  private final int partitionId;
  private final long taskId;
  private final int attempt;
  private final RequestEncoder encoder;
  private final StagingFiles staging;
  private final TaskDuplicateCheck ids;
  private final JobFolder jobFolder;
  private final TaskUploads uploads;

  /** What this attempt uploaded, in the order the uploads ended (upload threads add to it). */
  private final List<TogetherWriterCommitMessage.UploadedFile> uploaded =
      Collections.synchronizedList(new ArrayList<>());

  private final List<TogetherWriterCommitMessage.SmallFile> small = new ArrayList<>();

  /** What this attempt wrote to the job path (custom_id records, small files). */
  private final List<String> written = Collections.synchronizedList(new ArrayList<>());

  private TogetherClient client;
  private long rows;
  private volatile long bytesUploaded;
  private volatile long filesUploaded;

  TogetherDataWriter(
      WriteConfig config,
      InputMapping mapping,
      String writeId,
      int partitionId,
      long taskId,
      DigestFiles digestFiles,
      JobFolder jobFolder) {
    this.config = config;
    this.jobFolder = jobFolder;
    this.writeId = writeId;
    this.mapping = mapping;
    this.partitionId = partitionId;
    this.taskId = taskId;
    TaskContext tc = TaskContext.get();
    this.attempt = tc == null ? 0 : tc.attemptNumber();
    this.encoder = new RequestEncoder(mapping, partitionId);
    this.uploads = new TaskUploads(config.uploadsPerTask());
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
              partitionId, taskId, attempt, uploaded, small, sorted, sortedFile, idCount, 0)
          .withStaged(rows, staging.bytesStaged());
    }
    TogetherWriterCommitMessage.UploadedFile[] inOrder =
        new TogetherWriterCommitMessage.UploadedFile[files.size()];
    for (int i = 0; i < files.size(); i++) {
      stopIfKilled();
      StagingFiles.Staged s = files.get(i);
      if (s.requests() < config.minRequestsPerBatch()) {
        leaveForPacking(s);
      } else {
        if (client == null) {
          client = new TogetherClient(config.client());
        }
        int slot = i;
        uploads.submit(() -> inOrder[slot] = upload(s));
      }
    }
    uploads.awaitAll();
    // A killed task deletes its own files (abort) instead of reporting them. So does a task whose
    // write ended (failed elsewhere) while it uploaded: the driver's clean-up wrote its marker
    // before it swept the account, so whatever this task uploaded after that sweep is seen here.
    stopIfKilled();
    if (!files.isEmpty() && jobFolder.writeEnded()) {
      throw new TogetherBatchException(
          "Write "
              + writeId
              + " ended while partition "
              + partitionId
              + " was uploading its requests; the partition's files are deleted.");
    }
    LOG.debug(
        "Partition {} (task {}, attempt {}): {} requests, {} file(s) uploaded ({} bytes), {} left "
            + "at the job path for the driver to pack",
        partitionId,
        taskId,
        attempt,
        rows,
        filesUploaded,
        bytesUploaded,
        small.size());
    List<TogetherWriterCommitMessage.UploadedFile> reported = new ArrayList<>();
    for (TogetherWriterCommitMessage.UploadedFile f : inOrder) {
      if (f != null) {
        reported.add(f);
      }
    }
    return new TogetherWriterCommitMessage(
        partitionId,
        taskId,
        attempt,
        reported,
        small,
        sorted,
        sortedFile,
        idCount,
        client == null ? 0 : client.stats().retries());
  }

  /**
   * Uploads a staged file while its custom_id record is copied to the job path on another thread
   * ({@link RecordCopies}): on HDFS each file created costs a round trip to the NameNode, on an
   * object store a PUT; one after the other, each task paid it once per file. The file is reported
   * only when both are done; whatever of the two was done is in {@link #uploaded} or {@link
   * #written}, for {@link #abort}. Runs on an upload thread of {@link TaskUploads} (or the task's
   * own).
   */
  private TogetherWriterCommitMessage.UploadedFile upload(StagingFiles.Staged s)
      throws IOException {
    String customIds = jobFolder.recordName(s.fileName());
    String record = jobFolder.resolve(customIds);
    written.add(record);
    RecordCopies.Copy copy = RecordCopies.start(jobFolder, s.ids(), record);
    FileObject f;
    try {
      f = client.uploadFile(s.path(), s.fileName());
    } catch (RuntimeException e) {
      copy.awaitQuietly(); // so that abort() finds the record it deletes
      throw e;
    }
    TogetherWriterCommitMessage.UploadedFile done =
        new TogetherWriterCommitMessage.UploadedFile(
            f.id(), s.fileName(), s.requests(), s.bytes(), customIds, record);
    synchronized (uploaded) {
      uploaded.add(done);
      bytesUploaded += s.bytes();
      filesUploaded++;
    }
    copy.await();
    return done;
  }

  /** Copies a small staged file and its custom_id record to the job path, for the driver. */
  private void leaveForPacking(StagingFiles.Staged s) throws IOException {
    String path = jobFolder.smallFile(s.fileName());
    String record = jobFolder.smallFile(s.fileName() + CustomIdRecord.SUFFIX);
    written.add(record);
    jobFolder.copyFromLocal(s.ids(), record);
    written.add(path);
    jobFolder.copyFromLocal(s.path(), path);
    small.add(
        new TogetherWriterCommitMessage.SmallFile(
            path, record, s.fileName(), s.requests(), s.bytes()));
  }

  private static void stopIfKilled() {
    TaskContext tc = TaskContext.get();
    if (tc != null) {
      tc.killTaskIfInterrupted();
    }
  }

  @Override
  public void abort() {
    uploads.cancelAndAwait(); // the uploads in flight end first: their files are deleted too
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
      for (String f : written) {
        jobFolder.deleteQuietly(f);
      }
      if (!written.isEmpty() && jobFolder.writeEnded()) {
        jobFolder.deleteEmptyFolders(); // the driver's clean-up may have run before this task's
      }
      written.clear();
      small.clear();
      staging.deleteAll();
      if (ids != null) {
        ids.deleteDigestFile();
      }
    }
  }

  @Override
  public void close() {
    uploads.cancelAndAwait(); // before the client closes under them
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
   * uploads exactly what it staged (but for its small files, which the driver packs and uploads),
   * so the write's totals are the bytes and files the tasks uploaded. A dry run uploads nothing.
   */
  @Override
  public CustomTaskMetric[] currentMetricsValues() {
    boolean upload = !config.dryRun();
    int min = config.minRequestsPerBatch();
    return new CustomTaskMetric[] {
      WriteMetrics.value(WriteMetrics.REQUESTS_ENCODED, rows),
      WriteMetrics.value(
          WriteMetrics.BYTES_UPLOADED,
          upload ? Math.max(bytesUploaded, staging.bytesToUpload(min)) : 0),
      WriteMetrics.value(
          WriteMetrics.FILES_UPLOADED,
          upload ? Math.max(filesUploaded, staging.filesToUpload(min)) : 0)
    };
  }
}
