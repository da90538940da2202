package io.github.sparktogetherbatch.benchmarks;

import java.util.Locale;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;

/**
 * Splits one timed action into three spans by its Spark jobs: before the first job starts (for a
 * write: the driver's preflight; for a read: the manifest, the status polls and planning), while
 * jobs run (the tasks: encode, stage and upload; download and decode), and after the last job ends
 * (a write's driver commit: digest merge, batch creates, manifest).
 */
final class JobSpans extends SparkListener {
  private volatile long t0;
  private volatile long firstStart;
  private volatile long lastEnd;
  private volatile long stopped;

  static JobSpans register(SparkSession spark) {
    JobSpans s = new JobSpans();
    spark.sparkContext().addSparkListener(s);
    return s;
  }

  void start(SparkSession spark) throws java.util.concurrent.TimeoutException {
    spark.sparkContext().listenerBus().waitUntilEmpty();
    firstStart = 0;
    lastEnd = 0;
    t0 = System.currentTimeMillis();
  }

  /** The end of the timed action. */
  void stop() {
    stopped = System.currentTimeMillis();
  }

  @Override
  public void onJobStart(SparkListenerJobStart e) {
    if (firstStart == 0 && e.time() >= t0) {
      firstStart = e.time();
    }
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd e) {
    lastEnd = Math.max(lastEnd, e.time());
  }

  /** Seconds before, during and after the jobs between {@link #start} and {@link #stop}. */
  double[] split(SparkSession spark) throws java.util.concurrent.TimeoutException {
    long end = stopped;
    spark.sparkContext().listenerBus().waitUntilEmpty();
    if (firstStart == 0) {
      return new double[] {(end - t0) / 1e3, 0, 0};
    }
    return new double[] {
      (firstStart - t0) / 1e3,
      (lastEnd - firstStart) / 1e3,
      (end - Math.max(lastEnd, firstStart)) / 1e3
    };
  }

  static String format(double[] s) {
    return String.format(Locale.ROOT, "%.3f/%.3f/%.3f", s[0], s[1], s[2]);
  }

  static double[] parse(String v) {
    if (v == null) {
      return new double[3];
    }
    String[] p = v.split("/");
    return new double[] {
      Double.parseDouble(p[0]), Double.parseDouble(p[1]), Double.parseDouble(p[2])
    };
  }
}
