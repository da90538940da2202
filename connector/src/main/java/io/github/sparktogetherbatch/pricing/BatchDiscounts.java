package io.github.sparktogetherbatch.pricing;

import java.util.Locale;
import java.util.Map;

/**
 * The batch discount on a model's serverless price, as Together documents it. Dated: Together's
 * batch documentation as read on {@value #AS_OF} says batch jobs cost "up to 50%" less than the
 * serverless price, 50% for most models, less for some (25% or 0%) without a public list of which.
 * This table therefore holds the documented default and only the exceptions Together names; for any
 * other model whose discount differs, give its batch price with the option {@code pricing}.
 */
public final class BatchDiscounts {
  /** The date the table was checked against Together's documentation. */
  public static final String AS_OF = "2026-12-01";

  /** The share of the serverless price taken off a batch request by default. */
  public static final double DEFAULT_DISCOUNT = 0.50;

  /** Models whose batch discount differs from the default (none named publicly as of the date). */
  private static final Map<String, Double> EXCEPTIONS = Map.of();

  private BatchDiscounts() {}

  /** The discount of {@code model}: a share of the serverless price, 0 to 1. */
  public static double discount(String model) {
    Double d = model == null ? null : EXCEPTIONS.get(model.toLowerCase(Locale.ROOT));
    return d != null ? d : DEFAULT_DISCOUNT;
  }

  /** The batch price per million tokens, from the serverless price. */
  public static double batchPrice(String model, double serverlessPerMillion) {
    return serverlessPerMillion * (1.0 - discount(model));
  }
}
