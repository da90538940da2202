package io.github.sparktogetherbatch.it;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;

/** Paths, processes and classpaths the round-trip tests share. */
final class ItSupport {
  private ItSupport() {}

  /** The shaded connector jar under test, as the build passed it in. */
  static Path connectorJar() {
    Path p = Path.of(required("it.connector.jar")).toAbsolutePath().normalize();
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException(
          "No shaded connector jar at "
              + p
              + ": build it first (mvn -pl connector-it -am verify builds it in the same run)");
    }
    return p;
  }

  /**
   * Whether a code-source location ({@code file:} URL, as a string) is the file {@code jar},
   * compared by real path: a classpath entry may be spelled with {@code ..} or through a link.
   */
  static boolean isFile(String location, Path jar) {
    try {
      Path p = Path.of(java.net.URI.create(location));
      return Files.exists(p) && p.toRealPath().equals(jar.toRealPath());
    } catch (IllegalArgumentException | IOException e) {
      return false;
    }
  }

  /** The test JVM's classpath, one entry per element. */
  static List<String> classpath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(s -> !s.isBlank())
        .collect(Collectors.toList());
  }

  /**
   * The classpath without the connector jar: Spark, its dependencies, this module's test classes.
   */
  static String classpathWithoutConnector() throws IOException {
    Path jar = connectorJar().toRealPath();
    List<String> out = new ArrayList<>();
    for (String e : classpath()) {
      Path p = Path.of(e);
      if (Files.exists(p) && p.toRealPath().equals(jar)) {
        continue;
      }
      out.add(e);
    }
    return String.join(File.pathSeparator, out);
  }

  /**
   * The JVM options Spark needs on this Java (Spark's own --add-opens list), as given by the build.
   */
  static List<String> javaOpens() {
    return Arrays.stream(System.getProperty("it.java.opens", "").trim().split("\\s+"))
        .filter(s -> !s.isBlank())
        .collect(Collectors.toList());
  }

  static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static String required(String property) {
    String v = System.getProperty(property);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException(
          "System property "
              + property
              + " is not set; run these tests with Maven "
              + "(mvn -pl connector-it -am verify)");
    }
    return v;
  }

  /** A local[2] session for in-process tests. */
  static SparkSession localSpark() {
    return SparkSession.builder()
        .master("local[2]")
        .appName("spark-together-batch-it")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
  }

  /**
   * The Together emulator as its own process ({@code java -jar together-emulator.jar --port 0}).
   */
  static final class EmulatorProcess implements AutoCloseable {
    private final Process process;
    private final String baseUrl;

    private EmulatorProcess(Process process, String baseUrl) {
      this.process = process;
      this.baseUrl = baseUrl;
    }

    static EmulatorProcess start(Path logFile) throws Exception {
      Path jar = Path.of(required("it.emulator.jar"));
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException(
            "No emulator jar at " + jar + ": build the emulator module first");
      }
      Process p =
          new ProcessBuilder(
                  javaBinary(),
                  "-Xmx512m",
                  "-jar",
                  jar.toString(),
                  "--port",
                  "0",
                  "--data-dir",
                  System.getProperty("java.io.tmpdir"))
              .redirectErrorStream(true)
              .start();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      CompletableFuture<String> first =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return out.readLine();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      String line;
      try {
        line = first.get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        p.destroyForcibly();
        throw new IllegalStateException("The emulator did not start within 60 s", e);
      }
      String prefix = "Together emulator listening on ";
      if (line == null || !line.startsWith(prefix)) {
        p.destroyForcibly();
        throw new IllegalStateException("Unexpected first line from the emulator: " + line);
      }
      Files.createDirectories(logFile.getParent());
      Thread drain =
          new Thread(
              () -> {
                try (OutputStream log = Files.newOutputStream(logFile)) {
                  String l;
                  while ((l = out.readLine()) != null) {
                    log.write((l + "\n").getBytes(StandardCharsets.UTF_8));
                  }
                } catch (IOException ignored) {
                  // the process ended
                }
              },
              "emulator-output");
      drain.setDaemon(true);
      drain.start();
      return new EmulatorProcess(p, line.substring(prefix.length()).trim());
    }

    String baseUrl() {
      return baseUrl;
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
