package io.github.sparktogetherbatch.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;

/** Times the benchmarks' jobs, and what each costs in CPU. */
final class Timer {
  private Timer() {}

  interface Action {
    void run() throws Exception;
  }

  /**
   * Seconds one action takes, after a GC so that no run pays for the previous one's garbage, and on
   * a quiet machine ({@link QuietMachine}; {@code -Dbench.quiet=false} skips the wait). With {@code
   * -Dbench.jfr=<dir>}, each action is recorded on its own with JFR's profile settings, as {@code
   * <dir>/<label>.jfr}.
   */
  static double time(String label, Action a) throws Exception {
    System.gc();
    Thread.sleep(200);
    double quiet =
        Boolean.parseBoolean(System.getProperty("bench.quiet", "true")) ? QuietMachine.await() : 0;
    if (quiet > 1) {
      Bench.log(
          String.format(
              Locale.ROOT, "  waited %.1f s for a quiet machine before %s", quiet, label));
    }
    String jfrDir = System.getProperty("bench.jfr");
    jdk.jfr.Recording rec = null;
    if (jfrDir != null) {
      rec = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
      rec.setName(label);
      rec.start();
    }
    long t0 = System.nanoTime();
    try {
      a.run();
      return (System.nanoTime() - t0) / 1e9;
    } finally {
      if (rec != null) {
        rec.stop();
        Path dir = Paths.get(jfrDir);
        Files.createDirectories(dir);
        rec.dump(dir.resolve(label + ".jfr"));
        rec.close();
      }
    }
  }

  /**
   * CPU seconds of every thread of this JVM so far: the driver, the tasks, their upload threads,
   * Spark's own threads, the GC, and the emulator when it runs in-process.
   */
  static double jvmCpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1e9;
  }

  /** Per-thread CPU of a process during a timed job, with {@code -Dbench.threads}; else null. */
  static ThreadCpu threadCpu(long pid) {
    return System.getProperty("bench.threads") == null ? null : ThreadCpu.start(pid);
  }

  /** Logs what {@link #threadCpu} measured, if anything. */
  static void logThreads(String label, ThreadCpu threads) {
    if (threads != null) {
      Bench.log("  " + label + " threads, CPU s: " + threads.stop());
    }
  }
}
