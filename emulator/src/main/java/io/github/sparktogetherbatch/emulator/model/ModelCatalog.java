package io.github.sparktogetherbatch.emulator.model;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The models {@code GET /v1/models} lists: the emulator's own models and Together serverless models
 * with their type, context length and serverless price.
 *
 * <p>Prices are USD per million tokens as Together published them for its serverless API in
 * September 2025 ({@code deepseek-ai/DeepSeek-V4-Pro}, released later, is given a price in line
 * with its siblings). Prices change: clients must read them from the list, never hard-code them.
 * Batch jobs are billed at up to 50% off these prices.
 *
 * <p>Models marked not available for batch are ordinary serverless models in the list (Together's
 * list carries no batch flag), but a batch whose requests target one of them fails.
 */
public final class ModelCatalog {
  /** The plain echo model. */
  public static final String ECHO = "emulator/echo";

  /** Answers like a reasoning model: a {@code reasoning} string besides the content. */
  public static final String REASONING = "emulator/reasoning";

  /** Ends its answers with {@code finish_reason: "eos"} instead of {@code "stop"}. */
  public static final String EOS = "emulator/eos";

  /**
   * One model a line: id, type, display name, organization, license, context length, created (a
   * date), input and output price (USD per million tokens), and "no-batch" for a model batch jobs
   * cannot target. The link is the model's Hugging Face page (none for the emulator's own).
   */
  private static final String TABLE =
      """
      emulator/echo | chat | Emulator Echo | Emulator | apache-2.0 | 131072 | 2026-01-01 | 0.10 | 0.20
      emulator/reasoning | chat | Emulator Reasoning | Emulator | apache-2.0 | 131072 | 2026-01-01 | 0.50 | 2.00
      emulator/eos | chat | Emulator EOS | Emulator | apache-2.0 | 131072 | 2026-01-01 | 0.10 | 0.20
      meta-llama/Llama-3.3-70B-Instruct-Turbo | chat | Meta Llama 3.3 70B Instruct Turbo | Meta | llama3.3 | 131072 | 2024-12-06 | 0.88 | 0.88
      meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo | chat | Meta Llama 3.1 8B Instruct Turbo | Meta | llama3.1 | 131072 | 2024-07-23 | 0.18 | 0.18
      meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo | chat | Meta Llama 3.1 70B Instruct Turbo | Meta | llama3.1 | 131072 | 2024-07-23 | 0.88 | 0.88
      meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo | chat | Meta Llama 3.1 405B Instruct Turbo | Meta | llama3.1 | 130815 | 2024-07-23 | 3.50 | 3.50
      meta-llama/Llama-3.2-3B-Instruct-Turbo | chat | Meta Llama 3.2 3B Instruct Turbo | Meta | llama3.2 | 131072 | 2024-09-25 | 0.06 | 0.06
      meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8 | chat | Llama 4 Maverick Instruct (17Bx128E) | Meta | llama4 | 1048576 | 2025-04-05 | 0.27 | 0.85
      meta-llama/Llama-4-Scout-17B-16E-Instruct | chat | Llama 4 Scout Instruct (17Bx16E) | Meta | llama4 | 1048576 | 2025-04-05 | 0.18 | 0.59
      Qwen/Qwen2.5-72B-Instruct-Turbo | chat | Qwen2.5 72B Instruct Turbo | Qwen | qwen | 32768 | 2024-09-19 | 1.20 | 1.20
      Qwen/Qwen2.5-7B-Instruct-Turbo | chat | Qwen2.5 7B Instruct Turbo | Qwen | apache-2.0 | 32768 | 2024-09-19 | 0.30 | 0.30
      Qwen/Qwen3-235B-A22B-Instruct-2507-tput | chat | Qwen3 235B A22B Instruct 2507 FP8 Throughput | Qwen | apache-2.0 | 262144 | 2025-07-22 | 0.20 | 0.60
      deepseek-ai/DeepSeek-V3 | chat | DeepSeek V3-0324 | DeepSeek | mit | 131072 | 2024-12-26 | 1.25 | 1.25
      deepseek-ai/DeepSeek-R1 | chat | DeepSeek R1-0528 | DeepSeek | mit | 163840 | 2025-01-20 | 3.00 | 7.00 | no-batch
      deepseek-ai/DeepSeek-V3.1 | chat | DeepSeek V3.1 | DeepSeek | mit | 131072 | 2025-08-21 | 0.60 | 1.70 | no-batch
      deepseek-ai/DeepSeek-V4-Pro | chat | DeepSeek V4 Pro | DeepSeek | mit | 131072 | 2026-04-24 | 1.25 | 3.50 | no-batch
      mistralai/Mixtral-8x7B-Instruct-v0.1 | chat | Mixtral-8x7B Instruct v0.1 | mistralai | apache-2.0 | 32768 | 2023-12-11 | 0.60 | 0.60
      mistralai/Mistral-7B-Instruct-v0.3 | chat | Mistral (7B) Instruct v0.3 | mistralai | apache-2.0 | 32768 | 2024-05-22 | 0.20 | 0.20
      google/gemma-2-27b-it | chat | Gemma-2 Instruct (27B) | Google | gemma | 8192 | 2024-06-27 | 0.80 | 0.80
      openai/gpt-oss-20b | chat | OpenAI GPT-OSS 20B | OpenAI | apache-2.0 | 131072 | 2025-08-05 | 0.05 | 0.20
      openai/gpt-oss-120b | chat | OpenAI GPT-OSS 120B | OpenAI | apache-2.0 | 131072 | 2025-08-05 | 0.15 | 0.60
      moonshotai/Kimi-K2-Instruct | chat | Kimi K2 Instruct | moonshotai | modified-mit | 131072 | 2025-07-11 | 1.00 | 3.00
      MiniMaxAI/MiniMax-M1-80k | chat | MiniMax M1 80K | MiniMax | apache-2.0 | 1000000 | 2025-06-16 | 0.55 | 2.20 | no-batch
      MiniMaxAI/MiniMax-M2 | chat | MiniMax M2 | MiniMax | mit | 204800 | 2025-10-27 | 0.30 | 1.20 | no-batch
      BAAI/bge-large-en-v1.5 | embedding | BAAI-Bge-Large-1p5 | BAAI | mit | 512 | 2023-09-12 | 0.02 | 0
      black-forest-labs/FLUX.1-schnell | image | FLUX.1 [schnell] | Black Forest Labs | apache-2.0 | 0 | 2024-08-01 | 0 | 0
      Salesforce/Llama-Rank-V1 | rerank | Salesforce Llama Rank V1 (8B) | Salesforce | llama3.1 | 8192 | 2024-08-30 | 0.10 | 0.10
      meta-llama/Llama-Guard-3-8B | moderation | Meta Llama Guard 3 8B | Meta | llama3.1 | 8192 | 2024-07-23 | 0.20 | 0.20
      """;

