package io.github.sparktogetherbatch.pricing;

import java.io.Serializable;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The batch prices of a job's models, in USD per million tokens, as the read uses them for the
 * column {@code cost_usd}: from the option {@code pricing}, else the serverless prices of {@code
 * GET /v1/models} times the batch discount ({@link BatchDiscounts}). A model without a known price
 * costs null, never a guess. Immutable and serializable (planned on the driver, used on executors).
 */
public final class BatchPrices implements Serializable {
  private static final long serialVersionUID = 1L;

  /** No price known for any model. */
  public static final BatchPrices NONE = new BatchPrices(Map.of(), null);

  /** One model's batch price. */
  public record Price(double inputPerMillion, double outputPerMillion) implements Serializable {
    /** The cost of {@code promptTokens} in and {@code completionTokens} out, in USD. */
    public double cost(long promptTokens, long completionTokens) {
      return (promptTokens * inputPerMillion + completionTokens * outputPerMillion) / 1_000_000.0;
    }
  }

  private final Map<String, Price> byModel;
  private final String defaultModel;

  /**
   * @param byModel batch prices by model id (matched case-insensitively)
   * @param defaultModel the job's model, used for a result that names none (may be null)
   */
  public BatchPrices(Map<String, Price> byModel, String defaultModel) {
    Map<String, Price> m = new HashMap<>();
    byModel.forEach((k, v) -> m.put(k.toLowerCase(Locale.ROOT), v));
    this.byModel = Collections.unmodifiableMap(m);
    this.defaultModel = defaultModel;
  }

  /** The batch price of {@code model} (or of the job's model when null), or null when unknown. */
  public Price price(String model) {
    String m = model != null ? model : defaultModel;
    return m == null ? null : byModel.get(m.toLowerCase(Locale.ROOT));
  }

  /**
   * The cost in USD of one result, or null when its usage or its model's price is unknown.
   *
   * @param model the model the result names (null: the job's model)
   */
  public Double cost(String model, Integer promptTokens, Integer completionTokens) {
    if (promptTokens == null && completionTokens == null) {
      return null;
    }
    Price p = price(model);
    if (p == null) {
      return null;
    }
    return p.cost(
        promptTokens == null ? 0 : promptTokens, completionTokens == null ? 0 : completionTokens);
  }

  /** Every model with a known price. */
  public Map<String, Price> all() {
    return byModel;
  }

  @Override
  public String toString() {
    return "BatchPrices" + byModel;
  }
}
