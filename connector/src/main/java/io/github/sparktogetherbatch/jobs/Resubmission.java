package io.github.sparktogetherbatch.jobs;

import io.github.sparktogetherbatch.client.BatchJob;
import io.github.sparktogetherbatch.client.FileObject;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.exceptions.TogetherBatchException;
import io.github.sparktogetherbatch.manifest.BatchEntry;
import io.github.sparktogetherbatch.manifest.HadoopConfs;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.manifest.PendingFile;
import io.github.sparktogetherbatch.manifest.ResubmittedIds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits again the requests of a job whose latest outcome is {@code missing} or a retryable
 * failure ({@link ResubmitTargets}), as new batches recorded in the job with the next attempt
 * number and the batch they retry.
 *
 * <p>Order, and what a crash at each point leaves (the next call resumes, never doubling):
 *
 * <ol>
 *   <li>input files a job records without a batch get theirs ({@link PendingResume}); resubmissions
 *       from a DataFrame written but not yet recorded in the job are recorded ({@link
 *       DataFrameResubmission#recordInterrupted}). Both before the outcomes are read, so their
 *       requests show as pending, not as still to retry;
 *   <li>per batch with requests to retry: its input file at Together, the retried lines copied
 *       verbatim into a local file. Batches whose input file Together does not serve need the job's
 *       input DataFrame; without it (or without an id column) nothing is uploaded and the call
 *       fails;
 *   <li>per batch: upload, record its custom_ids at the path, record the file as pending in the
 *       manifest, create the batch, record it;
 *   <li>the rest from the DataFrame ({@link DataFrameResubmission}).
 * </ol>
 */
final class Resubmission {
  private static final Logger LOG = LoggerFactory.getLogger(Resubmission.class);

  private Resubmission() {}

  /** Requests of one batch to submit again, copied from its input file. */
  private record Planned(String source, int attempt, InputFileBodies.Selected selected) {}

  /** Returns how many requests were submitted again. */
  static long run(JobSettings s, Dataset<Row> input, Collection<String> codes) {
    Configuration conf = HadoopConfs.forSession(s.spark);
    String writeId = "resubmit-" + UUID.randomUUID();
    try (TogetherClient client = new TogetherClient(s.config.client())) {
      JobManifest m = PendingResume.run(client, s.manifest(), s.path, conf);
      m = DataFrameResubmission.recordInterrupted(client, m, s.path, conf);

      Map<String, Set<String>> targets = ResubmitTargets.find(s, codes);
      if (targets.isEmpty()) {
        LOG.info("Nothing to resubmit in the job at {}: no request to retry", s.path);
        return 0;
      }
      Map<String, BatchEntry> batches = new HashMap<>();
      m.batches().forEach(b -> batches.put(b.batchId(), b));

      Path dir = Files.createTempDirectory("stb-resubmit-");
      try {
        List<Planned> planned = new ArrayList<>();
        Set<String> fromInput = new LinkedHashSet<>();
        List<String> inputSources = new ArrayList<>();
        int inputAttempt = 2;
        for (Map.Entry<String, Set<String>> t : targets.entrySet()) {
          BatchEntry src = batches.get(t.getKey());
          int attempt = (src == null ? 1 : src.attempt()) + 1;
          InputFileBodies.Selected sel =
              src == null || src.inputFileId() == null
                  ? null
                  : InputFileBodies.select(client, src.inputFileId(), t.getValue(), dir);
          if (sel == null) {
            fromInput.addAll(t.getValue());
            inputSources.add(t.getKey());
            inputAttempt = Math.max(inputAttempt, attempt);
            continue;
          }
          if (sel.ids().size() < t.getValue().size()) {
            Set<String> rest = new LinkedHashSet<>(t.getValue());
            rest.removeAll(sel.ids());
            fromInput.addAll(rest);
            inputSources.add(t.getKey());
            inputAttempt = Math.max(inputAttempt, attempt);
          }
          if (!sel.ids().isEmpty()) {
            planned.add(new Planned(t.getKey(), attempt, sel));
          }
        }
        if (!fromInput.isEmpty()) {
          DataFrameResubmission.check(m, input, inputSources);
        }
        long total = 0;
        for (Planned p : planned) {
          m = submitFile(client, m, s.path, conf, p.source(), p.attempt(), p.selected(), writeId);
          total += p.selected().ids().size();
        }
        if (!fromInput.isEmpty()) {
          m =
              DataFrameResubmission.submit(
                  s, client, m, conf, input, fromInput, inputSources, inputAttempt);
          total += fromInput.size();
        }
        LOG.info(
            "Resubmitted {} request(s) of the job at {}; it now has {} batch(es)",
            total,
            s.path,
            m.batches().size());
        return total;
      } finally {
        deleteTree(dir);
      }
    } catch (IOException e) {
      throw new TogetherBatchException(
          "Resubmitting requests of the job at " + s.path + " failed: " + e.getMessage(), e);
    }
  }

  private static JobManifest submitFile(
      TogetherClient client,
      JobManifest m,
      String path,
      Configuration conf,
      String source,
      int attempt,
      InputFileBodies.Selected sel,
      String writeId) {
    FileObject f =
        client.uploadFile(sel.file(), "resubmit-" + m.jobId() + "-attempt-" + attempt + ".jsonl");
    String record = ResubmittedIds.writeRecord(path, writeId, f.id(), sel.ids(), conf);
    PendingFile p =
        new PendingFile(
            f.id(), sel.ids().size(), sel.bytes(), writeId, attempt, List.of(source), record);
    m = m.withPendingFiles(List.of(p)).commit(path, conf);
    BatchJob b = client.createBatch(f.id(), m.endpoint(), m.model());
    LOG.info(
        "Created batch {} resubmitting {} request(s) of batch {} (attempt {}) for the job at {}",
        b.id(),
        sel.ids().size(),
        source,
        attempt,
        path);
    return m.withBatch(
            BatchEntry.forPending(p, b.id(), b.createdAt() == null ? Instant.now() : b.createdAt()))
        .commit(path, conf);
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.debug("Could not delete {}: {}", dir, e.getMessage());
    }
  }
}
