package io.github.sparktogetherbatch.benchmarks;

import io.github.sparktogetherbatch.emulator.EmulatorOptions;
import io.github.sparktogetherbatch.emulator.TogetherEmulator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
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
  static final Set<String> ALL = new LinkedHashSet<>(List.of("W1", "W2", "R1", "E1", "M1", "S1"));
  private static final int PARTITIONS = 2;
  private static final long WARMUP_ROWS = 50_000;

  /** Longer than the driver takes to create a write's batches (80 at 4,000,000 rows). */
  static final long VALIDATING_MILLIS = 5_000;

  private final Args args;
  private final Path work;
  private final Results results = new Results();

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
            "%s; rows %,d; runs %d%s; %d cores; load average " + "at start %s; Java %s; Spark %s",
            LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME).substring(0, 16),
            args.rows,
            args.runs,
            args.quick ? " (--quick)" : "",
            Runtime.getRuntime().availableProcessors(),
            loadAverage(),
            System.getProperty("java.version"),
            org.apache.spark.package$.MODULE$.SPARK_VERSION());
    log("Setup: " + results.setup);
    // Unlimited speed; batches stay VALIDATING for a few seconds so that the emulator's processing
    // (Together's servers' work, on this machine's two cores) starts after the timed write ends.
    // Uploads get an opaque ETag instead of MD5, so the content is not hashed (real storage does it
    // on its
    // own machines); no client reads it. E1 also measures uploads with MD5 ETags.
    try (TogetherEmulator emulator =
        TogetherEmulator.start(
            EmulatorOptions.builder()
                .dataDir(work)
                .validatingMillis(VALIDATING_MILLIS)
                .md5ETags(false)
                .build())) {
      String baseUrl = emulator.baseUrl();
      log("Emulator at " + baseUrl);
      if (args.any("W1", "W2", "R1", "E1")) {
        session(emulator, baseUrl);
      }
      emulator.reset();
      if (args.any("M1", "S1")) {
        scale(emulator, baseUrl);
      }
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
  // W1, W2, R1, E1: one SparkSession, the workload and its baseline alternately

  private void session(TogetherEmulator emulator, String baseUrl) throws Exception {
    SparkSession spark = ScaleChild.spark("together-batch-benchmarks", work);
    try {
      Path jobs = work.resolve("jobs");
      Files.createDirectories(jobs);

      // Warm-up (JIT, class loading), and the check that both writers produce identical lines.
      log("Warm-up with " + WARMUP_ROWS + " rows");
      Dataset<Row> warm = Workloads.input(spark, WARMUP_ROWS, PARTITIONS).cache();
      warm.count();
      Path warmJob = jobs.resolve("warmup");
      Workloads.connectorWrite(warm, baseUrl, warmJob.toUri().toString(), false);
      Workloads.connectorWrite(warm, baseUrl, jobs.resolve("warmup-dry").toUri().toString(), true);
      Path warmBase = work.resolve("warmup-baseline");
      Workloads.baselineWrite(warm, warmBase.toUri().toString());
      Workloads.awaitBatchesDone(baseUrl);
      Checks.identicalLines(baseUrl, warmJob, warmBase);
      Path warmLocal = work.resolve("warmup-results");
      Workloads.copyResults(baseUrl, warmJob, warmLocal);
      Checks.sameAggregates(
          Workloads.connectorRead(spark, baseUrl, warmJob.toUri().toString()),
          Workloads.baselineRead(spark, warmLocal.toUri().toString()));
      warm.unpersist(true);
      Workloads.deleteTree(warmBase);
      Workloads.deleteTree(warmLocal);
      emulator.reset();

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

      Path r1Job = null;
      Path r1Local = work.resolve("r1-results");
      TaskCpu cpu = TaskCpu.register(spark);
      boolean wantW = args.any("W1", "W2", "R1", "E1");
      for (int run = 0; run < args.runs && wantW; run++) {
        List<String> order =
            run % 2 == 0 ? List.of("base", "W1", "W2") : List.of("W2", "W1", "base");
        for (String w : order) {
          // W1 also makes the job R1 reads and the batches E1 times (R1's job only in run 0).
          boolean skip =
              w.equals("base")
                  ? !args.any("W1", "W2")
                  : w.equals("W2")
                      ? !args.any("W2")
                      : !args.any("W1", "E1") && !(args.any("R1") && r1Job == null);
          if (skip) {
            continue;
          }
          switch (w) {
            case "base":
              {
                Path dir = work.resolve("w-baseline-" + run);
                cpu.reset(spark);
                double s =
                    time("wbase-" + run, () -> Workloads.baselineWrite(df, dir.toUri().toString()));
                results.add("W.base", s);
                results.add("W.base.cpu", cpu.seconds(spark));
                results.baselineBytes = bytesUnder(dir);
                Workloads.deleteTree(dir);
                break;
              }
            case "W1":
              {
                Path job = jobs.resolve("w1-" + run);
                cpu.reset(spark);
                double s =
                    time(
                        "w1-" + run,
                        () -> Workloads.connectorWrite(df, baseUrl, job.toUri().toString(), false));
                results.add("W1", s);
                results.add("W1.cpu", cpu.seconds(spark));
                Workloads.Processing p = Workloads.awaitBatchesDone(baseUrl);
                results.add("E1.process", p.seconds());
                log(
                    String.format(
                        Locale.ROOT,
                        "  the emulator processed the write's batches in "
                            + "%.1f s (%,d requests in the emulator; not timed)",
                        p.seconds(),
                        p.requests()));
                if (r1Job == null) {
                  r1Job = job;
                } else {
                  // keep the emulator's disk use bounded: only the R1 job's files stay
                  Checks.deleteJobFiles(emulator, baseUrl, job);
                }
                break;
              }
            default:
              {
                Path job = jobs.resolve("w2-" + run);
                cpu.reset(spark);
                double s =
                    time(
                        "w2-" + run,
                        () -> Workloads.connectorWrite(df, baseUrl, job.toUri().toString(), true));
                results.add("W2", s);
                results.add("W2.cpu", cpu.seconds(spark));
              }
          }
        }
        if (args.any("R1") && r1Job != null) {
          if (!Files.exists(r1Local)) {
            long b = Workloads.copyResults(baseUrl, r1Job, r1Local);
            results.resultBytes = b;
            log(
                String.format(
                    Locale.ROOT,
                    "Copied the result files of %s to local disk: %,d " + "bytes",
                    r1Job.getFileName(),
                    b));
          }
          String jobUri = r1Job.toUri().toString();
          List<String> rorder = run % 2 == 0 ? List.of("R1", "base") : List.of("base", "R1");
          for (String w : rorder) {
            List<Row>[] got = newRowsHolder();
            cpu.reset(spark);
            if (w.equals("R1")) {
              results.add(
                  "R1",
                  time(
                      "r1-" + run, () -> got[0] = Workloads.connectorRead(spark, baseUrl, jobUri)));
              results.r1Connector = got[0];
              results.add("R1.cpu", cpu.seconds(spark));
            } else {
              results.add(
                  "R.base",
                  time(
                      "rbase-" + run,
                      () -> got[0] = Workloads.baselineRead(spark, r1Local.toUri().toString())));
              results.r1Baseline = got[0];
              results.add("R.base.cpu", cpu.seconds(spark));
            }
          }
          Checks.sameAggregates(results.r1Connector, results.r1Baseline);
          if (results.r1Connector.get(0).getLong(1) != args.rows) {
            throw new IllegalStateException(
                "R1 returned " + results.r1Connector + " for " + args.rows + " rows");
          }
        }
      }
      df.unpersist(true);
      if (args.any("E1") && r1Job != null) {
        Throughput.measure(work, baseUrl, r1Job, Math.max(3, args.runs), results);
      }
    } finally {
      spark.stop();
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Row>[] newRowsHolder() {
    return (List<Row>[]) new List<?>[1];
  }

  // ---------------------------------------------------------------------------------------------
  // M1, S1: child JVMs with -Xmx768m

  private void scale(TogetherEmulator emulator, String baseUrl) throws Exception {
    if (args.any("M1")) {
      ScaleChild.Result r = child(baseUrl, args.m1Rows);
      results.m1 = r;
      emulator.reset();
    }
    for (int run = 0; run < args.runs; run++) {
      long[] sizes =
          run % 2 == 0
              ? new long[] {args.scaleSmall, args.scaleBig}
              : new long[] {args.scaleBig, args.scaleSmall};
      for (long rows : sizes) {
        ScaleChild.Result r = child(baseUrl, rows);
        (rows == args.scaleSmall ? results.small : results.big).add(r);
        emulator.reset();
      }
    }
  }

  private ScaleChild.Result child(String baseUrl, long rows) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx768m");
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
    log(String.format(Locale.ROOT, "Child JVM (-Xmx768m): write and read of %,d rows", rows));
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

  // ---------------------------------------------------------------------------------------------

  interface Action {
    void run() throws Exception;
  }

  /**
   * Seconds one action takes, after a GC so that no run pays for the previous one's garbage. With
   * {@code -Dbench.jfr=<dir>}, each action is recorded on its own with JFR's profile settings, as
   * {@code <dir>/<label>.jfr}.
   */
  static double time(String label, Action a) throws Exception {
    System.gc();
    Thread.sleep(200);
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
