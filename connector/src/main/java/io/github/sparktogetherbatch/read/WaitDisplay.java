package io.github.sparktogetherbatch.read;

import io.github.sparktogetherbatch.client.BatchJob;
import io.github.sparktogetherbatch.config.ReadConfig;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Where a read's wait is shown besides the INFO log: the console line when the option {@code
 * progress} asks for it ({@code console}, or {@code auto} with Spark's own console progress bar on,
 * as spark-shell and pyspark have it), and the job description in Spark's UI.
 */
final class WaitDisplay implements WaitProgress, AutoCloseable {
  static final String SHOW_CONSOLE_PROGRESS = "spark.ui.showConsoleProgress";

  private final WaitProgress console;
  private final SparkUiProgress ui;

  private WaitDisplay(WaitProgress console, SparkUiProgress ui) {
    this.console = console;
    this.ui = ui;
  }

  static WaitDisplay start(String mode, String job, Map<String, Long> requests) {
    SparkContext context = activeContext();
    boolean showConsole =
        context != null && context.getConf().getBoolean(SHOW_CONSOLE_PROGRESS, false);
    WaitProgress console =
        toConsole(mode, showConsole)
            ? ConsoleProgress.onStandardError(new ProgressLine(job, requests))
            : WaitProgress.NONE;
    SparkUiProgress ui =
        context == null ? null : new SparkUiProgress(context, new ProgressLine(job, requests));
    return new WaitDisplay(console, ui);
  }

  /** Whether the option's value, with Spark's console progress setting, asks for the line. */
  static boolean toConsole(String mode, boolean sparkShowsConsoleProgress) {
    switch (mode) {
      case ReadConfig.PROGRESS_CONSOLE:
        return true;
      case ReadConfig.PROGRESS_AUTO:
        return sparkShowsConsoleProgress;
      default:
        return false;
    }
  }

  private static SparkContext activeContext() {
    try {
      return SparkSession.active().sparkContext();
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Override
  public void update(Map<String, BatchJob> state, long elapsedMillis, boolean finished) {
    console.update(state, elapsedMillis, finished);
    if (ui != null) {
      ui.update(state, elapsedMillis, finished);
    }
  }

  @Override
  public void close() {
    if (ui != null) {
      ui.restore();
    }
  }
}
