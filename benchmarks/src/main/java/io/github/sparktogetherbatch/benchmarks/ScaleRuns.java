package io.github.sparktogetherbatch.benchmarks;

import static io.github.sparktogetherbatch.benchmarks.Bench.log;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * M1, S1 and S2: each size written and read back by {@link ScaleChild} in a child JVM whose heap
 * caps driver and executors alike ({@code -Xmx768m} for M1/S1, {@code -Xmx1g} for S2).
 */
final class ScaleRuns {
  private final Args args;

  private final Path work;
  private final Results results;

  ScaleRuns(Args args, Path work, Results results) {
    this.args = args;
    this.work = work;
    this.results = results;
  }

  /** M1 (2× rows once) and S1 (rows and 4× rows, alternating, {@code --runs} times each). */
  void m1s1(EmulatorSetup emu) throws Exception {
    if (args.any("M1")) {
      results.m1 = child(emu.baseUrl(), args.m1Rows, "768m");
      emu.reset();
    }
    if (!args.any("S1")) {
      return;
    }
    for (int run = 0; run < args.runs; run++) {
      long[] sizes =
          run % 2 == 0
              ? new long[] {args.scaleSmall, args.scaleBig}
              : new long[] {args.scaleBig, args.scaleSmall};
      for (long rows : sizes) {
        ScaleChild.Result r = child(emu.baseUrl(), rows, "768m");
        (rows == args.scaleSmall ? results.small : results.big).add(r);
        emu.reset();
      }
    }
  }

  /**
   * S2: {@code --rows} (1,000,000) and ten times as many, each written and read back in a child JVM
   * with {@code -Xmx1g}, against the standalone emulator; {@code --s2-runs} times each (default 1),
   * the small size first.
   */
  void s2(EmulatorSetup emu) throws Exception {
    for (int run = 0; run < args.s2Runs; run++) {
      long[] sizes =
          run % 2 == 0
              ? new long[] {args.rows, 10 * args.rows}
              : new long[] {10 * args.rows, args.rows};
      for (long rows : sizes) {
        ScaleChild.Result r = child(emu.baseUrl(), rows, args.s2Heap);
        (rows == args.rows ? results.s2Small : results.s2Big).add(r);
        emu.reset();
      }
    }
  }

  private ScaleChild.Result child(String baseUrl, long rows, String heap) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + heap);
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens")
          || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
          || a.startsWith("-Djdk.reflect")
          || a.startsWith("-Dio.netty")
          || a.startsWith("-Dlog4j")
          || a.startsWith("-Dbench.jfr")) {
        cmd.add(a);
      }
    }
    Path childWork = work.resolve("child");
    Workloads.deleteTree(childWork);
    Files.createDirectories(childWork.resolve("tmp"));
    String extra = System.getenv("BENCH_CHILD_OPTS"); // experiments, e.g. -Xms768m or -Xlog:gc
    if (extra != null && !extra.isBlank()) {
      cmd.addAll(Arrays.asList(extra.trim().split("\\s+")));
    }
    cmd.add("-Djava.io.tmpdir=" + childWork.resolve("tmp"));
    cmd.add("-Dbench.log=" + work.resolve("child-" + rows + "-connector.log"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Bench.class.getName());
    cmd.addAll(
        List.of(
            "--child",
            "--base-url",
            baseUrl,
            "--rows",
            Long.toString(rows),
            "--work",
            childWork.toString()));
    log(String.format(Locale.ROOT, "Child JVM (-Xmx%s): write and read of %,d rows", heap, rows));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    ScaleChild.Result result = null;
    Path logFile = work.resolve("child-" + rows + ".log");
    try (BufferedReader r =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        var w = Files.newBufferedWriter(logFile)) {
      String line;
      while ((line = r.readLine()) != null) {
        w.write(line);
        w.newLine();
        if (line.startsWith(ScaleChild.RESULT)) {
          result = ScaleChild.Result.parse(line);
          log("  " + line);
        } else if (line.startsWith("[bench]")) {
          log("  child: " + line.substring(8));
        }
      }
    }
    int code = p.waitFor();
    if (code != 0 || result == null) {
      result = ScaleChild.Result.failed(rows, "exit code " + code + ", see " + logFile);
      log("  FAILED: " + result.error);
    }
    Workloads.deleteTree(childWork);
    return result;
  }
}
