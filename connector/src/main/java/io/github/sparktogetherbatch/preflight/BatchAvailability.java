package io.github.sparktogetherbatch.preflight;

import java.util.List;

/**
 * Models Together's batch overview lists as "not currently available for batch processing. Batch
 * jobs that target these models will fail". Together's model list carries no batch flag, so the
 * list is kept here, dated; a model that becomes available again is a one-line change.
 */
public final class BatchAvailability {
  /** When the list below was checked against Together's batch overview. */
  public static final String CHECKED = "2026-12";

  /** Exact model ids. */
  private static final List<String> MODELS =
      List.of(
          "deepseek-ai/DeepSeek-R1", "deepseek-ai/DeepSeek-V3.1", "deepseek-ai/DeepSeek-V4-Pro");

  /** Organisations all of whose models are unavailable (a prefix of the id). */
  private static final List<String> ORGANISATIONS = List.of("MiniMaxAI/");

  private BatchAvailability() {}

  /** Why batch jobs cannot target {@code model}, or null when nothing says so. */
  public static String whyUnavailable(String model) {
    if (model == null) {
      return null;
    }
    boolean listed = MODELS.stream().anyMatch(model::equalsIgnoreCase);
    String org =
        ORGANISATIONS.stream()
            .filter(p -> model.regionMatches(true, 0, p, 0, p.length()))
            .findFirst()
            .orElse(null);
    if (!listed && org == null) {
      return null;
    }
    return "Together's batch overview lists "
        + (listed ? "it" : "the " + org.substring(0, org.length() - 1) + " models")
        + " as not available for batch processing, and batch jobs that target it fail (checked "
        + CHECKED
        + ")";
  }

  /** The listed ids and organisation prefixes, for documentation and tests. */
  public static List<String> listed() {
    return List.of(MODELS.get(0), MODELS.get(1), MODELS.get(2), ORGANISATIONS.get(0) + "*");
  }
}
