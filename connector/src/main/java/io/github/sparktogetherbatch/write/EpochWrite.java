package io.github.sparktogetherbatch.write;

import io.github.sparktogetherbatch.manifest.StreamEpoch;
import org.apache.spark.sql.connector.write.DataWriterFactory;
import org.apache.spark.sql.connector.write.PhysicalWriteInfo;
import org.apache.spark.sql.connector.write.WriterCommitMessage;

/**
 * One micro-batch of a streaming query as a write: the same tasks, checks, packing and manifest
 * protocol as a batch write ({@link TogetherBatchWrite}), committed as an epoch of the query. Spark
 * plans a new write for every micro-batch, so one instance serves one epoch. The streaming side
 * (package {@code stream}) adapts it to Spark's {@code StreamingWrite}.
 */
public final class EpochWrite {
  private final TogetherBatchWrite write;
  private final String queryId;
  private final String path;

  EpochWrite(TogetherBatchWrite write, String queryId, String path) {
    this.write = write;
    this.queryId = queryId;
    this.path = path;
  }

  /** Spark's persistent id of the streaming query (kept in its checkpoint). */
  public String queryId() {
    return queryId;
  }

  /** The job path. */
  public String path() {
    return path;
  }

  /** The tasks' factory, as a batch write's (marks the write as started at the job path). */
  public DataWriterFactory createWriterFactory(PhysicalWriteInfo info) {
    return write.createBatchWriterFactory(info);
  }

  /** Records the epoch's files and batches in the job, or nothing when the job has the epoch. */
  public void commit(long epochId, WriterCommitMessage[] messages) {
    write.commit(messages, new StreamEpoch(queryId, epochId));
  }

  /** Deletes what the epoch uploaded and staged (best effort, never throws). */
  public void abort(WriterCommitMessage[] messages) {
    write.abort(messages);
  }

  @Override
  public String toString() {
    return "EpochWrite{query=" + queryId + ", " + write + "}";
  }
}
