package io.github.sparktogetherbatch.benchmarks;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/**
 * The CPU time Spark's tasks spent (executorCpuTime, summed over tasks): a second view of each
 * workload, much less sensitive than wall time to other processes on a shared machine. It leaves
 * out the driver (batch creation, manifest) and the emulator.
 */
final class TaskCpu extends SparkListener {
  private final AtomicLong nanos = new AtomicLong();

  static TaskCpu register(SparkSession spark) {
    TaskCpu t = new TaskCpu();
    spark.sparkContext().addSparkListener(t);
    return t;
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    if (end.taskMetrics() != null) {
      nanos.addAndGet(end.taskMetrics().executorCpuTime());
    }
  }

  void reset(SparkSession spark) throws java.util.concurrent.TimeoutException {
    spark.sparkContext().listenerBus().waitUntilEmpty();
    nanos.set(0);
  }

  /** CPU seconds of the tasks that ended since {@link #reset}. */
  double seconds(SparkSession spark) throws java.util.concurrent.TimeoutException {
    spark.sparkContext().listenerBus().waitUntilEmpty();
    return nanos.get() / 1e9;
  }
}
