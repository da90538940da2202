package io.github.sparktogetherbatch.pricing;

import io.github.sparktogetherbatch.client.ModelObject;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where batch prices come from: the option {@code pricing} (batch prices given by the user), else
 * Together's {@code GET /v1/models} (serverless prices) times the batch discount. A failed model
 * list gives no prices (every cost null) and a warning, never a guess.
 */
public final class PriceSources {
  private static final Logger LOG = LoggerFactory.getLogger(PriceSources.class);

  private PriceSources() {}

  /**
   * The batch prices for a job.
   *
   * @param pricingOption the option {@code pricing}, or null
   * @param jobModel the model the job names, or null
   */
  public static BatchPrices resolve(TogetherClient client, String pricingOption, String jobModel) {
    if (pricingOption != null && !pricingOption.isBlank()) {
      return new BatchPrices(parse(pricingOption), jobModel);
    }
    List<ModelObject> models;
    try {
      models = client.listModels();
    } catch (RuntimeException e) {
      LOG.warn(
          "Could not list Together's models for their prices ({}); cost_usd is null. Give batch "
              + "prices with the option 'pricing' instead.",
          e.getMessage());
      return new BatchPrices(Map.of(), jobModel);
    }
    return resolve(models, pricingOption, jobModel);
  }

  /**
   * The batch prices for a job from a model list already fetched (the read's preflight lists the
   * models once; pricing reuses that list instead of asking again).
   *
   * @param models Together's model list
   * @param pricingOption the option {@code pricing}, or null
   * @param jobModel the model the job names, or null
   */
  public static BatchPrices resolve(
      List<ModelObject> models, String pricingOption, String jobModel) {
    if (pricingOption != null && !pricingOption.isBlank()) {
      return new BatchPrices(parse(pricingOption), jobModel);
    }
    Map<String, BatchPrices.Price> prices = new HashMap<>();
    for (ModelObject m : models) {
      if (m.priced()) {
        prices.put(
            m.id(),
            new BatchPrices.Price(
                BatchDiscounts.batchPrice(m.id(), m.inputPricePerMillion()),
                BatchDiscounts.batchPrice(m.id(), m.outputPricePerMillion())));
      }
    }
    return new BatchPrices(prices, jobModel);
  }

  /**
   * Parses {@code model=input:output[,model=input:output...]}: batch prices in USD per million
   * tokens.
   */
  public static Map<String, BatchPrices.Price> parse(String text) {
    Map<String, BatchPrices.Price> out = new HashMap<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.lastIndexOf('=');
      int colon = p.lastIndexOf(':');
      if (eq <= 0 || colon < eq) {
        throw bad(text, p);
      }
      try {
        double in = Double.parseDouble(p.substring(eq + 1, colon).trim());
        double outPrice = Double.parseDouble(p.substring(colon + 1).trim());
        if (in < 0 || outPrice < 0 || Double.isNaN(in) || Double.isNaN(outPrice)) {
          throw bad(text, p);
        }
        out.put(p.substring(0, eq).trim(), new BatchPrices.Price(in, outPrice));
      } catch (NumberFormatException e) {
        throw bad(text, p);
      }
    }
    return out;
  }

  private static TogetherConfigException bad(String text, String part) {
    return new TogetherConfigException(
        "Option 'pricing' has '"
            + part
            + "', which is not model=input:output. Give batch prices in USD per million tokens, "
            + "e.g. 'meta-llama/Llama-3.3-70B-Instruct-Turbo=0.44:0.44' (several separated by "
            + "commas); the whole value was '"
            + text
            + "'.");
  }
}
