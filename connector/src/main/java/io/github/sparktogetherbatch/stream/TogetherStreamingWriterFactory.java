package io.github.sparktogetherbatch.stream;

import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.DataWriterFactory;
import org.apache.spark.sql.connector.write.streaming.StreamingDataWriterFactory;

/**
 * Sent to executors: a micro-batch's tasks are a batch write's tasks (the epoch is the driver's).
 * Refuses continuous processing before a task stages a row (see {@link #createWriter}).
 */
final class TogetherStreamingWriterFactory implements StreamingDataWriterFactory {
  private static final long serialVersionUID = 1L;

  /**
   * The task property Spark sets on the tasks of a continuous query ({@code
   * StreamExecution.IS_CONTINUOUS_PROCESSING}, the same name since Spark 2.3). The write of a
   * continuous query is planned before Spark sets it, so the driver cannot tell the two modes
   * apart; a task can.
   */
  static final String CONTINUOUS_PROPERTY = "__is_continuous_processing";

  private final DataWriterFactory tasks;

  TogetherStreamingWriterFactory(DataWriterFactory tasks) {
    this.tasks = tasks;
  }

  /**
   * The batch write's task, unless the query runs in continuous mode: then this fails the task
   * before it reads a row, so nothing is staged or uploaded. A continuous task writes epoch after
   * epoch and commits each without the driver's commit coordinator, so a Together batch (made from
   * whole uploaded files, once per commit) cannot follow it.
   */
  @Override
  public DataWriter<InternalRow> createWriter(int partitionId, long taskId, long epochId) {
    TaskContext task = TaskContext.get();
    if (task != null && "true".equals(task.getLocalProperty(CONTINUOUS_PROPERTY))) {
      throw new TogetherConfigException(
          "format(\"together-batch\") does not run with Trigger.Continuous: a Together batch is "
              + "made from whole uploaded files, once per micro-batch. Use "
              + "Trigger.AvailableNow() (a scheduled job), Trigger.ProcessingTime(...) or "
              + "Trigger.Once(); see docs/incremental.md.");
    }
    return tasks.createWriter(partitionId, taskId);
  }

  @Override
  public String toString() {
    return "TogetherStreamingWriterFactory{" + tasks + "}";
  }
}
