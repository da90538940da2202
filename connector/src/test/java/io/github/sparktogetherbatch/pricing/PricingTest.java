package io.github.sparktogetherbatch.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Batch prices: the option {@code pricing}, the discount, costs and estimates. */
class PricingTest {
  @Test
  void thePricingOptionParsesModelsWithSlashesAndColonsInTheirNames() {
    Map<String, BatchPrices.Price> p =
        PriceSources.parse(" org/model-a:latest=0.44:0.88 , other/b=1:2 ");
    assertEquals(new BatchPrices.Price(0.44, 0.88), p.get("org/model-a:latest"));
    assertEquals(new BatchPrices.Price(1, 2), p.get("other/b"));
    assertEquals(2, p.size());
  }

  @Test
  void aBadPricingOptionNamesThePartAndTheForm() {
    for (String bad : new String[] {"m=1", "m=a:b", "=1:2", "m=-1:2", "m 1 2"}) {
      TogetherConfigException e =
          assertThrows(TogetherConfigException.class, () -> PriceSources.parse(bad), bad);
      assertTrue(e.getMessage().contains("model=input:output"), e.getMessage());
    }
  }

  @Test
  void costIsNullWithoutUsageOrPriceAndUsesTheJobModelWhenTheResultNamesNone() {
    BatchPrices prices =
        new BatchPrices(Map.of("Org/Model", new BatchPrices.Price(1.0, 3.0)), "org/model");
    assertEquals((10 * 1.0 + 5 * 3.0) / 1e6, prices.cost("org/MODEL", 10, 5), 1e-18);
    assertEquals((10 * 1.0) / 1e6, prices.cost(null, 10, null), 1e-18);
    assertNull(prices.cost("org/model", null, null));
    assertNull(prices.cost("unknown/model", 10, 5));
    assertNull(BatchPrices.NONE.cost("org/model", 10, 5));
  }

  @Test
  void theDefaultBatchDiscountHalvesTheServerlessPrice() {
    assertEquals(0.5, BatchDiscounts.DEFAULT_DISCOUNT);
    assertEquals(0.44, BatchDiscounts.batchPrice("meta-llama/Llama-3.3-70B-Instruct-Turbo", 0.88));
    assertEquals("2026-12-01", BatchDiscounts.AS_OF);
  }

  @Test
  void anEstimateRangesFromInputAloneToInputPlusTheOutputCeiling() {
    BatchPrices prices = new BatchPrices(Map.of("m", new BatchPrices.Price(2.0, 4.0)), "m");
    CostEstimate e = CostEstimate.of("m", 10, 4001, 100L, prices);
    assertEquals(1001, e.estimatedInputTokens());
    assertEquals(1000L, e.outputTokenCeiling());
    assertEquals(1001 * 2.0 / 1e6, e.minCostUsd(), 1e-18);
    assertEquals((1001 * 2.0 + 1000 * 4.0) / 1e6, e.maxCostUsd(), 1e-18);

    CostEstimate open = CostEstimate.of("m", 10, 4000, null, prices);
    assertNull(open.outputTokenCeiling());
    assertNull(open.maxCostUsd());
    assertEquals(1000 * 2.0 / 1e6, open.minCostUsd(), 1e-18);

    CostEstimate unpriced = CostEstimate.of("x", 1, 4, 1L, prices);
    assertNull(unpriced.minCostUsd());
    assertTrue(unpriced.toString().contains("unknown"));
  }
}
