package io.github.sparktogetherbatch.write;

import io.github.sparktogetherbatch.client.FileObject;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.manifest.BatchEntry;
import io.github.sparktogetherbatch.manifest.JobFolder;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.manifest.PendingFile;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a write deletes at Together: after a failed write, the uploaded files nothing refers to;
 * after any commit, this write's files that no task reported (the orphan sweep). One instance per
 * write: the committer tells it which files got a batch or were recorded as pending, so an abort
 * after a failed commit deletes only what the manifest does not name, at Together and among the
 * write's custom_id records at the job path. Best effort throughout.
 */
final class WriteCleanup {
  private static final Logger LOG = LoggerFactory.getLogger(WriteCleanup.class);

  private final String path;
  private final String writeId;
  private final JobFolder jobFolder;

  /** The custom_id records of the files kept (batched or pending), relative to the job path. */
  private final Set<String> keptRecords = new HashSet<>();

  /** Input files that have a batch recorded in the manifest. */
  private final Set<String> batched = new HashSet<>();

  /** Input files recorded as pending in the manifest (kept for a resume). */
  private final Set<String> pending = new HashSet<>();

  WriteCleanup(String path, String writeId, JobFolder jobFolder) {
    this.path = path;
    this.writeId = writeId;
    this.jobFolder = jobFolder;
  }

  /** The manifest records the file as pending: an abort keeps it (and its record) for a resume. */
  void recordedPending(String fileId, String customIds) {
    pending.add(fileId);
    if (customIds != null) {
      keptRecords.add(customIds);
    }
  }

  /** The file got a batch: never deleted. */
  void batchCreated(String fileId, String customIds) {
    batched.add(fileId);
    pending.remove(fileId);
    if (customIds != null) {
      keptRecords.add(customIds);
    }
  }

  /** Deletes every uploaded file of a write that submits nothing; returns how many there were. */
  int discard(TogetherClient client, List<TogetherWriterCommitMessage.UploadedFile> files) {
    for (TogetherWriterCommitMessage.UploadedFile f : files) {
      client.deleteQuietly(f.fileId());
    }
    sweepOrphans(client, Set.of());
    jobFolder.sweepRecords(Set.of(), writeId);
    return files.size();
  }

  /** After a commit: deletes this write's files that no batch refers to. */
  void sweepAfterCommit(TogetherClient client) {
    sweepOrphans(client, batched);
  }

  /**
   * After a streaming epoch's commit: deletes every file of the streaming query ({@code stb-<query
   * id>-}) that the job does not name, i.e. what earlier runs of the query uploaded for epochs
   * whose driver died before the manifest recorded them. Epochs of one query run one after another,
   * so no other write of it is under way. Best effort.
   */
  void sweepQuery(TogetherClient client, String queryId, JobManifest m) {
    Set<String> keep = new HashSet<>(batched);
    for (BatchEntry b : m.batches()) {
      keep.add(b.inputFileId());
    }
    for (PendingFile p : m.pendingFiles()) {
      keep.add(p.inputFileId());
    }
    int n = 0;
    try {
      for (FileObject f : client.listFiles()) {
        if (WriteFileNames.isOfQuery(f.filename(), queryId) && !keep.contains(f.id())) {
          client.deleteQuietly(f.id());
          n++;
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("Could not look for leftover input files of query {}: {}", queryId, e.getMessage());
      return;
    }
    if (n > 0) {
      LOG.info(
          "Deleted {} input file(s) of streaming query {} that the job at {} does not name",
          n,
          queryId,
          path);
    }
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
      jobFolder.sweepRecords(keptRecords, writeId);
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

  /**
   * Deletes this write's files that nothing refers to: files uploaded by task attempts whose
   * results Spark dropped (e.g. a lost executor after its upload). Found by name ({@link
   * WriteFileNames#writePrefix}). Best effort.
   */
  private void sweepOrphans(TogetherClient client, Set<String> keep) {
    int n = 0;
    try {
      for (FileObject f : client.listFiles()) {
        if (WriteFileNames.isOfWrite(f.filename(), writeId) && !keep.contains(f.id())) {
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
