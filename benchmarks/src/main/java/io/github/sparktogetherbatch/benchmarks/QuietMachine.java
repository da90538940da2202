package io.github.sparktogetherbatch.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Waits, before a timed job, until the machine is quiet: every CPU under {@value #BUSY_LIMIT} busy
 * over a {@value #WINDOW_MILLIS} ms window (from {@code /proc/stat}, the whole machine: the
 * harness, the standalone emulator, the kernel's writeback), for at most {@value #MAX_MILLIS} ms.
 * Without it, a timed job could start while the emulator still finished the untimed work before it
 * (E1's processing of the last write's batches writes about 730 MB and leaves C2 compiling in both
 * JVMs) and pay for it. The same wait comes before the baseline's jobs and the connector's.
 */
final class QuietMachine {
  static final double BUSY_LIMIT = 0.10;
  static final long WINDOW_MILLIS = 300;
  static final long MAX_MILLIS = 20_000;

  private QuietMachine() {}

  /** Seconds waited; logs when the machine did not get quiet in time. */
  static double await() throws InterruptedException {
    long start = System.nanoTime();
    long[] last = ticks();
    if (last == null) {
      return 0; // no /proc/stat: not Linux
    }
    double busy = 1;
    while ((System.nanoTime() - start) / 1_000_000 < MAX_MILLIS) {
      Thread.sleep(WINDOW_MILLIS);
      long[] now = ticks();
      if (now == null) {
        return (System.nanoTime() - start) / 1e9;
      }
      long total = now[0] - last[0];
      busy = total <= 0 ? 0 : (double) (now[1] - last[1]) / total;
      last = now;
      if (busy < BUSY_LIMIT) {
        return (System.nanoTime() - start) / 1e9;
      }
    }
    Bench.log(
        String.format(
            Locale.ROOT,
            "  the machine stayed busy (%.0f%% of its CPUs) for %d s before a timed job",
            busy * 100,
            MAX_MILLIS / 1000));
    return (System.nanoTime() - start) / 1e9;
  }

  /** {total, busy} clock ticks of all CPUs so far, or null without {@code /proc/stat}. */
  private static long[] ticks() {
    try {
      String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = cpu.trim().split("\\s+");
      long total = 0;
      long idle = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        long v = Long.parseLong(f[i]);
        total += v;
        if (i == 4 || i == 5) {
          idle += v; // idle, iowait
        }
      }
      return new long[] {total, total - idle};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
