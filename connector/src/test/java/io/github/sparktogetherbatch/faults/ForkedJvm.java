package io.github.sparktogetherbatch.faults;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts a main class of the test classpath in a new JVM with the options Spark needs. */
final class ForkedJvm {
  private ForkedJvm() {}

  /** The test classpath (surefire's, else this JVM's). */
  static String testClassPath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp == null || cp.isBlank() ? System.getProperty("java.class.path") : cp;
  }

  /** The JVM options of this JVM that Spark needs on Java 17 (--add-opens and friends). */
  static List<String> sparkJvmOptions() {
    List<String> out = new ArrayList<>();
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens")
          || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
          || a.startsWith("-Djdk.reflect")
          || a.startsWith("-Dio.netty")) {
        out.add(a);
      }
    }
    return out;
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static Process start(
      Class<?> main, Path workDir, Path log, Map<String, String> env, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBin());
    cmd.add("-Xmx768m");
    cmd.addAll(sparkJvmOptions());
    cmd.add("-Djava.io.tmpdir=" + Files.createDirectories(workDir.resolve("tmp")));
    cmd.add("-cp");
    cmd.add(testClassPath());
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    return pb.start();
  }

  static String tail(Path log) {
    try {
      String s = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
      return s.length() > 8000 ? s.substring(s.length() - 8000) : s;
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
