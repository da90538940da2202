package io.github.sparktogetherbatch.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The benchmark harness: each workload timed against its Spark baseline. {@code benchmarks/run.sh
 * [--rows N] [--runs R] [--quick] [--only W1,W2,R1,E1,M1,S1]} runs, in this JVM with an in-process
 * emulator (unlimited speed), each workload and its Spark baseline alternately, then M1/S1 in child
 * JVMs with {@code -Xmx768m}, and writes {@code benchmarks/target/results.md}.
 */
public final class Bench {
  static final Set<String> ALL =
      new LinkedHashSet<>(List.of("W1", "W2", "R1", "E1", "M1", "S1", "E2"));

  /** Every workload; S2 (10,000,000 rows) runs only when named. */
  static final Set<String> KNOWN =
      new LinkedHashSet<>(List.of("W1", "W2", "R1", "E1", "M1", "S1", "S2", "E2"));

  private static final int PARTITIONS = 2;
  private static final long WARMUP_ROWS = Long.getLong("bench.warmupRows", 50_000);

  /** Longer than the driver takes to create a write's batches (80 at 4,000,000 rows). */
  static final long VALIDATING_MILLIS = 5_000;

  private final Args args;
  private final Path work;
  private final Results results = new Results();
  private JobSpans spans;

  private Bench(Args args) {
    this.args = args;
    this.work =
        Paths.get(System.getProperty("bench.work", "benchmarks/target/bench-work"))
            .toAbsolutePath();
  }

  public static void main(String[] argv) throws Exception {
    Args a = Args.parse(argv);
    if (a.child) {
      ScaleChild.run(a);
      return;
    }
    new Bench(a).run();
  }

