package io.github.sparktogetherbatch.benchmarks;

import io.github.sparktogetherbatch.emulator.EmulatorOptions;
import io.github.sparktogetherbatch.emulator.TogetherEmulator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The emulator a workload runs against. Two setups: {@code in-process}, in the harness JVM without
 * MD5 ETags (the benchmarks' setup until 2026-12-06), and {@code standalone}, its own JVM started
 * from {@code emulator/target/together-emulator.jar} the way users and CI run it, with the
 * emulator's default options (default heap; checksum ETags since 2026-12-07, MD5 ETags before).
 * Both keep batches {@code VALIDATING} for {@link Bench#VALIDATING_MILLIS} so that the emulator's
 * processing starts after a timed write.
 */
abstract class EmulatorSetup implements AutoCloseable {
  static final String IN_PROCESS = "in-process";
  static final String STANDALONE = "standalone";

  final String name;

  private EmulatorSetup(String name) {
    this.name = name;
  }

  /** The API base URL, ending in {@code /v1}. */
  abstract String baseUrl();

  /** Result keys of this setup: the workload's name, with {@code .sa} for standalone. */
  String key(String workload) {
    return name.equals(STANDALONE) ? workload + ".sa" : workload;
  }

  /**
   * CPU seconds the emulator's own process has used so far: 0 in-process, where it is part of the
   * harness JVM's CPU.
   */
  double processCpuSeconds() {
    return 0;
  }

  /** The emulator's own process id, or 0 in-process. */
  long pid() {
    return 0;
  }

  /** Forgets every file and batch (the control surface's reset, over HTTP). */
  void reset() throws IOException {
    post(Workloads.root(baseUrl()) + "/_emulator/reset");
  }

  @Override
  public abstract void close();

  /** The setups named by {@code --emulator}: in-process, standalone, or both. */
  static List<String> names(String arg) {
    switch (arg) {
      case IN_PROCESS:
        return List.of(IN_PROCESS);
      case STANDALONE:
        return List.of(STANDALONE);
      case "both":
        return List.of(IN_PROCESS, STANDALONE);
      default:
        throw new IllegalArgumentException(
            "--emulator takes in-process, standalone or both, not " + arg);
    }
  }

  static EmulatorSetup start(String name, Path work) throws IOException {
    return name.equals(STANDALONE) ? standalone(work, "emulator") : inProcess(work);
  }

  /** The emulator in this JVM, unlimited speed, without MD5 ETags. */
  static EmulatorSetup inProcess(Path work) {
    TogetherEmulator emulator =
        TogetherEmulator.start(
            EmulatorOptions.builder()
                .dataDir(work)
                .validatingMillis(Bench.VALIDATING_MILLIS)
                .md5ETags(false)
                .build());
    return new EmulatorSetup(IN_PROCESS) {
      @Override
      String baseUrl() {
        return emulator.baseUrl();
      }

      @Override
      public void close() {
        emulator.close();
      }
    };
  }

  /**
   * {@code java -jar together-emulator.jar --port 0} in a child JVM, default options but the data
   * directory and {@code --validating-millis}. With {@code -Dbench.jfr=<dir>} it records JFR
   * (profile settings) for its whole life into {@code <dir>/<label>.jfr}.
   */
  static EmulatorSetup standalone(Path work, String label) throws IOException {
    Path jar =
        Paths.get(System.getProperty("bench.emulatorJar", "emulator/target/together-emulator.jar"))
            .toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IOException(
          "No emulator jar at " + jar + "; build it with mvn -pl emulator package");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    String jfr = System.getProperty("bench.jfr");
    if (jfr != null) {
      Files.createDirectories(Paths.get(jfr));
      cmd.add(
          "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
              + Paths.get(jfr).toAbsolutePath().resolve(label + ".jfr"));
    }
    String extra = System.getenv("BENCH_EMULATOR_OPTS"); // experiments, e.g. -Xlog:gc
    if (extra != null && !extra.isBlank()) {
      cmd.addAll(List.of(extra.trim().split("\\s+")));
    }
    Path data = Files.createDirectories(work.resolve("emulator-data"));
    cmd.addAll(
        List.of(
            "-jar",
            jar.toString(),
            "--port",
            "0",
            "--validating-millis",
            Long.toString(Bench.VALIDATING_MILLIS),
            "--data-dir",
            data.toString()));
    String args = System.getenv("BENCH_EMULATOR_ARGS"); // e.g. --md5-etags, to compare
    if (args != null && !args.isBlank()) {
      cmd.addAll(List.of(args.trim().split("\\s+")));
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String prefix = "Together emulator listening on ";
    String first = out.readLine();
    for (int i = 0; i < 20 && first != null && !first.startsWith(prefix); i++) {
      first = out.readLine(); // e.g. JFR's start-up lines
    }
    if (first == null || !first.startsWith(prefix)) {
      p.destroyForcibly();
      throw new IOException("The standalone emulator did not start: " + first);
    }
    String url = first.substring(prefix.length()).trim();
    Path log = work.resolve(label + ".log");
    Thread drain =
        new Thread(
            () -> {
              try (var w = Files.newBufferedWriter(log)) {
                String line;
                while ((line = out.readLine()) != null) {
                  w.write(line);
                  w.newLine();
                }
              } catch (IOException ignored) {
                // the process ended
              }
            },
            "emulator-output");
    drain.setDaemon(true);
    drain.start();
    Bench.log("Standalone emulator (pid " + p.pid() + ") at " + url);
    return new EmulatorSetup(STANDALONE) {
      @Override
      String baseUrl() {
        return url;
      }

      @Override
      long pid() {
        return p.pid();
      }

      @Override
      double processCpuSeconds() {
        return p.toHandle().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
      }

      @Override
      public void close() {
        p.destroy(); // SIGTERM: its shutdown hook closes it (and JFR dumps)
        try {
          if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          p.destroyForcibly();
        }
      }
    };
  }

  static void post(String url) throws IOException {
    try {
      HttpResponse<Void> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url))
                      .POST(HttpRequest.BodyPublishers.noBody())
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() != 200) {
        throw new IOException("POST " + url + ": HTTP " + r.statusCode());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
