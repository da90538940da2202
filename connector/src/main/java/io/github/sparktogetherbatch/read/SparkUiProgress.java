package io.github.sparktogetherbatch.read;

import io.github.sparktogetherbatch.client.BatchJob;
import java.util.Map;
import org.apache.spark.SparkContext;

/**
 * Shows the wait in Spark's UI: while the read waits, the driver thread's job description (what the
 * UI shows for jobs this thread starts) is the progress line; {@link #restore()} puts back the one
 * the user had.
 */
final class SparkUiProgress implements WaitProgress {
  static final String JOB_DESCRIPTION = "spark.job.description";

  private final SparkContext context;
  private final ProgressLine line;
  private final String previous;

  SparkUiProgress(SparkContext context, ProgressLine line) {
    this.context = context;
    this.line = line;
    this.previous = context.getLocalProperty(JOB_DESCRIPTION);
  }

  @Override
  public void update(Map<String, BatchJob> state, long elapsedMillis, boolean finished) {
    context.setLocalProperty(JOB_DESCRIPTION, "Waiting: " + line.format(state, elapsedMillis));
  }

  /** The description the thread had before the wait. */
  void restore() {
    context.setLocalProperty(JOB_DESCRIPTION, previous);
  }
}
