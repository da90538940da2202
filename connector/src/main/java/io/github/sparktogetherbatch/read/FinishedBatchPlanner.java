package io.github.sparktogetherbatch.read;

import io.github.sparktogetherbatch.client.BatchJob;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.codec.ParsedContent;
import io.github.sparktogetherbatch.config.ReadConfig;
import io.github.sparktogetherbatch.exceptions.TogetherApiException;
import io.github.sparktogetherbatch.exceptions.TogetherJobException;
import io.github.sparktogetherbatch.manifest.BatchEntry;
import io.github.sparktogetherbatch.manifest.JobFolder;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.pricing.BatchPrices;
import io.github.sparktogetherbatch.pricing.PriceSources;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;

/**
 * Plans the rows of given finished batches of a job, each batch on its own (for the streaming
 * source, which emits each batch once as it finishes): one {@link TogetherInputPartition} per
 * batch, read by the same readers as a batch read, so every submitted request of the batch gives
 * one row ({@code succeeded}, {@code failed} or {@code missing}) with its {@code attempt}. A FAILED
 * batch gives {@code failed} rows ({@code batch_failed} unless its error file names the request);
 * unlike a batch read it never fails the query, since other batches may still complete.
 * Resubmission groups are not merged: each attempt's batch is emitted when it finishes.
 */
public final class FinishedBatchPlanner {
  private final ReadConfig config;
  private final int[] columns;
  private final ParsedContent parsed;
  private final Configuration conf;

  FinishedBatchPlanner(ReadConfig config, int[] columns, ParsedContent parsed, Configuration conf) {
    this.config = config;
    this.columns = columns.clone();
    this.parsed = parsed;
    this.conf = conf;
  }

  /**
   * One partition per batch, in the order given. Reads the manifest (input files, custom_id
   * records, attempts) and each batch's state once.
   *
   * @throws TogetherJobException when a batch's state cannot be read
   */
  public InputPartition[] plan(List<String> batchIds) {
    if (batchIds.isEmpty()) {
      return new InputPartition[0];
    }
    Optional<JobManifest> manifest =
        config.path() == null ? Optional.empty() : JobManifest.read(config.path(), conf);
    Map<String, BatchEntry> known = new HashMap<>();
    manifest.ifPresent(m -> m.batches().forEach(b -> known.put(b.batchId(), b)));
    JobFolder folder = jobFolder();
    List<InputPartition> out = new ArrayList<>();
    try (TogetherClient client = new TogetherClient(config.client())) {
      BatchPrices prices = BatchPrices.NONE;
      if (TogetherScan.wantsCost(columns)) {
        prices =
            PriceSources.resolve(
                client, config.pricing(), manifest.map(JobManifest::model).orElse(null));
      }
      for (String id : batchIds) {
        BatchJob b = state(client, id);
        BatchEntry entry = known.get(id);
        String input = entry == null ? null : emptyToNull(entry.inputFileId());
        String record =
            entry == null || entry.customIds() == null || folder == null
                ? null
                : folder.resolve(entry.customIds());
        out.add(
            TogetherInputPartition.forBatch(
                    b, input, TogetherInputPartition.Mode.of(b), config.client(), record)
                .withAttempt(entry == null ? 1 : entry.attempt(), prices));
      }
    }
    return out.toArray(new InputPartition[0]);
  }

  /** The readers of {@link #plan}'s partitions. */
  public PartitionReaderFactory readerFactory() {
    return new TogetherPartitionReaderFactory(columns, parsed, jobFolder());
  }

  private JobFolder jobFolder() {
    return config.path() == null ? null : JobFolder.of(conf, config.path(), null);
  }

  private static BatchJob state(TogetherClient client, String id) {
    try {
      return client.getBatch(id);
    } catch (TogetherApiException e) {
      throw new TogetherJobException(
          "Cannot get the status of finished batch "
              + id
              + " to read its results: "
              + e.getMessage()
              + " The stream will plan this micro-batch again when restarted.",
          List.of(id),
          e);
    }
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
