package io.github.sparktogetherbatch.write;

import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.config.WriteConfig;
import io.github.sparktogetherbatch.pricing.BatchPrices;
import io.github.sparktogetherbatch.pricing.CostEstimate;
import io.github.sparktogetherbatch.pricing.Estimates;
import io.github.sparktogetherbatch.pricing.PriceSources;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dry run's cost estimate ({@link CostEstimate}): the staged requests and bytes of its tasks, the
 * {@code max_tokens} the requests carry ({@code body.max_tokens}), at the model's batch price.
 * Logged at INFO, and handed to {@code TogetherBatchJobs.estimate} when it started the dry run.
 */
final class DryRunEstimate {
  private static final Logger LOG = LoggerFactory.getLogger(DryRunEstimate.class);

  private DryRunEstimate() {}

  static CostEstimate report(WriteConfig config, List<TogetherWriterCommitMessage> messages) {
    long requests = 0;
    long bytes = 0;
    for (TogetherWriterCommitMessage m : messages) {
      requests += m.stagedRequests();
      bytes += m.stagedBytes();
    }
    BatchPrices prices;
    try (TogetherClient client = new TogetherClient(config.client())) {
      prices = PriceSources.resolve(client, config.pricing(), config.model());
    }
    CostEstimate e = CostEstimate.of(config.model(), requests, bytes, maxTokens(config), prices);
    LOG.info("Dry run to {}: {}", config.path(), e);
    if (config.estimateKey() != null) {
      Estimates.put(config.estimateKey(), e);
    }
    return e;
  }

  /** The {@code body.max_tokens} every request carries, or null. */
  private static Long maxTokens(WriteConfig config) {
    for (var f : config.bodyFields().entrySet()) {
      if (f.getKey().equals("max_tokens") || f.getKey().equals("max_completion_tokens")) {
        try {
          return Long.parseLong(f.getValue().trim());
        } catch (NumberFormatException e) {
          return null;
        }
      }
    }
    return null;
  }
}