  private static final Map<String, ModelInfo> MODELS = new LinkedHashMap<>();

  static {
    for (String line : TABLE.strip().split("\n")) {
      String[] c = line.split("\\|");
      for (int i = 0; i < c.length; i++) {
        c[i] = c[i].strip();
      }
      String id = c[0];
      MODELS.put(
          id,
          new ModelInfo(
              id,
              c[1],
              c[2],
              c[3],
              id.startsWith("emulator/") ? "" : "https://huggingface.co/" + id,
              c[4],
              Integer.parseInt(c[5]),
              LocalDate.parse(c[6]).toEpochSecond(LocalTime.MIDNIGHT, ZoneOffset.UTC),
              Double.parseDouble(c[7]),
              Double.parseDouble(c[8]),
              c.length < 10 || !c[9].equals("no-batch")));
    }
  }

  private ModelCatalog() {}

  /** Every listed model, in the order of {@code GET /v1/models}. */
  public static List<ModelInfo> all() {
    return List.copyOf(MODELS.values());
  }

  /** The listed model with this exact id, or null. */
  public static ModelInfo find(String id) {
    return id == null ? null : MODELS.get(id);
  }

  /** Ids of the listed Together chat models (not the emulator's own). */
  public static List<String> serverlessChatModels() {
    List<String> out = new ArrayList<>();
    for (ModelInfo m : MODELS.values()) {
      if (m.type().equals("chat") && !m.id().startsWith("emulator/")) {
        out.add(m.id());
      }
    }
    return List.copyOf(out);
  }

  /** Ids of the listed models that batch jobs cannot target. */
  public static List<String> notAvailableForBatch() {
    List<String> out = new ArrayList<>();
    for (ModelInfo m : MODELS.values()) {
      if (!m.batchAvailable()) {
        out.add(m.id());
      }
    }
    return List.copyOf(out);
  }

  /** Whether a batch job whose requests target this model fails as a whole. */
  public static boolean isNotAvailableForBatch(String id) {
    ModelInfo m = find(id);
    return m != null && !m.batchAvailable();
  }
}
