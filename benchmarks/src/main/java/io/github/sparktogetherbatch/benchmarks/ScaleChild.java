package io.github.sparktogetherbatch.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * M1 and S1: one child JVM (started by {@link Bench} with {@code -Xmx768m}) writes {@code rows}
 * rows with the connector, waits (untimed) for the emulator in the parent JVM to finish the
 * batches, reads them back with the R1 projection and aggregate, and prints one {@value #RESULT}
 * line with the times and its peak RSS. Rows are computed on the fly ({@code spark.range} and
 * string functions, not cached), so that the RSS is the connector's and Spark's, not a cache's.
 */
final class ScaleChild {
  static final String RESULT = "RESULT ";
  private static final long WARMUP_ROWS = 50_000;

  private ScaleChild() {}

  static SparkSession spark(String app, Path work) {
    return SparkSession.builder()
        .appName(app)
        .master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.local.dir", work.resolve("spark-local").toString())
        .getOrCreate();
  }

  static void run(Args a) throws Exception {
    Path work = Paths.get(a.workDir);
    SparkSession spark = spark("together-batch-scale", work);
    Result r = new Result();
    r.rows = a.rows;
    try {
      // JIT warm-up, as the session workloads have.
      once(spark, a.baseUrl, work.resolve("warmup"), WARMUP_ROWS, null);
      reset(a.baseUrl);
      once(spark, a.baseUrl, work.resolve("job"), a.rows, r);
      r.heapMaxMb = Runtime.getRuntime().maxMemory() / 1_000_000;
      for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
        if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
          r.heapPeakMb += p.getPeakUsage().getUsed() / 1_000_000;
        }
      }
      r.rssPeakMb = Workloads.peakRssKb() / 1024;
    } finally {
      spark.stop();
    }
    System.out.println(r.line());
  }

  private static void once(SparkSession spark, String baseUrl, Path job, long rows, Result r)
      throws Exception {
    Dataset<Row> df = Workloads.input(spark, rows, 2);
    String path = job.toUri().toString();
    JobSpans spans = JobSpans.register(spark);
    double w =
        Timer.time(
            "scale-write-" + rows,
            () -> {
              spans.start(spark);
              Workloads.connectorWrite(df, baseUrl, path, false);
              spans.stop();
            });
    double[] writeSpans = spans.split(spark);
    long hwmAfterWrite = Workloads.peakRssKb() / 1024;
    long liveAfterWrite = liveHeapMb();
    double p = Workloads.awaitBatchesDone(baseUrl).seconds();
    List<Row>[] got = new List[1];
    double rd =
        Timer.time(
            "scale-read-" + rows,
            () -> {
              spans.start(spark);
              got[0] = Workloads.connectorRead(spark, baseUrl, path);
              spans.stop();
            });
    double[] readSpans = spans.split(spark);
    long total = 0;
    for (Row row : got[0]) {
      total += row.getLong(1);
    }
    long liveAfterRead = liveHeapMb();
    if (total != rows) {
      throw new IllegalStateException("read " + total + " rows, wrote " + rows + ": " + got[0]);
    }
    Bench.log(
        String.format(
            Locale.ROOT,
            "%,d rows: write %.1f s, emulator %.1f s, read %.1f s, " + "peak RSS after write %d MB",
            rows,
            w,
            p,
            rd,
            hwmAfterWrite));
    if (r != null) {
      r.writeSeconds = w;
      r.processSeconds = p;
      r.readSeconds = rd;
      r.writeSpans = writeSpans;
      r.readSpans = readSpans;
      r.rssAfterWriteMb = hwmAfterWrite;
      r.liveAfterWriteMb = liveAfterWrite;
      r.liveAfterReadMb = liveAfterRead;
    }
  }

  /** Heap in use after a full collection: what the JVM holds on to, not what it may use. */
  private static long liveHeapMb() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1_000_000;
  }

  private static void reset(String baseUrl) throws Exception {
    HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(Workloads.root(baseUrl) + "/_emulator/reset"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.discarding());
  }

  /** What a child reports. */
  static final class Result {
    long rows;
    double writeSeconds;
    double processSeconds;
    double readSeconds;
    long rssAfterWriteMb;
    long rssPeakMb;
    long heapMaxMb;
    long heapPeakMb;
    long liveAfterWriteMb;
    long liveAfterReadMb;

    /** The write's seconds before its first Spark job, in jobs (tasks), after (driver commit). */
    double[] writeSpans = new double[3];

    /** The read's seconds before its first job (manifest, poll, planning), in jobs, after. */
    double[] readSpans = new double[3];

    String error;

    static Result failed(long rows, String error) {
      Result r = new Result();
      r.rows = rows;
      r.error = error;
      return r;
    }

    String line() {
      return String.format(
          Locale.ROOT,
          RESULT
              + "rows=%d write=%.3f process=%.3f read=%.3f "
              + "rssAfterWriteMb=%d rssPeakMb=%d heapMaxMb=%d heapPeakMb=%d liveAfterWriteMb=%d "
              + "liveAfterReadMb=%d writeSpans=%s readSpans=%s",
          rows,
          writeSeconds,
          processSeconds,
          readSeconds,
          rssAfterWriteMb,
          rssPeakMb,
          heapMaxMb,
          heapPeakMb,
          liveAfterWriteMb,
          liveAfterReadMb,
          JobSpans.format(writeSpans),
          JobSpans.format(readSpans));
    }

    static Result parse(String line) {
      Map<String, String> kv = new LinkedHashMap<>();
      for (String part : line.substring(RESULT.length()).trim().split(" ")) {
        int eq = part.indexOf('=');
        kv.put(part.substring(0, eq), part.substring(eq + 1));
      }
      Result r = new Result();
      r.rows = Long.parseLong(kv.get("rows"));
      r.writeSeconds = Double.parseDouble(kv.get("write"));
      r.processSeconds = Double.parseDouble(kv.get("process"));
      r.readSeconds = Double.parseDouble(kv.get("read"));
      r.rssAfterWriteMb = Long.parseLong(kv.get("rssAfterWriteMb"));
      r.rssPeakMb = Long.parseLong(kv.get("rssPeakMb"));
      r.heapMaxMb = Long.parseLong(kv.get("heapMaxMb"));
      r.heapPeakMb = Long.parseLong(kv.get("heapPeakMb"));
      r.liveAfterWriteMb = Long.parseLong(kv.get("liveAfterWriteMb"));
      r.liveAfterReadMb = Long.parseLong(kv.get("liveAfterReadMb"));
      r.writeSpans = JobSpans.parse(kv.get("writeSpans"));
      r.readSpans = JobSpans.parse(kv.get("readSpans"));
      return r;
    }

    boolean ok() {
      return error == null;
    }
  }

  static boolean exists(Path p) {
    return Files.exists(p);
  }
}
