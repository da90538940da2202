package io.github.sparktogetherbatch.ids;

import io.github.sparktogetherbatch.codec.CustomIdRecord;
import io.github.sparktogetherbatch.codec.IdStream;
import io.github.sparktogetherbatch.exceptions.TogetherBatchException;
import io.github.sparktogetherbatch.exceptions.TogetherDataException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's check for a custom_id in more than one task of a write, before any batch is created:
 * every task's sorted digests are merged as streams ({@link IdDigest#repeatedAcross}), and equal
 * digests are confirmed by reading the ids back from the files' custom_id records, so a digest
 * collision never fails a write. A dry run uploads nothing, so it has only the digests.
 */
public final class WriteDuplicateCheck {
  private static final Logger LOG = LoggerFactory.getLogger(WriteDuplicateCheck.class);
  private static final int MAX_NAMED = 5;

  private final String idColumn;
  private final DigestFiles digestFiles;

  /**
   * @param idColumn the id column, for messages
   * @param digestFiles where tasks left digests that did not fit their commit message; null when
   *     ids are derived
   */
  public WriteDuplicateCheck(String idColumn, DigestFiles digestFiles) {
    this.idColumn = idColumn;
    this.digestFiles = digestFiles;
  }

  /** Opens a custom_id record at the job path. */
  public interface RecordOpener {
    InputStream open(String record) throws IOException;
  }

