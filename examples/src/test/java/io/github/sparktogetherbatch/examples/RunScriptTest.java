package io.github.sparktogetherbatch.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples/run.sh} in a copy of the repository's layout, with stand-ins for {@code mvn}
 * (records its arguments, writes the classpath file) and {@code java} (records its arguments and
 * leaves a file in its temporary folder): it builds only when a source changed, turns Maven's
 * colours off when its output is not a terminal, and removes the JVM's temporary folder at exit.
 */
class RunScriptTest {
  @TempDir Path root;

  private Path bin;

  private static void write(Path file, String text) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private static void script(Path file, String text) throws Exception {
    write(file, "#!/usr/bin/env bash\nset -e\n" + text);
    assertTrue(file.toFile().setExecutable(true));
  }

  @BeforeEach
  void copyOfTheRepository() throws Exception {
    Path real = Path.of(System.getProperty("user.dir"), "run.sh");
    Files.createDirectories(root.resolve("examples"));
    Files.copy(real, root.resolve("examples/run.sh"), StandardCopyOption.COPY_ATTRIBUTES);
    write(root.resolve("pom.xml"), "<spark.java.opens>-Dopens=1</spark.java.opens>\n");
    for (String module : List.of("emulator", "client", "connector", "examples")) {
      write(root.resolve(module + "/src/main/java/A.java"), "class A {}\n");
      write(root.resolve(module + "/pom.xml"), "<project/>\n");
    }
    write(root.resolve("lib/dependency.jar"), "");
    bin = root.resolve("bin");
    script(
        bin.resolve("mvn"),
        "echo \"$*\" >> \"$PWD/mvn-calls.log\"\n"
            + "mkdir -p examples/target/classes\n"
            + "echo \"$PWD/lib/dependency.jar\" > examples/target/classpath.txt\n");
    script(
        bin.resolve("java"),
        "echo \"$*\" >> \"$PWD/java-calls.log\"\n"
            + "for a in \"$@\"; do case \"$a\" in -Djava.io.tmpdir=*) t=\"${a#*=}\";; esac; done\n"
            + "mkdir -p \"$t/together-batch-quickstart-1/job\"\n"
            + "echo \"$t\" >> \"$PWD/java-tmp.log\"\n");
  }

  /** Runs the script with output to files (not a terminal); returns its standard error. */
  private String run(String... args) throws Exception {
    Path err = Files.createTempFile(root, "stderr", ".txt");
    List<String> cmd = new java.util.ArrayList<>(List.of("bash", "examples/run.sh"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(root.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(root.resolve("stdout.txt").toFile())
            .redirectError(err.toFile());
    pb.environment().put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
    pb.environment().put("TMPDIR", root.toString());
    Process p = pb.start();
    assertTrue(p.waitFor(2, TimeUnit.MINUTES), "run.sh finished");
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), stderr);
    return stderr;
  }

  private List<String> lines(String file) throws Exception {
    Path f = root.resolve(file);
    return Files.exists(f) ? Files.readAllLines(f, StandardCharsets.UTF_8) : List.of();
  }

  @Test
  void buildsOnlyWhenASourceChangedAndRemovesItsTemporaryFolder() throws Exception {
    run("120");
    List<String> mvn = lines("mvn-calls.log");
    assertEquals(1, mvn.size(), "the first run builds");
    assertTrue(mvn.get(0).contains("-Dstyle.color=never"), "no colour codes off a terminal");
    assertTrue(mvn.get(0).startsWith("-B "), mvn.get(0));
    assertTrue(lines("java-calls.log").get(0).endsWith("QuickStart 120"));

    String second = run("SubmitJob", "/tmp/somewhere");
    assertEquals(1, lines("mvn-calls.log").size(), "nothing changed: no build");
    assertTrue(second.contains("not building"), second);
    assertTrue(
        lines("java-calls.log")
            .get(1)
            .endsWith("io.github.sparktogetherbatch.examples.SubmitJob" + " /tmp/somewhere"));

    Path source = root.resolve("connector/src/main/java/A.java");
    Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(5)));
    run();
    assertEquals(2, lines("mvn-calls.log").size(), "a changed source: a build");

    List<String> temporaryFolders = lines("java-tmp.log");
    assertEquals(3, temporaryFolders.size());
    for (String t : temporaryFolders) {
      assertTrue(t.startsWith(root.toString()), t);
      assertFalse(Files.exists(Path.of(t)), "removed at exit: " + t);
    }
  }

  @Test
  void aMissingClasspathEntryMeansABuild() throws Exception {
    run();
    Files.delete(root.resolve("lib/dependency.jar"));
    run();
    assertEquals(2, lines("mvn-calls.log").size());
  }
}
