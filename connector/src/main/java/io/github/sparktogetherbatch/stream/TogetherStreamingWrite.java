package io.github.sparktogetherbatch.stream;

import io.github.sparktogetherbatch.write.EpochWrite;
import org.apache.spark.sql.connector.write.PhysicalWriteInfo;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.sql.connector.write.streaming.StreamingDataWriterFactory;
import org.apache.spark.sql.connector.write.streaming.StreamingWrite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One micro-batch of a streaming query written to a job path. Tasks stage, check and upload as in a
 * batch write; {@link #commit} records the epoch's files and batches in the manifest together with
 * the epoch, and does nothing but clean up when the manifest already has the epoch (Spark replays
 * an epoch whose commit it did not log before a crash). Uses Spark's commit coordinator, so only
 * one attempt per partition uploads.
 */
final class TogetherStreamingWrite implements StreamingWrite {
  private static final Logger LOG = LoggerFactory.getLogger(TogetherStreamingWrite.class);

  private final EpochWrite write;

  TogetherStreamingWrite(EpochWrite write) {
    this.write = write;
  }

  @Override
  public StreamingDataWriterFactory createStreamingWriterFactory(PhysicalWriteInfo info) {
    return new TogetherStreamingWriterFactory(write.createWriterFactory(info));
  }

  @Override
  public boolean useCommitCoordinator() {
    return true;
  }

  @Override
  public void commit(long epochId, WriterCommitMessage[] messages) {
    LOG.debug("Committing epoch {} of query {} to {}", epochId, write.queryId(), write.path());
    write.commit(epochId, messages);
  }

  @Override
  public void abort(long epochId, WriterCommitMessage[] messages) {
    LOG.info(
        "Epoch {} of query {} to {} failed: deleting what it uploaded",
        epochId,
        write.queryId(),
        write.path());
    write.abort(messages);
  }

  @Override
  public String toString() {
    return "TogetherStreamingWrite{" + write + "}";
  }
}
