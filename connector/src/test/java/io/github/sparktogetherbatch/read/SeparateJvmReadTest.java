package io.github.sparktogetherbatch.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The scheduled-ETL case: a job written here is read by a new JVM that is given only its path. */
class SeparateJvmReadTest {
  @RegisterExtension static final EmulatorExtension EMULATOR = new EmulatorExtension();

  @TempDir Path tmp;

  @Test
  void anotherJvmGivenOnlyThePathReadsTheSameRows() throws Exception {
    ReadFixtures fx = new ReadFixtures(EMULATOR, tmp);
    ReadFixtures.Job job;
    List<String> here;
    try {
      job = fx.createJob(ReadFixtures.prompts("j", 15, 4), ReadFixtures.prompts("k", 10, 0));
      here = ForkedReadMain.lines(fx.reader(SparkTestSession.get()).load(job.path).collectAsList());
    } finally {
      fx.close();
    }
    assertEquals(25, here.size());

    Path out = tmp.resolve("rows.tsv");
    Path log = tmp.resolve("child.log");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx768m");
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens")
          || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
          || a.startsWith("-Djdk.reflect")
          || a.startsWith("-Dio.netty")) {
        cmd.add(a);
      }
    }
    cmd.add("-Djava.io.tmpdir=" + Files.createDirectories(tmp.resolve("child-tmp")));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ForkedReadMain.class.getName());
    cmd.add(job.path);
    cmd.add(EMULATOR.baseUrl());
    cmd.add(out.toString());
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("TOGETHER_API_KEY", EmulatorExtension.TEST_API_KEY);
    Process p = pb.start();
    boolean ended = p.waitFor(180, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly();
    }
    assertTrue(ended, "the child JVM did not finish in time");
    assertEquals(0, p.exitValue(), () -> "child failed:\n" + tail(log));
    List<String> there = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertEquals(here, there);
    assertTrue(!tail(log).contains(EmulatorExtension.TEST_API_KEY), "the key leaked into the log");
  }

  private static String tail(Path log) {
    try {
      String s = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
      return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
    } catch (java.io.IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
