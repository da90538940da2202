package io.github.sparktogetherbatch.ids;

import io.github.sparktogetherbatch.codec.RequestIds;
import io.github.sparktogetherbatch.exceptions.TogetherDataException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One task's custom_ids, checked for duplicates within the task: each row adds its id's digest
 * ({@link TaskDigests}, bounded memory); at commit the digests are sorted, for the commit message
 * when they fit it, else into a file next to the job ({@link DigestFiles}), and any repeated digest
 * is confirmed by re-reading the staged ids, so only a real duplicate fails. The driver then checks
 * across tasks ({@link WriteDuplicateCheck}).
 */
public final class TaskDuplicateCheck implements Closeable {
  private final TaskDigests digests;
  private final DigestFiles digestFiles;
  private final int partitionId;
  private final long taskId;
  private final int attempt;
  private final String idColumn;
  private org.apache.hadoop.fs.Path digestFile;
  private long[] sorted;

  /**
   * @param spillFile the task's local file for sorted runs of digests
   * @param digestFiles where digests that do not fit the commit message go
   * @param idColumn the id column, for messages
   */
  public TaskDuplicateCheck(
      Path spillFile,
      DigestFiles digestFiles,
      int partitionId,
      long taskId,
      int attempt,
      String idColumn) {
    this.digests = new TaskDigests(spillFile);
    this.digestFiles = digestFiles;
    this.partitionId = partitionId;
    this.taskId = taskId;
    this.attempt = attempt;
    this.idColumn = idColumn;
  }

  /** Adds one row's custom_id digest. */
  public void add(long digest) throws IOException {
    digests.add(digest);
  }

  /**
   * Sorts the digests (afterwards {@link #sortedDigests} or {@link #digestFile} says where they
   * are) and fails with a {@link TogetherDataException} when two of the staged rows share a
   * custom_id.
   */
  public void finish(List<Path> stagedFiles) throws IOException {
    long[] repeated;
    if (!digests.fitMessage()) {
      // Too many ids for the commit message: the merged digests go next to the job.
      digestFile = digestFiles.fileFor(partitionId, taskId, attempt);
      repeated = digestFiles.write(digestFile, digests);
    } else {
      sorted = digests.sortedInMemory();
      repeated = IdDigest.repeated(sorted);
    }
    digests.close();
    confirm(repeated, stagedFiles);
  }

  /** How many custom_ids the task wrote. */
  public long count() {
    return digests.count();
  }

  /** The sorted digests when they fit the commit message, else null. */
  public long[] sortedDigests() {
    return sorted;
  }

  /** The file holding the sorted digests when they did not fit the commit message, else null. */
  public String digestFile() {
    return sorted == null && digestFile != null ? digestFile.toString() : null;
  }

  /**
   * Fails when two rows of this task share a custom_id. Equal digests are confirmed by re-reading
   * the staged ids, so only a real duplicate fails.
   */
  private void confirm(long[] repeated, List<Path> files) throws IOException {
    if (repeated.length == 0) {
      return;
    }
    Set<String> seen = new HashSet<>();
    for (Path f : files) {
      try (InputStream raw = Files.newInputStream(f);
          RequestIds in = new RequestIds(raw)) {
        while (in.next()) {
          String id = in.id();
          if (id != null && IdDigest.contains(repeated, IdDigest.of(id)) && !seen.add(id)) {
            throw duplicate(id);
          }
        }
      }
    }
  }

  private TogetherDataException duplicate(String id) {
    return new TogetherDataException(
        "custom_id '"
            + id
            + "' (column '"
            + idColumn
            + "', option 'idColumn') appears more than once in partition "
            + partitionId
            + ". custom_id "
            + "values must be unique across the whole write: deduplicate the rows (e.g. "
            + "dropDuplicates(\""
            + idColumn
            + "\")) or choose another 'idColumn'. Nothing was "
            + "submitted.");
  }

  /** Best effort: deletes the digest file this attempt wrote next to the job (an abort). */
  public void deleteDigestFile() {
    if (digestFile != null) {
      digestFiles.deleteQuietly(digestFile);
    }
  }

  /** Deletes the local spill file. */
  @Override
  public void close() {
    digests.close();
  }
}
