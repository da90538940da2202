package io.github.sparktogetherbatch.manifest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sparktogetherbatch.codec.CustomIdRecord;
import io.github.sparktogetherbatch.codec.CustomIds;
import io.github.sparktogetherbatch.exceptions.TogetherBatchException;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The custom_ids of each resubmitted input file, kept at the job path so that a read knows a
 * resubmission's requests even when Together does not serve its input file back: a resubmission
 * from the job's input files writes a custom_id record ({@link #writeRecord}, named by the
 * manifest's {@code customIds}, as a write's own input files have); one from the input DataFrame,
 * and jobs resubmitted before records existed, keep {@code _stb_resubmitted/<input file id>.ids},
 * one id a line as a JSON string, written (directly, no rename) before the file is recorded in the
 * manifest.
 */
public final class ResubmittedIds {
  /** The folder under the job path. */
  public static final String FOLDER = "_stb_resubmitted";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ResubmittedIds() {}

  private static Path file(String jobPath, String inputFileId) {
    return new Path(new Path(jobPath, FOLDER), inputFileId + ".ids");
  }

  /**
   * Writes the ids of a resubmission's input file as a custom_id record ({@link CustomIdRecord}, as
   * a write leaves for each of its input files) and returns its name relative to the job path, for
   * the manifest's {@code customIds}. Written before the file is recorded in the manifest; a crash
   * in between leaves a record the job does not name, which the next write's sweep deletes.
   */
  public static String writeRecord(
      String jobPath,
      String writeId,
      String inputFileId,
      Collection<String> ids,
      Configuration conf) {
    JobFolder folder = JobFolder.of(conf, jobPath, writeId);
    String name = folder.recordName(inputFileId);
    try (OutputStream out = CustomIdRecord.writer(folder.create(folder.resolve(name)))) {
      for (String id : ids) {
        out.write(CustomIds.quoted(id));
        out.write('\n');
      }
    } catch (IOException e) {
      throw new TogetherBatchException(
          "Cannot record the resubmitted custom_ids at "
              + folder.resolve(name)
              + ": "
              + e.getMessage(),
          e);
    }
    return name;
  }

  /**
   * Writes the ids of {@code inputFileId} in the older form this class reads back ({@link #read});
   * resubmissions from input files now write {@link #writeRecord custom_id records}.
   */
  public static void write(
      String jobPath, String inputFileId, Collection<String> ids, Configuration conf) {
    Path target = file(jobPath, inputFileId);
    try {
      // Written under its final name: the manifest names the file only after this returns, so
      // nobody reads it before it is complete (no rename, which object stores do not have).
      FileSystem fs = target.getFileSystem(conf);
      try (BufferedWriter w =
          new BufferedWriter(
              new OutputStreamWriter(
                  JobPathFiles.create(fs, target, true), StandardCharsets.UTF_8))) {
        for (String id : ids) {
          w.write(new String(CustomIds.quoted(id), StandardCharsets.UTF_8));
          w.write('\n');
        }
      }
    } catch (IOException e) {
      throw new TogetherBatchException(
          "Cannot record the resubmitted custom_ids at " + target + ": " + e.getMessage(), e);
    }
  }

  /** The ids recorded for {@code inputFileId}, or null when none were (or the file is unknown). */
  public static List<String> read(String jobPath, String inputFileId, Configuration conf) {
    if (inputFileId == null) {
      return null;
    }
    Path f = file(jobPath, inputFileId);
    try {
      FileSystem fs = f.getFileSystem(conf);
      if (!fs.exists(f)) {
        return null;
      }
      List<String> ids = new ArrayList<>();
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(fs.open(f), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (!line.isEmpty()) {
            ids.add(JSON.readValue(line, String.class));
          }
        }
      }
      return ids;
    } catch (IOException e) {
      throw new TogetherBatchException(
          "Cannot read the resubmitted custom_ids at " + f + ": " + e.getMessage(), e);
    }
  }
}
