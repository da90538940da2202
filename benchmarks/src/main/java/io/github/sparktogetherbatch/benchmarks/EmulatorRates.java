package io.github.sparktogetherbatch.benchmarks;

import static io.github.sparktogetherbatch.benchmarks.Bench.log;

import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.client.TogetherClientConfig;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * E2: the standalone emulator (its own JVM, default options: checksum ETags) over loopback: upload
 * and download rates with the connector's own client, one stream, and {@value #POLLS} concurrent
 * {@code GET /v1/batches/{id}} on as many connections, each answered or not.
 */
final class EmulatorRates {
  static final int POLLS = 1_000;
  private static final long UPLOAD_BYTES = 80_000_000;

  private EmulatorRates() {}

  /** What E2 measured: one sample per run. */
  static final class E2 {
    final List<Double> upMBs = new ArrayList<>();
    final List<Double> downMBs = new ArrayList<>();
    final List<Double> pollSeconds = new ArrayList<>();
    final List<Integer> pollOk = new ArrayList<>();
    final List<String> pollErrors = new ArrayList<>();

    /** The kernel's count of connections dropped for a full accept queue (whole machine). */
    final List<Double> listenOverflows = new ArrayList<>();

    long uploadBytes;
  }

  static E2 measure(Path work, int runs) throws Exception {
    E2 e2 = new E2();
    Path file = work.resolve("e2-upload.jsonl");
    e2.uploadBytes = requestLines(file, UPLOAD_BYTES);
    try (EmulatorSetup emu = EmulatorSetup.standalone(work, "emulator-e2");
        TogetherClient client =
            new TogetherClient(
                TogetherClientConfig.builder()
                    .baseUrl(emu.baseUrl())
                    .apiKey(Workloads.API_KEY)
                    .build())) {
      // warm-up: the emulator's JIT, as a running server has
      for (int i = 0; i < 2; i++) {
        String id = client.uploadFile(file, "e2-warmup.jsonl").id();
        drain(client, id);
        client.deleteQuietly(id);
      }
      Path small = work.resolve("e2-small.jsonl");
      requestLines(small, 2_000);
      String batchId =
          client
              .createBatch(
                  client.uploadFile(small, "e2-small.jsonl").id(), "/v1/chat/completions", null)
              .id();
      polls(emu.baseUrl(), batchId, 100, new AtomicInteger(), new ArrayList<>()); // warm-up
      // Three phases, each run after run: uploads, downloads, then the polls. Until 2026-12-07 a
      // run did all three and the next run's upload followed the last run's polls, whose 1,000
      // connections stay open (JDK 17's HttpClient cannot be closed) and whose emulator threads
      // are still winding down: uploads then measured that aftermath (192-532 MB/s in one run
      // against 440-592 back to back on the idle machine).
      List<String> uploaded = new ArrayList<>();
      for (int run = 0; run < runs; run++) {
        double e0 = emu.processCpuSeconds();
        double j0 = Timer.jvmCpuSeconds();
        long t0 = System.nanoTime();
        uploaded.add(client.uploadFile(file, "e2-upload-" + run + ".jsonl").id());
        double s = (System.nanoTime() - t0) / 1e9;
        double emuCpu = emu.processCpuSeconds() - e0;
        double jvmCpu = Timer.jvmCpuSeconds() - j0;
        e2.upMBs.add(e2.uploadBytes / 1e6 / s);
        log(
            String.format(
                Locale.ROOT,
                "  E2 upload %d: %.0f MB/s; CPU: emulator %.2f s, client JVM %.2f s",
                run,
                e2.upMBs.get(run),
                emuCpu,
                jvmCpu));
      }
      for (int run = 0; run < runs; run++) {
        String id = uploaded.get(run);
        long bytes = 0;
        long t0 = System.nanoTime();
        for (int j = 0; j < 3; j++) {
          bytes += drain(client, id);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        e2.downMBs.add(bytes / 1e6 / s);
        client.deleteQuietly(id);
        log(String.format(Locale.ROOT, "  E2 download %d: %.0f MB/s", run, e2.downMBs.get(run)));
      }
      for (int run = 0; run < runs; run++) {
        AtomicInteger ok = new AtomicInteger();
        List<String> errors = new ArrayList<>();
        long overflows = listenOverflows();
        long t0 = System.nanoTime();
        polls(emu.baseUrl(), batchId, POLLS, ok, errors);
        e2.pollSeconds.add((System.nanoTime() - t0) / 1e9);
        e2.listenOverflows.add((double) (listenOverflows() - overflows));
        e2.pollOk.add(ok.get());
        e2.pollErrors.addAll(errors);
        log(
            String.format(
                Locale.ROOT,
                "  E2 polls %d: %d/%d answered 200 in %.2f s",
                run,
                ok.get(),
                POLLS,
                e2.pollSeconds.get(run)));
      }
    } finally {
      Files.deleteIfExists(file);
    }
    return e2;
  }

  private static long drain(TogetherClient client, String fileId) throws IOException {
    long bytes = 0;
    try (InputStream in = client.openFileContent(fileId)) {
      byte[] buf = new byte[64 * 1024];
      int r;
      while ((r = in.read(buf)) >= 0) {
        bytes += r;
      }
    }
    return bytes;
  }

  /**
   * {@code n} GETs of one batch sent at once, each on its own connection (a new HttpClient, whose
   * HTTP/1.1 pool opens a connection per request in flight); counts the 200s, collects the rest.
   */
  private static void polls(
      String baseUrl, String batchId, int n, AtomicInteger ok, List<String> errors)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30))
            .executor(pool)
            .build();
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(baseUrl + "/batches/" + batchId))
            .header("Authorization", "Bearer " + Workloads.API_KEY)
            .timeout(Duration.ofSeconds(60))
            .GET()
            .build();
    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> f : all) {
      try {
        HttpResponse<String> r = f.join();
        if (r.statusCode() == 200 && r.body().contains(batchId)) {
          ok.incrementAndGet();
        } else {
          synchronized (errors) {
            errors.add("HTTP " + r.statusCode());
          }
        }
      } catch (RuntimeException e) {
        synchronized (errors) {
          errors.add(String.valueOf(e.getCause() != null ? e.getCause() : e));
        }
      }
    }
    pool.shutdownNow();
  }

  /** TcpExt ListenOverflows of /proc/net/netstat (the whole machine), or 0 where missing. */
  static long listenOverflows() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/net/netstat"));
      for (int i = 0; i + 1 < lines.size(); i++) {
        if (lines.get(i).startsWith("TcpExt:") && lines.get(i + 1).startsWith("TcpExt:")) {
          String[] names = lines.get(i).split("\\s+");
          String[] values = lines.get(i + 1).split("\\s+");
          for (int k = 0; k < names.length && k < values.length; k++) {
            if (names[k].equals("ListenOverflows")) {
              return Long.parseLong(values[k]);
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }

  /** Writes valid request lines (as the connector writes them) up to about {@code bytes}. */
  static long requestLines(Path file, long bytes) throws IOException {
    long written = 0;
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (long i = 0; written < bytes; i++) {
        String line =
            "{\"custom_id\":\""
                + i
                + "\",\"body\":{\"model\":\""
                + Workloads.MODEL
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Ticket "
                + i
                + ": Explain a hash join to a new data engineer in two sentences? Answer for the"
                + " \\\"on-call\\\" engineer of team "
                + (i % 97)
                + ", in plain words, without jargon, and say what to check first when it goes"
                + " wrong at night.\"}]}}\n";
        w.write(line);
        written += line.length();
      }
    }
    return Files.size(file);
  }
}
