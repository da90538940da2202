package io.github.sparktogetherbatch.emulator.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparktogetherbatch.emulator.json.Json;

/**
 * One model of {@code GET /v1/models} (schema {@code ModelInfo}).
 *
 * @param id the model name requests use, e.g. {@code meta-llama/Llama-3.3-70B-Instruct-Turbo}
 * @param type {@code chat}, {@code language}, {@code code}, {@code image}, {@code embedding},
 *     {@code moderation} or {@code rerank}
 * @param displayName a human-readable name
 * @param organization who published the model
 * @param link where the model is described
 * @param license the model's license
 * @param contextLength the context window in tokens (0 where it does not apply)
 * @param created when the model was added, Unix seconds
 * @param inputPrice serverless price of input tokens, USD per million tokens
 * @param outputPrice serverless price of output tokens, USD per million tokens
 * @param batchAvailable whether batch jobs may target the model; Together's list does not say, so
 *     this is not part of the JSON
 */
public record ModelInfo(
    String id,
    String type,
    String displayName,
    String organization,
    String link,
    String license,
    int contextLength,
    long created,
    double inputPrice,
    double outputPrice,
    boolean batchAvailable) {

  /** The JSON object Together's model list has for this model. */
  public ObjectNode toJson() {
    ObjectNode o = Json.object();
    o.put("id", id);
    o.put("object", "model");
    o.put("created", created);
    o.put("type", type);
    o.put("running", false);
    o.put("display_name", displayName);
    o.put("organization", organization);
    o.put("link", link);
    o.put("license", license);
    o.put("context_length", contextLength);
    ObjectNode pricing = o.putObject("pricing");
    pricing.put("hourly", 0);
    pricing.put("input", inputPrice);
    pricing.put("output", outputPrice);
    pricing.put("base", 0);
    pricing.put("finetune", 0);
    return o;
  }
}