  /**
   * Fails the write when a custom_id occurs in more than one task, after discarding the uploaded
   * files ({@code discardUploads} deletes them and returns how many there were). Equal digests are
   * confirmed from the tasks' custom_id records ({@code records}), never from Together.
   */
  public void check(
      RecordOpener records, List<? extends TaskIds> tasks, IntSupplier discardUploads) {
    long[] repeated;
    try {
      repeated = repeatedAcross(tasks);
    } catch (RuntimeException e) {
      discardUploads.getAsInt();
      throw e;
    }
    if (repeated.length == 0) {
      return;
    }
    // Confirm: read the ids with a repeated digest back from the records of the files.
    Map<String, TreeSet<Integer>> partitions = new LinkedHashMap<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (TaskIds task : tasks) {
      if (!task.hasDigests() || !intersects(task, repeated)) {
        continue;
      }
      for (String record : task.idRecords()) {
        try (IdStream in = CustomIdRecord.reader(records.open(record))) {
          while (in.next()) {
            String id = in.id();
            if (id != null && IdDigest.contains(repeated, IdDigest.of(id))) {
              counts.merge(id, 1, Integer::sum);
              partitions.computeIfAbsent(id, k -> new TreeSet<>()).add(task.partitionId());
            }
          }
        } catch (IOException e) {
          discardUploads.getAsInt();
          throw new TogetherBatchException(
              "Could not read back the custom_id record "
                  + record
                  + " to confirm a possible duplicate custom_id: "
                  + e.getMessage()
                  + ". Nothing was "
                  + "submitted; the uploaded files were deleted. Run the write again.",
              new UncheckedIOException(e));
        }
      }
    }
    List<String> dups = new ArrayList<>();
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      if (e.getValue() > 1) {
        dups.add(e.getKey());
      }
    }
    if (dups.isEmpty()) {
      LOG.debug("{} custom_id digest collision(s) of distinct ids; no duplicates", repeated.length);
      return;
    }
    int deleted = discardUploads.getAsInt();
    StringBuilder named = new StringBuilder();
    for (int i = 0; i < Math.min(MAX_NAMED, dups.size()); i++) {
      String id = dups.get(i);
      named
          .append(i == 0 ? "" : ", ")
          .append('\'')
          .append(id)
          .append("' (partitions ")
          .append(partitions.get(id))
          .append(')');
    }
    if (dups.size() > MAX_NAMED) {
      named.append(" and ").append(dups.size() - MAX_NAMED).append(" more");
    }
    throw new TogetherDataException(
        "Duplicate custom_id in column '"
            + idColumn
            + "' (option 'idColumn'): "
            + named
            + " appear(s) in more than one row of the write. "
            + "custom_id values must be unique across the whole write: deduplicate the rows (e.g. "
            + "dropDuplicates(\""
            + idColumn
            + "\")) or choose another 'idColumn'. Nothing was "
            + "submitted: no batch was created and the "
            + deleted
            + " uploaded input file(s) were "
            + "deleted.");
  }

  /**
   * A dry run's check: nothing was uploaded, so a digest repeated across tasks counts as a
   * duplicate (the ids themselves stayed on the executors). Returns the number of ids checked.
   */
  public long checkDigestsOnly(List<? extends TaskIds> tasks) {
    long ids = 0;
    for (TaskIds task : tasks) {
      ids += task.idCount();
    }
    long[] repeated = repeatedAcross(tasks);
    if (repeated.length > 0) {
      throw new TogetherDataException(
          "Duplicate custom_id in column '"
              + idColumn
              + "' (option 'idColumn'): "
              + repeated.length
              + " value(s) appear in more than one row "
              + "of the write (found by their 64-bit digests; a dry run uploads nothing, so it cannot "
              + "name them: run the check df.groupBy(\""
              + idColumn
              + "\").count()"
              + ".filter(\"count > 1\"); if it finds none, two distinct ids share a digest, which a "
              + "real write tells apart by the ids themselves). custom_id values must be unique "
              + "across the whole write: "
              + "deduplicate the rows (e.g. dropDuplicates(\""
              + idColumn
              + "\")) or choose "
              + "another 'idColumn'.");
    }
    return ids;
  }

  /**
   * The digests repeated across every task's sorted custom_id digests, merged as streams. Digest
   * files are read {@link TaskDigests#MAX_FAN_IN} at a time: past that many, groups of them are
   * first merged into longer files next to them (deleted with the write's folder), so that the
   * driver never holds more than that many open streams and buffers, whatever the task count.
   */
  private long[] repeatedAcross(List<? extends TaskIds> tasks) {
    List<DigestCursor> cursors = new ArrayList<>();
    try {
      List<String> files = new ArrayList<>();
      List<Long> counts = new ArrayList<>();
      for (TaskIds task : tasks) {
        if (task.idDigests() != null) {
          cursors.add(DigestCursor.of(task.idDigests()));
        } else if (task.digestFile() != null) {
          files.add(task.digestFile());
          counts.add(task.idCount());
        }
      }
      for (int pass = 1; files.size() > TaskDigests.MAX_FAN_IN; pass++) {
        List<String> merged = new ArrayList<>();
        List<Long> mergedCounts = new ArrayList<>();
        for (int i = 0; i < files.size(); i += TaskDigests.MAX_FAN_IN) {
          int end = Math.min(files.size(), i + TaskDigests.MAX_FAN_IN);
          merged.add(
              digestFiles.writeMerged(
                  pass, merged.size(), files.subList(i, end), counts.subList(i, end)));
          mergedCounts.add(counts.subList(i, end).stream().mapToLong(Long::longValue).sum());
        }
        files = merged;
        counts = mergedCounts;
      }
      for (int j = 0; j < files.size(); j++) {
        cursors.add(digestFiles.open(files.get(j), counts.get(j)));
      }
      return IdDigest.repeatedAcross(cursors);
    } catch (IOException e) {
      for (DigestCursor c : cursors) {
        try {
          c.close();
        } catch (IOException ignored) {
          // reported below
        }
      }
      throw new TogetherBatchException(
          "Could not read the custom_id digests of the write's tasks "
              + "("
              + (digestFiles == null ? "" : digestFiles.dir() + ", ")
              + "used to find duplicate "
              + "ids): "
              + e.getMessage()
              + ". Nothing was submitted. Run the write again.",
          new UncheckedIOException(e));
    }
  }

  private boolean intersects(TaskIds task, long[] repeated) {
    try {
      return IdDigest.intersects(cursor(task), repeated);
    } catch (IOException e) {
      throw new TogetherBatchException(
          "Could not read the custom_id digests of partition "
              + task.partitionId()
              + ": "
              + e.getMessage()
              + ". Nothing was submitted. Run the write "
              + "again.",
          new UncheckedIOException(e));
    }
  }

  private DigestCursor cursor(TaskIds task) throws IOException {
    if (task.idDigests() != null) {
      return DigestCursor.of(task.idDigests());
    }
    if (digestFiles == null) {
      throw new IOException("no place for digest files was set up");
    }
    return digestFiles.open(task.digestFile(), task.idCount());
  }
}