  private void run() throws Exception {
    long start = System.nanoTime();
    // run.sh empties the work directory before the JVM starts (it holds java.io.tmpdir).
    Files.createDirectories(work.resolve("tmp"));
    results.setup =
        String.format(
            Locale.ROOT,
            "%s; rows %,d; runs %d%s; emulator %s; %d cores; load average at start %s; Java %s;"
                + " Spark %s",
            LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME).substring(0, 16),
            args.rows,
            args.runs,
            args.quick ? " (--quick)" : "",
            String.join(" and ", args.emulators),
            Runtime.getRuntime().availableProcessors(),
            loadAverage(),
            System.getProperty("java.version"),
            org.apache.spark.package$.MODULE$.SPARK_VERSION());
    log("Setup: " + results.setup);
    if (args.any("W1", "W2", "R1", "E1")) {
      List<EmulatorSetup> emus = new ArrayList<>();
      try {
        for (String name : args.emulators) {
          emus.add(EmulatorSetup.start(name, work));
          log("Emulator " + name + " at " + emus.get(emus.size() - 1).baseUrl());
        }
        session(emus);
      } finally {
        for (EmulatorSetup e : emus) {
          e.close();
        }
      }
    }
    if (args.any("M1", "S1")) {
      try (EmulatorSetup emu = EmulatorSetup.inProcess(work)) {
        new ScaleRuns(args, work, results).m1s1(emu);
      }
    }
    if (args.any("S2")) {
      try (EmulatorSetup emu = EmulatorSetup.standalone(work, "emulator-s2")) {
        new ScaleRuns(args, work, results).s2(emu);
      }
    }
    if (args.any("E2")) {
      results.e2 = EmulatorRates.measure(work, Math.max(3, args.runs));
    }
    results.totalSeconds = (System.nanoTime() - start) / 1e9;
    String md = results.markdown(args);
    System.out.println();
    System.out.println(md);
    Path out = Paths.get(System.getProperty("bench.results", "benchmarks/target/results.md"));
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, md);
    log("Results written to " + out);
  }

  // ---------------------------------------------------------------------------------------------
  // W1, W2, R1, E1: one SparkSession, the workload and its baseline alternately, in every setup

  private void session(List<EmulatorSetup> emus) throws Exception {
    SparkSession spark = ScaleChild.spark("together-batch-benchmarks", work);
    try {
      Path jobs = work.resolve("jobs");
      Files.createDirectories(jobs);
      for (EmulatorSetup emu : emus) {
        warmUp(spark, emu, jobs);
      }

      Dataset<Row> df = Workloads.input(spark, args.rows, PARTITIONS).cache();
      long n = df.count();
      double avgPrompt = df.selectExpr("avg(length(prompt))").first().getDouble(0);
      results.promptChars = avgPrompt;
      log(
          String.format(
              Locale.ROOT,
              "Input: %,d rows cached, prompts of %.0f characters on " + "average, %d partitions",
              n,
              avgPrompt,
              df.rdd().getNumPartitions()));

      Map<EmulatorSetup, Path> r1Jobs = new HashMap<>();
      Path r1Local = work.resolve("r1-results");
      TaskCpu cpu = TaskCpu.register(spark);
      spans = JobSpans.register(spark);
      for (int run = 0; run < args.runs; run++) {
        // base, then each setup's W1 and W2; the next run the other way round.
        List<Object[]> steps = new ArrayList<>();
        if (args.any("W1", "W2")) {
          steps.add(new Object[] {"base", null});
        }
        for (EmulatorSetup emu : emus) {
          steps.add(new Object[] {"W1", emu});
          steps.add(new Object[] {"W2", emu});
        }
        if (run % 2 == 1) {
          java.util.Collections.reverse(steps);
        }
        for (Object[] step : steps) {
          String w = (String) step[0];
          EmulatorSetup emu = (EmulatorSetup) step[1];
          // W1 also makes the job R1 reads and the batches E1 times (R1's job only in run 0).
          boolean skip =
              w.equals("W2")
                  ? !args.any("W2")
                  : w.equals("W1")
                      && !args.any("W1", "E1")
                      && !(args.any("R1") && !r1Jobs.containsKey(emu));
          if (skip) {
            continue;
          }
          if (w.equals("base")) {
            Path dir = work.resolve("w-baseline-" + run);
            cpu.reset(spark);
            double[] jvm = new double[1];
            double s =
                Timer.time(
                    "wbase-" + run,
                    () -> {
                      double j0 = Timer.jvmCpuSeconds();
                      ThreadCpu threads = Timer.threadCpu(ProcessHandle.current().pid());
                      Workloads.baselineWrite(df, dir.toUri().toString());
                      jvm[0] = Timer.jvmCpuSeconds() - j0;
                      Timer.logThreads("W.base harness", threads);
                    });
            results.add("W.base", s);
            results.add("W.base.jvm", jvm[0]);
            results.add("W.base.cpu", cpu.seconds(spark));
            results.baselineBytes = bytesUnder(dir);
            Workloads.deleteTree(dir);
          } else if (w.equals("W1")) {
            Path job = jobs.resolve("w1-" + emu.name + "-" + run);
            String url = emu.baseUrl();
            cpu.reset(spark);
            double[] jvm = new double[2];
            double s =
                Timer.time(
                    emu.key("w1") + "-" + run,
                    () -> {
                      double j0 = Timer.jvmCpuSeconds();
                      double e0 = emu.processCpuSeconds();
                      ThreadCpu threads = Timer.threadCpu(ProcessHandle.current().pid());
                      ThreadCpu emuThreads = Timer.threadCpu(emu.pid());
                      spans.start(spark);
                      Workloads.connectorWrite(df, url, job.toUri().toString(), false);
                      spans.stop();
                      jvm[0] = Timer.jvmCpuSeconds() - j0;
                      jvm[1] = emu.processCpuSeconds() - e0;
                      Timer.logThreads(emu.key("W1") + " harness", threads);
                      Timer.logThreads(emu.key("W1") + " emulator", emuThreads);
                    });
            results.add(emu.key("W1.jvm"), jvm[0]);
            if (emu.name.equals(EmulatorSetup.STANDALONE)) {
              results.add(emu.key("W1.emu"), jvm[1]);
            }
            logSpans(spark, emu.key("W1"), "preflight", "tasks", "driver commit");
            results.add(emu.key("W1"), s);
            results.add(emu.key("W1.cpu"), cpu.seconds(spark));
            Workloads.Processing p = Workloads.awaitBatchesDone(url);
            results.add(emu.key("E1.process"), p.seconds());
            log(
                String.format(
                    Locale.ROOT,
                    "  the %s emulator processed the write's batches in "
                        + "%.1f s (%,d requests; not timed)",
                    emu.name,
                    p.seconds(),
                    p.requests()));
            if (!r1Jobs.containsKey(emu)) {
              r1Jobs.put(emu, job);
            } else {
              // keep the emulator's disk use bounded: only the R1 job's files stay
              Checks.deleteJobFiles(url, job);
            }
          } else {
            Path job = jobs.resolve("w2-" + emu.name + "-" + run);
            String url = emu.baseUrl();
            cpu.reset(spark);
            double s =
                Timer.time(
                    emu.key("w2") + "-" + run,
                    () -> Workloads.connectorWrite(df, url, job.toUri().toString(), true));
            results.add(emu.key("W2"), s);
            results.add(emu.key("W2.cpu"), cpu.seconds(spark));
          }
        }
        if (args.any("R1") && !r1Jobs.isEmpty()) {
          read(spark, emus, r1Jobs, r1Local, cpu, run);
        }
      }
      df.unpersist(true);
      for (EmulatorSetup emu : emus) {
        if (args.any("E1")
            && emu.name.equals(EmulatorSetup.IN_PROCESS)
            && r1Jobs.get(emu) != null) {
          Throughput.measure(work, emu.baseUrl(), r1Jobs.get(emu), Math.max(3, args.runs), results);
        }
      }
    } finally {
      spark.stop();
    }
  }

  /**
   * Warm-up (JIT, class loading, the standalone emulator's JIT too), and the checks that both
   * writers produce identical lines and both readers the same aggregate.
   */
  private void warmUp(SparkSession spark, EmulatorSetup emu, Path jobs) throws Exception {
    log("Warm-up with " + WARMUP_ROWS + " rows, " + emu.name + " emulator");
    String url = emu.baseUrl();
    Dataset<Row> warm = Workloads.input(spark, WARMUP_ROWS, PARTITIONS).cache();
    warm.count();
    Path warmJob = jobs.resolve("warmup-" + emu.name);
    Workloads.connectorWrite(warm, url, warmJob.toUri().toString(), false);
    Workloads.connectorWrite(
        warm, url, jobs.resolve("warmup-dry-" + emu.name).toUri().toString(), true);
    Path warmBase = work.resolve("warmup-baseline");
    Workloads.baselineWrite(warm, warmBase.toUri().toString());
    Workloads.awaitBatchesDone(url);
    Checks.identicalLines(url, warmJob, warmBase);
    Path warmLocal = work.resolve("warmup-results");
    Workloads.copyResults(url, warmJob, warmLocal);
    Checks.sameAggregates(
        Workloads.connectorRead(spark, url, warmJob.toUri().toString()),
        Workloads.baselineRead(spark, warmLocal.toUri().toString()));
    warm.unpersist(true);
    Workloads.deleteTree(warmBase);
    Workloads.deleteTree(warmLocal);
    emu.reset();
  }

  /** One run of R1 in every setup and its baseline, alternating. */
  private void read(
      SparkSession spark,
      List<EmulatorSetup> emus,
      Map<EmulatorSetup, Path> r1Jobs,
      Path r1Local,
      TaskCpu cpu,
      int run)
      throws Exception {
    if (!Files.exists(r1Local)) {
      EmulatorSetup first = r1Jobs.keySet().iterator().next();
      long b = Workloads.copyResults(first.baseUrl(), r1Jobs.get(first), r1Local);
      results.resultBytes = b;
      log(
          String.format(
              Locale.ROOT,
              "Copied the result files of %s to local disk: %,d bytes",
              r1Jobs.get(first).getFileName(),
              b));
    }
    List<EmulatorSetup> order = new ArrayList<>();
    for (EmulatorSetup emu : emus) {
      if (r1Jobs.containsKey(emu)) {
        order.add(emu);
      }
    }
    order.add(null); // the baseline
    if (run % 2 == 1) {
      java.util.Collections.reverse(order);
    }
    for (EmulatorSetup emu : order) {
      List<Row>[] got = newRowsHolder();
      cpu.reset(spark);
      if (emu != null) {
        String jobUri = r1Jobs.get(emu).toUri().toString();
        String url = emu.baseUrl();
        results.add(
            emu.key("R1"),
            Timer.time(
                emu.key("r1") + "-" + run,
                () -> {
                  spans.start(spark);
                  got[0] = Workloads.connectorRead(spark, url, jobUri);
                  spans.stop();
                }));
        logSpans(spark, emu.key("R1"), "manifest, polls, planning", "tasks", "after");
        results.add(emu.key("R1.cpu"), cpu.seconds(spark));
        results.r1Connector = got[0];
        if (got[0].get(0).getLong(1) != args.rows) {
          throw new IllegalStateException(
              "R1 returned " + got[0] + " for " + args.rows + " rows (" + emu.name + ")");
        }
      } else {
        results.add(
            "R.base",
            Timer.time(
                "rbase-" + run,
                () -> got[0] = Workloads.baselineRead(spark, r1Local.toUri().toString())));
        results.r1Baseline = got[0];
        results.add("R.base.cpu", cpu.seconds(spark));
      }
    }
    Checks.sameAggregates(results.r1Connector, results.r1Baseline);
  }

  /** Logs (and keeps, as samples) a timed action's seconds before, during and after its jobs. */
  private void logSpans(SparkSession spark, String key, String before, String during, String after)
      throws java.util.concurrent.TimeoutException {
    double[] s = spans.split(spark);
    results.add(key + ".before", s[0]);
    results.add(key + ".tasks", s[1]);
    results.add(key + ".after", s[2]);
    log(
        String.format(
            Locale.ROOT,
            "  %s: %s %.2f s, %s %.2f s, %s %.2f s",
            key,
            before,
            s[0],
            during,
            s[1],
            after,
            s[2]));
  }

  @SuppressWarnings("unchecked")
  private static List<Row>[] newRowsHolder() {
    return (List<Row>[]) new List<?>[1];
  }

  // ---------------------------------------------------------------------------------------------

  private static long bytesUnder(Path dir) throws IOException {
    try (var s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().startsWith("part-"))
          .mapToLong(p -> p.toFile().length())
          .sum();
    }
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  static void log(String s) {
    System.out.println(
        "[bench] " + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + " " + s);
    System.out.flush();
  }
}
