package io.github.sparktogetherbatch.manifest;

import io.github.sparktogetherbatch.codec.CustomIdRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of a job path besides its manifest, on the path's Hadoop file system, as both the
 * driver and the executors reach them (the path qualified, the Hadoop configuration carried along):
 *
 * <ul>
 *   <li>{@value #RECORDS_DIR}{@code /<writeId>/<input file name>.ids.gz}: each batch input file's
 *       custom_ids ({@link io.github.sparktogetherbatch.codec.CustomIdRecord}), named in the
 *       manifest relative to the job path and kept as long as the job;
 *   <li>{@value #TEMP_DIR}{@code /<writeId>/}: a write's temporary files, deleted when it ends: the
 *       marker {@value #STARTED} (written when the write starts), the marker {@value #ABORTED}
 *       (written first by a failed write's clean-up), and under {@value #SMALL_DIR}{@code /} the
 *       files of small tasks waiting to be packed into shared batches;
 *   <li>{@value #CARRIED_DIR}{@code /<writeId>.jsonl} and its record {@code .jsonl.ids.gz}: the
 *       requests of a small streaming epoch waiting to share a batch with later epochs, named in
 *       the manifest ({@link CarriedFile}) until they are submitted.
 * </ul>
 */
public final class JobFolder implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(JobFolder.class);

  public static final String RECORDS_DIR = "_stb_custom_ids";
  public static final String TEMP_DIR = "_stb_temporary";
  public static final String CARRIED_DIR = "_stb_carried";
  static final String SMALL_DIR = "small";
  static final String STARTED = "_started";
  static final String ABORTED = "_aborted";

  private final String job;
  private final String writeId;
  private final boolean jobPathExisted;
  private final byte[] conf;
  private transient Configuration hadoopConf;

  private JobFolder(String job, String writeId, boolean jobPathExisted, Configuration conf) {
    this.job = job;
    this.writeId = writeId;
    this.jobPathExisted = jobPathExisted;
    this.hadoopConf = conf;
    this.conf = HadoopConfs.toBytes(conf);
  }

  /** The job path of a write (or of a read: {@code writeId} null), qualified. */
  public static JobFolder of(Configuration conf, String jobPath, String writeId) {
    try {
      Path p = new Path(jobPath);
      FileSystem fs = p.getFileSystem(conf);
      Path qualified = fs.makeQualified(p);
      return new JobFolder(qualified.toString(), writeId, fs.exists(qualified), conf);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot resolve the job path " + jobPath + ": " + e.getMessage(), e);
    }
  }

  public String writeId() {
    return writeId;
  }

  private Configuration conf() {
    if (hadoopConf == null) {
      hadoopConf = HadoopConfs.fromBytes(conf);
    }
    return hadoopConf;
  }

  private FileSystem fs() throws IOException {
    return new Path(job).getFileSystem(conf());
  }

  private Path writeTemp() {
    return new Path(new Path(new Path(job), TEMP_DIR), writeId);
  }

  /** The manifest's name of an input file's custom_id record: relative to the job path. */
  public String recordName(String inputFileName) {
    return RECORDS_DIR + "/" + writeId + "/" + inputFileName + CustomIdRecord.SUFFIX;
  }

  /** Where a small task's staged file (or its custom_id record) waits for the driver to pack it. */
  public String smallFile(String fileName) {
    return new Path(new Path(writeTemp(), SMALL_DIR), fileName).toString();
  }

  /** Where this write carries its requests, relative to the job path ({@link CarriedFile}). */
  public String carriedFile() {
    return CARRIED_DIR + "/" + writeId + ".jsonl";
  }

  /** The custom_id record of {@link #carriedFile()}, relative to the job path. */
  public String carriedRecord() {
    return carriedFile() + CustomIdRecord.SUFFIX;
  }

  /**
   * Best effort: deletes the carried files of the streaming query ({@code <queryId>-…}) that {@code
   * keep} (names relative to the job path) does not name: those of epochs whose driver died before
   * the manifest recorded them, or after their rows were submitted.
   */
  public void sweepCarriedOfQuery(String queryId, Set<String> keep) {
    int n = 0;
    try {
      FileSystem fs = fs();
      Path dir = new Path(new Path(job), CARRIED_DIR);
      if (!fs.exists(dir)) {
        return;
      }
      for (FileStatus f : fs.listStatus(dir)) {
        String name = f.getPath().getName();
        if (name.startsWith(queryId + "-") && !keep.contains(CARRIED_DIR + "/" + name)) {
          fs.delete(f.getPath(), false);
          n++;
        }
      }
      deleteIfEmpty(fs, dir);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not sweep the carried files under {}: {}", job, e.getMessage());
    }
    if (n > 0) {
      LOG.info("Deleted {} carried file(s) of query {} that the job does not name", n, queryId);
    }
  }

  /** The absolute path of a file named relative to the job path (e.g. a custom_id record). */
  public String resolve(String relative) {
    return new Path(new Path(job), relative).toString();
  }

  /** Copies a local file to {@code target} (absolute), replacing what is there. */
  public void copyFromLocal(java.nio.file.Path local, String target) throws IOException {
    Path t = new Path(target);
    try (OutputStream out = JobPathFiles.create(t.getFileSystem(conf()), t, true)) {
      java.nio.file.Files.copy(local, out);
    }
  }

  /** Creates (replacing) a file, given its absolute path. */
  public OutputStream create(String target) throws IOException {
    Path t = new Path(target);
    return JobPathFiles.create(t.getFileSystem(conf()), t, true);
  }

  /** Opens a file, given its absolute path. */
  public InputStream open(String file) throws IOException {
    Path p = new Path(file);
    return p.getFileSystem(conf()).open(p);
  }

  /** Best effort: deletes one file. */
  public void deleteQuietly(String file) {
    try {
      Path p = new Path(file);
      p.getFileSystem(conf()).delete(p, false);
    } catch (IOException | RuntimeException e) {
      LOG.debug("Could not delete {}: {}", file, e.getMessage());
    }
  }

  /** Best effort: deletes carried files (and records), named relative to the job path. */
  public void deleteCarried(java.util.Collection<String> relative) {
    for (String r : relative) {
      deleteQuietly(resolve(r));
    }
    try {
      deleteIfEmpty(fs(), new Path(new Path(job), CARRIED_DIR));
    } catch (IOException | RuntimeException e) {
      LOG.debug("Could not delete the empty {} under {}: {}", CARRIED_DIR, job, e.getMessage());
    }
  }

  /** Driver, before any task runs: marks the write as under way. */
  public void markStarted() {
    touch(new Path(writeTemp(), STARTED));
  }

  /** Driver, first thing when a write fails: tasks still uploading then delete their own files. */
  public void markAborted() {
    touch(new Path(writeTemp(), ABORTED));
  }

  private void touch(Path p) {
    try {
      JobPathFiles.create(p.getFileSystem(conf()), p, true).close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + p + ": " + e.getMessage(), e);
    }
  }

  /**
   * Task, after its uploads: whether the write has ended (aborted, or its temporary folder gone),
   * so that nobody will record or sweep this task's files any more. When in doubt (the file system
   * cannot be reached), says it has ended: a task then fails and deletes its own files.
   */
  public boolean writeEnded() {
    try {
      FileSystem fs = fs();
      return fs.exists(new Path(writeTemp(), ABORTED))
          || !fs.exists(new Path(writeTemp(), STARTED));
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot check whether write {} is still under way: {}", writeId, e.getMessage());
      return true;
    }
  }

  /** Best effort: deletes the write's temporary folder, then the folders left empty. */
  public void deleteTemp() {
    try {
      FileSystem fs = fs();
      Path w = writeTemp();
      if (fs.exists(w)) {
        fs.delete(w, true);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not delete the temporary folder of write {}: {}", writeId, e.getMessage());
    }
    deleteEmptyFolders();
  }

  /**
   * Best effort: deletes the temporary folders of other writes of the streaming query ({@code
   * <queryId>-…}: epochs of earlier runs whose driver died), keeping this write's.
   */
  public void sweepTempOfQuery(String queryId) {
    try {
      FileSystem fs = fs();
      Path temp = new Path(new Path(job), TEMP_DIR);
      if (!fs.exists(temp)) {
        return;
      }
      for (FileStatus w : fs.listStatus(temp)) {
        String name = w.getPath().getName();
        if (name.startsWith(queryId + "-") && !name.equals(writeId)) {
          fs.delete(w.getPath(), true);
          LOG.info("Deleted the temporary folder of write {}, an epoch that never committed", name);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not sweep the temporary folders under {}: {}", job, e.getMessage());
    }
  }

  /**
   * Best effort: deletes this write's folders when empty, then {@value #TEMP_DIR} and {@value
   * #RECORDS_DIR} when empty, and the job path itself when the write created it and left it empty.
   */
  public void deleteEmptyFolders() {
    try {
      FileSystem fs = fs();
      Path j = new Path(job);
      Path temp = new Path(j, TEMP_DIR);
      Path records = new Path(j, RECORDS_DIR);
      deleteIfEmpty(fs, new Path(writeTemp(), SMALL_DIR));
      deleteIfEmpty(fs, writeTemp());
      deleteIfEmpty(fs, temp);
      deleteIfEmpty(fs, new Path(records, writeId));
      deleteIfEmpty(fs, records);
      if (!jobPathExisted) {
        deleteIfEmpty(fs, j);
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("Could not delete the empty folders of write {}: {}", writeId, e.getMessage());
    }
  }

  /**
   * Best effort: deletes every custom_id record at the job path that the manifest does not name
   * ({@code keep}, names relative to the job path): those of failed writes, of a replaced job, of
   * tasks that finished after their write had ended.
   *
   * @param onlyWrite the one write whose records to sweep, or null for all
   */
  public void sweepRecords(Set<String> keep, String onlyWrite) {
    int n = 0;
    try {
      FileSystem fs = fs();
      Path records = new Path(new Path(job), RECORDS_DIR);
      if (!fs.exists(records)) {
        return;
      }
      for (FileStatus w : fs.listStatus(records)) {
        if (onlyWrite != null && !onlyWrite.equals(w.getPath().getName())) {
          continue;
        }
        List<Path> left = new ArrayList<>();
        for (FileStatus f : w.isDirectory() ? fs.listStatus(w.getPath()) : new FileStatus[0]) {
          String rel = RECORDS_DIR + "/" + w.getPath().getName() + "/" + f.getPath().getName();
          if (!keep.contains(rel)) {
            left.add(f.getPath());
          }
        }
        for (Path p : left) {
          fs.delete(p, false);
          n++;
        }
        deleteIfEmpty(fs, w.getPath());
      }
      deleteIfEmpty(fs, records);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not sweep the custom_id records under {}: {}", job, e.getMessage());
    }
    if (n > 0) {
      LOG.info("Deleted {} custom_id record(s) under {} that the job does not name", n, job);
    }
  }

  private static void deleteIfEmpty(FileSystem fs, Path dir) throws IOException {
    if (fs.exists(dir) && fs.getFileStatus(dir).isDirectory() && fs.listStatus(dir).length == 0) {
      fs.delete(dir, false);
    }
  }

  @Override
  public String toString() {
    return "JobFolder{" + job + (writeId == null ? "" : ", write " + writeId) + "}";
  }
}
