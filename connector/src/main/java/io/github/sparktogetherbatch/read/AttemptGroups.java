package io.github.sparktogetherbatch.read;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.connector.read.InputPartition;

/**
 * Groups a job's batches for the read: a batch nobody resubmitted is its own partition, as before;
 * batches linked by resubmission ({@code retryOf}) become one {@link AttemptGroupPartition}.
 */
final class AttemptGroups {
  private AttemptGroups() {}

  /**
   * @param parts one partition per batch
   * @param retryOf each batch's {@code retryOf} (absent or empty for first submissions)
   */
  static List<InputPartition> group(
      List<TogetherInputPartition> parts, Map<String, List<String>> retryOf) {
    Map<String, String> parent = new HashMap<>();
    for (TogetherInputPartition p : parts) {
      parent.put(p.batchId(), p.batchId());
    }
    for (TogetherInputPartition p : parts) {
      for (String other : retryOf.getOrDefault(p.batchId(), List.of())) {
        if (parent.containsKey(other)) {
          parent.put(root(parent, p.batchId()), root(parent, other));
        }
      }
    }
    Map<String, List<TogetherInputPartition>> groups = new LinkedHashMap<>();
    for (TogetherInputPartition p : parts) {
      groups.computeIfAbsent(root(parent, p.batchId()), k -> new ArrayList<>()).add(p);
    }
    List<InputPartition> out = new ArrayList<>();
    for (List<TogetherInputPartition> g : groups.values()) {
      if (g.size() == 1 && g.get(0).attempt() == 1) {
        out.add(g.get(0));
        continue;
      }
      List<TogetherInputPartition> firsts = new ArrayList<>();
      List<TogetherInputPartition> later = new ArrayList<>();
      for (TogetherInputPartition p : g) {
        (p.attempt() <= 1 ? firsts : later).add(p);
      }
      later.sort(Comparator.comparingInt(TogetherInputPartition::attempt).reversed());
      out.add(new AttemptGroupPartition(firsts, later));
    }
    return out;
  }

  private static String root(Map<String, String> parent, String id) {
    String r = id;
    while (!parent.get(r).equals(r)) {
      r = parent.get(r);
    }
    parent.put(id, r);
    return r;
  }
}
