package io.github.sparktogetherbatch.pricing;

import java.io.Serializable;

/**
 * What a DataFrame would cost as batch requests, before anything is submitted: its requests and
 * bytes (as encoded), an estimate of its input tokens (the request bytes / {@value
 * #BYTES_PER_TOKEN}, JSON syntax included, so a little high), the ceiling of its output tokens
 * (requests × {@code max_tokens}, null when the requests set none), and a cost range at the model's
 * batch price: input alone to input plus the output ceiling (null where the price or the ceiling is
 * unknown).
 */
public record CostEstimate(
    String model,
    long requests,
    long bytes,
    long estimatedInputTokens,
    Long outputTokenCeiling,
    Double minCostUsd,
    Double maxCostUsd)
    implements Serializable {

  /** Bytes of request JSON per input token assumed by the estimate. */
  public static final int BYTES_PER_TOKEN = 4;

  /**
   * @param maxTokens the {@code max_tokens} every request carries, or null
   */
  public static CostEstimate of(
      String model, long requests, long bytes, Long maxTokens, BatchPrices prices) {
    long inputTokens = (bytes + BYTES_PER_TOKEN - 1) / BYTES_PER_TOKEN;
    Long ceiling = maxTokens == null ? null : maxTokens * requests;
    BatchPrices.Price p = prices.price(model);
    Double min = p == null ? null : p.cost(inputTokens, 0);
    Double max = p == null || ceiling == null ? null : p.cost(inputTokens, ceiling);
    return new CostEstimate(model, requests, bytes, inputTokens, ceiling, min, max);
  }

  @Override
  public String toString() {
    return requests
        + " request(s), "
        + bytes
        + " bytes, about "
        + estimatedInputTokens
        + " input tokens, output at most "
        + (outputTokenCeiling == null
            ? "unbounded (no max_tokens)"
            : outputTokenCeiling + " tokens")
        + ", estimated cost "
        + (minCostUsd == null
            ? "unknown (no batch price for model " + model + ")"
            : String.format(
                "%.6f to %s USD",
                minCostUsd, maxCostUsd == null ? "unbounded" : String.format("%.6f", maxCostUsd)))
        + " at the batch price of "
        + model;
  }
}
