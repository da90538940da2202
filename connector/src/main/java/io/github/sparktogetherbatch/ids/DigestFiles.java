package io.github.sparktogetherbatch.ids;

import io.github.sparktogetherbatch.manifest.HadoopConfs;
import io.github.sparktogetherbatch.manifest.JobFolder;
import io.github.sparktogetherbatch.manifest.JobPathFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where tasks with more custom_ids than one {@link TaskDigests} chunk leave their sorted digests
 * for the driver: {@code <job path>/_stb_temporary/<writeId>/}, on the job path's file system (the
 * one place both executors and the driver can reach). The driver merges them as streams and deletes
 * the folder when the write ends, committed or not. 8 bytes per row, next to the 300 or so of each
 * request uploaded.
 */
public final class DigestFiles implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(DigestFiles.class);
  static final String TEMP_DIR = JobFolder.TEMP_DIR;

  private final String dir;

  /**
   * Whether the job path existed before this write (if not, its clean-up removes it when empty).
   */
  private final boolean jobPathExisted;

  private final byte[] conf;
  private transient Configuration hadoopConf;

  private DigestFiles(String dir, boolean jobPathExisted, Configuration conf) {
    this.dir = dir;
    this.jobPathExisted = jobPathExisted;
    this.hadoopConf = conf;
    this.conf = HadoopConfs.toBytes(conf);
  }

  /** For a write to {@code jobPath}, with the path qualified so that executors resolve it alike. */
  public static DigestFiles forWrite(Configuration conf, String jobPath, String writeId) {
    try {
      Path p = new Path(jobPath);
      FileSystem fs = p.getFileSystem(conf);
      Path qualified = fs.makeQualified(p);
      return new DigestFiles(
          new Path(new Path(qualified, TEMP_DIR), writeId).toString(), fs.exists(qualified), conf);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot resolve the job path " + jobPath + ": " + e.getMessage(), e);
    }
  }

  String dir() {
    return dir;
  }

  private Configuration conf() {
    if (hadoopConf == null) {
      hadoopConf = HadoopConfs.fromBytes(conf);
    }
    return hadoopConf;
  }

  /** A task's file: {@code digests-p<partition>-t<task>-a<attempt>.bin}. */
  Path fileFor(int partitionId, long taskId, int attempt) {
    return new Path(dir, String.format("digests-p%05d-t%d-a%d.bin", partitionId, taskId, attempt));
  }

  /** Writes a task's merged digests; returns the values it repeats (sorted, each once). */
  long[] write(Path file, TaskDigests digests) throws IOException {
    FileSystem fs = file.getFileSystem(conf());
    try (OutputStream out = JobPathFiles.create(fs, file, true)) {
      return digests.mergeTo(out);
    }
  }

  /**
   * Merges digest files ({@code counts} digests each, sorted) into one file of this write's folder,
   * for a merge in passes; returns the new file's name.
   */
  String writeMerged(int pass, int index, List<String> files, List<Long> counts)
      throws IOException {
    Path file = new Path(dir, String.format("merged-pass%d-%05d.bin", pass, index));
    List<DigestCursor> sorted = new ArrayList<>();
    boolean merging = false;
    try {
      for (int i = 0; i < files.size(); i++) {
        sorted.add(open(files.get(i), counts.get(i)));
      }
      try (TaskDigests.LongWriter out =
          new TaskDigests.LongWriter(JobPathFiles.create(file.getFileSystem(conf()), file, true))) {
        merging = true;
        IdDigest.mergeSorted(sorted, out); // closes the cursors
      }
    } finally {
      if (!merging) {
        for (DigestCursor c : sorted) {
          try {
            c.close();
          } catch (IOException ignored) {
            // the failure that got here is the one to report
          }
        }
      }
    }
    return file.toString();
  }

  /** Opens a task's digests for a merge. */
  DigestCursor open(String file, long count) throws IOException {
    Path p = new Path(file);
    return DigestCursor.ofStream(p.getFileSystem(conf()).open(p), count);
  }

  /** Best effort: deletes one task's file (a failed or aborted attempt). */
  void deleteQuietly(Path file) {
    try {
      file.getFileSystem(conf()).delete(file, false);
    } catch (IOException | RuntimeException e) {
      LOG.debug("Could not delete {}: {}", file, e.getMessage());
    }
  }

  /** Best effort: deletes this write's folder, and {@value #TEMP_DIR} when nothing else is left. */
  public void deleteAll() {
    Path temp = new Path(dir).getParent();
    deleteFolders(conf(), temp, List.of(new Path(dir).getName()));
    if (!jobPathExisted) {
      // Tasks' digest files created the job path; a write that recorded nothing leaves none.
      Path job = temp.getParent();
      try {
        deleteIfEmpty(job.getFileSystem(conf()), job);
      } catch (IOException | RuntimeException e) {
        LOG.debug("Could not delete the empty job path {}: {}", job, e.getMessage());
      }
    }
  }

  /**
   * Best effort: deletes the folders of earlier writes to {@code jobPath} (interrupted writes whose
   * drivers died before deleting them), and {@value #TEMP_DIR} when nothing else is left.
   */
  public static void deleteFoldersOf(
      Configuration conf, String jobPath, Collection<String> writeIds) {
    deleteFolders(conf, new Path(new Path(jobPath), TEMP_DIR), writeIds);
  }

  private static void deleteFolders(Configuration conf, Path temp, Collection<String> writeIds) {
    try {
      FileSystem fs = temp.getFileSystem(conf);
      for (String w : writeIds) {
        if (w == null) {
          continue; // a pending file recorded without its write's id
        }
        Path d = new Path(temp, w);
        if (fs.exists(d)) {
          fs.delete(d, true);
        }
      }
      deleteIfEmpty(fs, temp);
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "Could not delete the temporary custom_id digests under {}: {}", temp, e.getMessage());
    }
  }

  private static void deleteIfEmpty(FileSystem fs, Path dir) throws IOException {
    if (fs.exists(dir) && fs.listStatus(dir).length == 0) {
      fs.delete(dir, false);
    }
  }
}
