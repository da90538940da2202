package io.github.sparktogetherbatch.client;

import java.io.Serializable;
import java.util.Objects;

/**
 * A model of Together's {@code GET /v1/models}: its id, its type ({@code chat}, {@code language},
 * {@code code}, {@code image}, {@code embedding}, ...) and its serverless prices in USD per million
 * tokens (NaN when the list gives none).
 */
public final class ModelObject implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String id;
  private final String type;
  private final String displayName;
  private final double inputPricePerMillion;
  private final double outputPricePerMillion;

  public ModelObject(
      String id,
      String type,
      String displayName,
      double inputPricePerMillion,
      double outputPricePerMillion) {
    this.id = Objects.requireNonNull(id, "id");
    this.type = type;
    this.displayName = displayName;
    this.inputPricePerMillion = inputPricePerMillion;
    this.outputPricePerMillion = outputPricePerMillion;
  }

  public String id() {
    return id;
  }

  /** The model's type as the list gives it; null when absent. */
  public String type() {
    return type;
  }

  public String displayName() {
    return displayName;
  }

  /** Serverless price of input tokens, USD per million; NaN when unknown. */
  public double inputPricePerMillion() {
    return inputPricePerMillion;
  }

  /** Serverless price of output tokens, USD per million; NaN when unknown. */
  public double outputPricePerMillion() {
    return outputPricePerMillion;
  }

  /** Whether the list gives both prices. */
  public boolean priced() {
    return !Double.isNaN(inputPricePerMillion) && !Double.isNaN(outputPricePerMillion);
  }

  @Override
  public String toString() {
    return "ModelObject{" + id + ", type=" + type + "}";
  }
}
