package io.github.sparktogetherbatch.write;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where tasks with more custom_ids than one {@link TaskDigests} chunk leave their sorted digests
 * for the driver: {@code <job path>/_stb_temporary/<writeId>/}, on the job path's file system (the
 * one place both executors and the driver can reach). The driver merges them as streams and
 * deletes the folder when the write ends, committed or not. 8 bytes per row, next to the 300 or
 * so of each request uploaded.
 */
final class DigestFiles implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(DigestFiles.class);
  static final String TEMP_DIR = "_stb_temporary";

  private final String dir;
  private final byte[] conf;
  private transient Configuration hadoopConf;

  private DigestFiles(String dir, Configuration conf) {
    this.dir = dir;
    this.hadoopConf = conf;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      conf.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.conf = bytes.toByteArray();
  }

  /** For a write to {@code jobPath}, with the path qualified so that executors resolve it alike. */
  static DigestFiles forWrite(Configuration conf, String jobPath, String writeId) {
    try {
      Path p = new Path(jobPath);
      Path qualified = p.getFileSystem(conf).makeQualified(p);
      return new DigestFiles(new Path(new Path(qualified, TEMP_DIR), writeId).toString(), conf);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot resolve the job path " + jobPath + ": "
          + e.getMessage(), e);
    }
  }

  String dir() {
    return dir;
  }

  private Configuration conf() {
    if (hadoopConf == null) {
      Configuration c = new Configuration(false);
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(conf))) {
        c.readFields(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      hadoopConf = c;
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
    try (OutputStream out = fs.create(file, true)) {
      return digests.mergeTo(out);
    }
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
  void deleteAll() {
    Path d = new Path(dir);
    try {
      FileSystem fs = d.getFileSystem(conf());
      if (fs.exists(d)) {
        fs.delete(d, true);
      }
      Path parent = d.getParent();
      if (fs.exists(parent)) {
        FileStatus[] left = fs.listStatus(parent);
        if (left.length == 0) {
          fs.delete(parent, false);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not delete the temporary custom_id digests at {}: {}", dir, e.getMessage());
    }
  }
}
