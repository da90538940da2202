package io.github.sparktogetherbatch.manifest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.sparktogetherbatch.exceptions.TogetherBatchException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job manifest's files at the job path, on any Hadoop file system: numbered versions {@code
 * manifest-000001.json}, {@code manifest-000002.json}, ..., each written once, directly under its
 * final name with {@code create(path, overwrite=false)}; nothing is renamed. The protocol assumes
 * only that a file is either complete or does not parse, which holds on an object store (an object
 * becomes visible whole when its upload completes, S3A) and on a file system (a crash mid-write
 * leaves a truncated JSON document, which does not parse):
 *
 * <ul>
 *   <li>readers take the highest version that parses, skipping newer ones that do not;
 *   <li>the next version is the highest existing one + 1, whether or not that one parses, so a
 *       writer never collides with a file a crashed writer left behind;
 *   <li>a file that exists already under the next version's name fails the write (another write to
 *       the same job path got there first) instead of replacing it. HDFS checks and creates in one
 *       step; the local file system and S3A look first, then create, so two writes committing to
 *       one job path in the same instant can go undetected there (on S3A the later upload wins).
 *       Nothing else detects two writes to one job path at the same time: run one at a time.
 * </ul>
 *
 * Older versions beyond {@value #VERSIONS_KEPT} are pruned.
 */
final class ManifestFiles {
  private static final Logger LOG = LoggerFactory.getLogger(ManifestFiles.class);
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  static final Pattern FILE_NAME = Pattern.compile("manifest-(\\d{6,})\\.json");

  /** Older versions beyond this many are pruned after a commit. */
  static final int VERSIONS_KEPT = 20;

  private ManifestFiles() {}

  static boolean exists(String path, Configuration conf) {
    try {
      Path dir = new Path(path);
      FileSystem fs = dir.getFileSystem(conf);
      return latestVersion(fs, dir) > 0;
    } catch (IOException e) {
      throw new TogetherBatchException(
          "Cannot look for a job manifest at " + path + ": " + e.getMessage(), e);
    }
  }

  static Optional<JobManifest> read(String path, Configuration conf) {
    Path dir = new Path(path);
    try {
      FileSystem fs = dir.getFileSystem(conf);
      List<Long> versions = versions(fs, dir);
      for (int i = versions.size() - 1; i >= 0; i--) {
        long v = versions.get(i);
        Path file = new Path(dir, fileName(v));
        try (InputStream in = fs.open(file)) {
          return Optional.of(ManifestJson.fromJson(MAPPER.readTree(in), v));
        } catch (IOException | RuntimeException e) {
          LOG.warn("Skipping unreadable job manifest {}: {}", file, e.getMessage());
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new TogetherBatchException(
          "Cannot read the job manifest at " + path + ": " + e.getMessage(), e);
    }
  }

  /** Writes {@code m} as the next version at {@code path}; returns it with that version. */
  static JobManifest write(JobManifest m, String path, Configuration conf) {
    Path dir = new Path(path);
    try {
      FileSystem fs = dir.getFileSystem(conf);
      return writeAs(m, Math.max(m.version(), latestVersion(fs, dir)) + 1, path, conf);
    } catch (IOException e) {
      throw cannotWrite(m, path, e);
    }
  }

  /** Writes {@code m} as version {@code next}, failing if that version exists already. */
  static JobManifest writeAs(JobManifest m, long next, String path, Configuration conf) {
    Path dir = new Path(path);
    try {
      FileSystem fs = dir.getFileSystem(conf);
      JobManifest written = m.withVersion(next);
      Path target = new Path(dir, fileName(next));
      try (OutputStream out = JobPathFiles.create(fs, target, false)) {
        MAPPER.writeValue(out, ManifestJson.toJson(written));
      } catch (FileAlreadyExistsException e) {
        throw new IOException(
            target + " exists already (another write to the same job path at the same time?)", e);
      }
      prune(fs, dir, next);
      return written;
    } catch (IOException e) {
      throw cannotWrite(m, path, e);
    }
  }

  private static TogetherBatchException cannotWrite(JobManifest m, String path, IOException e) {
    return new TogetherBatchException(
        "Cannot write the job manifest at "
            + path
            + ": "
            + e.getMessage()
            + ". The batches created so far are: "
            + m.batchIds(),
        e);
  }

  static String fileName(long version) {
    return String.format("manifest-%06d.json", version);
  }

  private static long latestVersion(FileSystem fs, Path dir) throws IOException {
    List<Long> v = versions(fs, dir);
    return v.isEmpty() ? 0 : v.get(v.size() - 1);
  }

  private static List<Long> versions(FileSystem fs, Path dir) throws IOException {
    List<Long> out = new ArrayList<>();
    if (!fs.exists(dir)) {
      return out;
    }
    for (FileStatus st : fs.listStatus(dir)) {
      Matcher m = FILE_NAME.matcher(st.getPath().getName());
      if (st.isFile() && m.matches()) {
        out.add(Long.parseLong(m.group(1)));
      }
    }
    Collections.sort(out);
    return out;
  }

  private static void prune(FileSystem fs, Path dir, long latest) {
    try {
      for (long v : versions(fs, dir)) {
        if (v <= latest - VERSIONS_KEPT) {
          fs.delete(new Path(dir, fileName(v)), false);
        }
      }
    } catch (IOException e) {
      LOG.debug("Could not prune old manifests at {}: {}", dir, e.getMessage());
    }
  }
}
