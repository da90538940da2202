package io.github.sparktogetherbatch.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.codec.CustomIds;
import io.github.sparktogetherbatch.config.Option;
import io.github.sparktogetherbatch.config.TogetherBatchOptions;
import io.github.sparktogetherbatch.exceptions.TogetherBatchException;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import io.github.sparktogetherbatch.manifest.BatchEntry;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.manifest.JobPathFiles;
import io.github.sparktogetherbatch.manifest.ResubmittedIds;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resubmits requests whose input file Together does not serve back, from the job's input DataFrame:
 * its rows with those custom_ids (the job's recorded {@code idColumn}) are written, with the job's
 * recorded write options, as a job of their own under the job path ({@code
 * _stb_resubmitted/df-a<attempt>-<digest of the ids>}, so a rerun for the same requests finds it),
 * whose batches are then recorded in the job. The ids and retried batches (one JSON string a line)
 * are written beside it first; a call that finds such a job not yet recorded records it before
 * anything else.
 */
final class DataFrameResubmission {
  private static final Logger LOG = LoggerFactory.getLogger(DataFrameResubmission.class);
  private static final String IDS = "resubmitted.ids";
  private static final String SOURCES = "retried.batches";
  private static final String ID_COL = "__stb_resubmit_id";
  private static final ObjectMapper JSON = new ObjectMapper();

  private DataFrameResubmission() {}

  /** Fails, before anything is uploaded, when the DataFrame route cannot run. */
  static void check(JobManifest m, Dataset<Row> input, List<String> sources) {
    if (input == null) {
      throw new TogetherConfigException(
          "Together does not serve back the input files of batch(es) "
              + sources
              + ", so their requests cannot be resubmitted from Together: pass the job's input "
              + "DataFrame, TogetherBatchJobs.resubmit(spark, path, input). Nothing was uploaded.");
    }
    String idColumn = m.writeOptions().get(TogetherBatchOptions.ID_COLUMN.name());
    if (idColumn == null) {
      throw new TogetherConfigException(
          "The job at this path "
              + (m.writeOptions().isEmpty()
                  ? "records no write options (written by an older version)"
                  : "derived its custom_ids (no idColumn)")
              + ", so its requests cannot be found in the input DataFrame again; batch(es) "
              + sources
              + " cannot be resubmitted from it. Nothing was uploaded.");
    }
    if (!List.of(input.columns()).contains(idColumn)) {
      throw new TogetherConfigException(
          "The input DataFrame has no column '"
              + idColumn
              + "', the job's idColumn. Pass the DataFrame the job was written from. Nothing was "
              + "uploaded.");
    }
  }

  static JobManifest submit(
      JobSettings s,
      TogetherClient client,
      JobManifest m,
      Configuration conf,
      Dataset<Row> input,
      Set<String> ids,
      List<String> sources,
      int attempt) {
    String folder = folder(s.path, attempt, ids);
    if (!JobManifest.exists(folder, conf)) {
      writeLines(new Path(folder, IDS), ids, conf);
      writeLines(new Path(folder, SOURCES), sources, conf);
      String idColumn = m.writeOptions().get(TogetherBatchOptions.ID_COLUMN.name());
      Dataset<Row> wanted =
          s.spark.createDataset(new ArrayList<>(ids), Encoders.STRING()).toDF(ID_COL);
      Dataset<Row> rows =
          input.join(
              wanted, input.col(idColumn).cast("string").equalTo(wanted.col(ID_COL)), "left_semi");
      LOG.info(
          "Resubmitting {} request(s) of batch(es) {} from the input DataFrame (attempt {})",
          ids.size(),
          sources,
          attempt);
      rows.write()
          .format(TogetherBatchOptions.SHORT_NAME)
          .options(connection(s))
          .options(m.writeOptions())
          .save(folder);
    }
    return record(client, m, s.path, folder, conf);
  }

  /** Records the batches of DataFrame resubmissions a crash left out of the job. */
  static JobManifest recordInterrupted(
      TogetherClient client, JobManifest m, String path, Configuration conf) {
    Path dir = new Path(path, ResubmittedIds.FOLDER);
    try {
      FileSystem fs = dir.getFileSystem(conf);
      if (!fs.exists(dir)) {
        return m;
      }
      for (FileStatus st : fs.listStatus(dir)) {
        if (st.isDirectory() && JobManifest.exists(st.getPath().toString(), conf)) {
          m = record(client, m, path, st.getPath().toString(), conf);
        }
      }
      return m;
    } catch (IOException e) {
      throw new TogetherBatchException(
          "Cannot look for interrupted resubmissions at " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Records in the job every batch of the resubmission job at {@code folder} it lacks. */
  private static JobManifest record(
      TogetherClient client, JobManifest m, String path, String folder, Configuration conf) {
    JobManifest sub = JobManifest.read(folder, conf).orElseThrow();
    sub = PendingResume.run(client, sub, folder, conf);
    Set<String> known = new HashSet<>(m.batchIds());
    List<String> ids = null;
    List<String> sources = null;
    int attempt = attemptOf(folder);
    for (BatchEntry b : sub.batches()) {
      if (known.contains(b.batchId())) {
        continue;
      }
      if (ids == null) {
        ids = readLines(new Path(folder, IDS), conf);
        sources = readLines(new Path(folder, SOURCES), conf);
      }
      ResubmittedIds.write(path, b.inputFileId(), ids, conf);
      m =
          m.withBatch(
              new BatchEntry(
                  b.batchId(),
                  b.inputFileId(),
                  b.requests(),
                  b.bytes(),
                  b.createdAt(),
                  b.writeId(),
                  attempt,
                  sources));
      LOG.info(
          "Recorded batch {} (attempt {}, resubmitted from the input DataFrame) in the job at {}",
          b.batchId(),
          attempt,
          path);
    }
    return ids == null ? m : m.commit(path, conf);
  }

  private static String folder(String path, int attempt, Set<String> ids) {
    long h = 0;
    for (String id : new TreeSet<>(ids)) {
      h = h * 31 + CustomIds.digest(id);
    }
    return new Path(
            new Path(path, ResubmittedIds.FOLDER), "df-a" + attempt + "-" + Long.toHexString(h))
        .toString();
  }

  private static int attemptOf(String folder) {
    String name = new Path(folder).getName();
    return Integer.parseInt(name.substring("df-a".length(), name.indexOf('-', "df-a".length())));
  }

  /** The options that reach Together (key, URL, timeouts, retries) as this call resolved them. */
  private static Map<String, String> connection(JobSettings s) {
    Map<String, String> out = new HashMap<>();
    for (Option<?> o : TogetherBatchOptions.all()) {
      if (o.side() == TogetherBatchOptions.Side.BOTH
          && o != TogetherBatchOptions.PATH
          && o != TogetherBatchOptions.PRICING
          && s.options.containsKey(o.key())) {
        out.put(o.name(), s.options.get(o.key()));
      }
    }
    return out;
  }

  private static void writeLines(Path file, Collection<String> lines, Configuration conf) {
    try {
      FileSystem fs = file.getFileSystem(conf);
      try (BufferedWriter w =
          new BufferedWriter(
              new OutputStreamWriter(
                  JobPathFiles.create(fs, file, true), StandardCharsets.UTF_8))) {
        for (String l : lines) {
          w.write(new String(CustomIds.quoted(l), StandardCharsets.UTF_8));
          w.write('\n');
        }
      }
    } catch (IOException e) {
      throw new TogetherBatchException("Cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static List<String> readLines(Path file, Configuration conf) {
    try {
      FileSystem fs = file.getFileSystem(conf);
      List<String> out = new ArrayList<>();
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
        String l;
        while ((l = r.readLine()) != null) {
          if (!l.isEmpty()) {
            out.add(JSON.readValue(l, String.class));
          }
        }
      }
      return out;
    } catch (IOException e) {
      throw new TogetherBatchException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
