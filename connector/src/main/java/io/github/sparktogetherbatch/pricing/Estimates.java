package io.github.sparktogetherbatch.pricing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands a dry run's {@link CostEstimate} from the write's commit (on the driver) to the caller that
 * started the dry run with an estimate key ({@code TogetherBatchJobs.estimate}).
 */
public final class Estimates {
  /** The internal write option that carries the key. */
  public static final String KEY_OPTION = "__estimateKey";

  private static final Map<String, CostEstimate> BY_KEY = new ConcurrentHashMap<>();

  private Estimates() {}

  public static void put(String key, CostEstimate estimate) {
    BY_KEY.put(key, estimate);
  }

  /** The estimate of {@code key}, removed; null when none was made. */
  public static CostEstimate take(String key) {
    return BY_KEY.remove(key);
  }
}
