package io.github.sparktogetherbatch.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The CPU of a process's threads by group, from {@code /proc/<pid>/task/<tid>/stat} (user and
 * system clock ticks, 100 per second): every thread, the JVM's compiler and GC threads too, which
 * {@code ThreadMXBean} does not see. Threads are grouped by name without digits ("stb-upload-3" →
 * "stb-upload-"). A diagnostic ({@code -Dbench.threads}): ticks are 10 ms, so a group's share in a
 * one-second write is coarse; threads that ended between the two snapshots are missed; the second
 * snapshot is taken inside the timed job (a few milliseconds).
 */
final class ThreadCpu {
  private static final double TICK = 0.01;
  private final long pid;
  private final Map<String, long[]> before;

  private ThreadCpu(long pid) {
    this.pid = pid;
    this.before = snapshot(pid);
  }

  /** Starts measuring the process (0 or negative: none). */
  static ThreadCpu start(long pid) {
    return pid <= 0 || !Files.isDirectory(Paths.get("/proc/" + pid + "/task"))
        ? null
        : new ThreadCpu(pid);
  }

  /** Groups and their user + system seconds since the start, largest first, as one line. */
  String stop() {
    Map<String, long[]> after = snapshot(pid);
    Map<String, double[]> groups = new HashMap<>();
    for (Map.Entry<String, long[]> e : after.entrySet()) {
      long[] a = e.getValue();
      long[] b = before.getOrDefault(e.getKey(), new long[2]);
      String group = e.getKey().substring(e.getKey().indexOf(' ') + 1).replaceAll("[0-9]+", "#");
      double[] g = groups.computeIfAbsent(group, k -> new double[2]);
      g[0] += (a[0] - b[0]) * TICK;
      g[1] += (a[1] - b[1]) * TICK;
    }
    List<Map.Entry<String, double[]>> list = new ArrayList<>(groups.entrySet());
    list.removeIf(e -> e.getValue()[0] + e.getValue()[1] < TICK / 2);
    list.sort(
        (x, y) ->
            Double.compare(y.getValue()[0] + y.getValue()[1], x.getValue()[0] + x.getValue()[1]));
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, double[]> e : list) {
      double[] v = e.getValue();
      sb.append(String.format(Locale.ROOT, "%s %.2f (sys %.2f); ", e.getKey(), v[0] + v[1], v[1]));
    }
    return sb.toString();
  }

  /** "tid name" → {user ticks, system ticks}. */
  private static Map<String, long[]> snapshot(long pid) {
    Map<String, long[]> out = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Paths.get("/proc/" + pid + "/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(t.resolve("stat"));
          int open = stat.indexOf('(');
          int close = stat.lastIndexOf(')');
          String name = stat.substring(open + 1, close);
          String[] f = stat.substring(close + 2).split(" ");
          // after the name: state is field 3, utime 14, stime 15 (1-based, whole line)
          out.put(
              t.getFileName() + " " + name,
              new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])});
        } catch (IOException | RuntimeException ended) {
          // the thread ended
        }
      }
    } catch (IOException e) {
      // no /proc
    }
    return out;
  }
}
