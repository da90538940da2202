package io.github.sparktogetherbatch.manifest;

import java.io.Serializable;
import java.util.Objects;

/**
 * The streaming micro-batch that submitted a batch or pending file: Spark's persistent query id
 * (kept in the query's checkpoint, the same across restarts) and the epoch (micro-batch id).
 */
public final class StreamEpoch implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String queryId;
  private final long epoch;

  public StreamEpoch(String queryId, long epoch) {
    this.queryId = Objects.requireNonNull(queryId, "queryId");
    this.epoch = epoch;
  }

  public String queryId() {
    return queryId;
  }

  public long epoch() {
    return epoch;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StreamEpoch
        && ((StreamEpoch) o).epoch == epoch
        && ((StreamEpoch) o).queryId.equals(queryId);
  }

  @Override
  public int hashCode() {
    return queryId.hashCode() * 31 + Long.hashCode(epoch);
  }

  @Override
  public String toString() {
    return "epoch " + epoch + " of query " + queryId;
  }
}
