package io.github.sparktogetherbatch.read;

import java.util.List;
import org.apache.spark.sql.connector.read.InputPartition;

/**
 * Batches of a job linked by resubmission, read together so that each request gives one row, its
 * latest outcome: the first submissions (attempt 1) and the batches that submitted some of their
 * requests again (attempt 2 and later, each naming the batches it retries).
 */
final class AttemptGroupPartition implements InputPartition {
  private static final long serialVersionUID = 1L;

  private final List<TogetherInputPartition> firsts;
  private final List<TogetherInputPartition> resubmissions;

  /**
   * @param firsts the first submissions
   * @param resubmissions the later ones, latest attempt first
   */
  AttemptGroupPartition(
      List<TogetherInputPartition> firsts, List<TogetherInputPartition> resubmissions) {
    this.firsts = List.copyOf(firsts);
    this.resubmissions = List.copyOf(resubmissions);
  }

  List<TogetherInputPartition> firsts() {
    return firsts;
  }

  List<TogetherInputPartition> resubmissions() {
    return resubmissions;
  }

  @Override
  public String toString() {
    return "AttemptGroupPartition{firsts=" + firsts + ", resubmissions=" + resubmissions + "}";
  }
}
