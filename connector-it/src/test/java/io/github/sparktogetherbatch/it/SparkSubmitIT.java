package io.github.sparktogetherbatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The three ways a cluster user adds the connector: {@code spark-submit --jars}, the {@code
 * spark.jars} setting and {@code --packages} from a local Maven repository. Each runs Spark's own
 * {@code SparkSubmit} in a new JVM whose classpath is Spark alone; the connector arrives only
 * through the option under test, and the application is a jar holding {@link RoundTripJob}.
 */
class SparkSubmitIT {
  private static Path work;
  private static ItSupport.EmulatorProcess emulator;

  @BeforeAll
  static void startEmulator() throws Exception {
    work =
        Files.createTempDirectory(
            Path.of(System.getProperty("java.io.tmpdir")), "spark-submit-it-");
    emulator = ItSupport.EmulatorProcess.start(work.resolve("emulator.log"));
  }

  @AfterAll
  static void stopEmulator() throws Exception {
    if (emulator != null) {
      emulator.close();
    }
  }

  @Test
  void sparkSubmitWithJarsOption() throws Exception {
    Path jar = ItSupport.connectorJar();
    String out = submit("jars-option", List.of("--jars", jar.toString()));
    assertTrue(
        out.contains("connector loaded from " + jar.toUri().toURL()),
        "connector location:\n" + tail(out));
  }

  @Test
  void sparkSubmitWithSparkJarsSetting() throws Exception {
    Path jar = ItSupport.connectorJar();
    String out = submit("spark-jars", List.of("--conf", "spark.jars=" + jar.toUri()));
    assertTrue(
        out.contains("connector loaded from " + jar.toUri().toURL()),
        "connector location:\n" + tail(out));
  }

  /**
   * {@code --packages} against a local Maven repository laid out as {@code mvn install} lays it
   * out: the shaded jar with the dependency-reduced POM, the parent POM, and the BOMs the parent
   * imports, in a fresh {@code ~/.m2/repository} (the child's {@code user.home}) that holds nothing
   * else of ours. Ivy resolves the connector from it and nothing besides: the POM drags in no
   * Spark, Jackson or HttpClient.
   */
  @Test
  void sparkSubmitWithPackagesFromTheLocalMavenRepository() throws Exception {
    Path home = Files.createDirectories(work.resolve("packages-home"));
    Path repo = Files.createDirectories(home.resolve(".m2").resolve("repository"));
    String version = ItSupport.required("it.project.version");
    String group = "io/github/sparktogetherbatch/";
    Path connectorDir =
        Files.createDirectories(repo.resolve(group + "spark-together-batch/" + version));
    Files.copy(
        ItSupport.connectorJar(), connectorDir.resolve("spark-together-batch-" + version + ".jar"));
    Files.copy(
        Path.of(ItSupport.required("it.connector.pom")),
        connectorDir.resolve("spark-together-batch-" + version + ".pom"));
    Path parentDir =
        Files.createDirectories(repo.resolve(group + "spark-together-batch-parent/" + version));
    Files.copy(
        Path.of(ItSupport.required("it.parent.pom")),
        parentDir.resolve("spark-together-batch-parent-" + version + ".pom"));
    copyPoms(
        Path.of(ItSupport.required("it.maven.repo")), repo, "com/fasterxml/jackson/jackson-bom");
    copyPoms(
        Path.of(ItSupport.required("it.maven.repo")), repo, "com/fasterxml/jackson/jackson-parent");
    copyPoms(Path.of(ItSupport.required("it.maven.repo")), repo, "com/fasterxml/oss-parent");
    copyPoms(Path.of(ItSupport.required("it.maven.repo")), repo, "org/junit/junit-bom");
    Path ivy = work.resolve("packages-ivy");
    String coordinates = "io.github.sparktogetherbatch:spark-together-batch:" + version;
    String out =
        submit(
            "packages",
            List.of("-Duser.home=" + home),
            List.of(
                "--packages",
                coordinates,
                "--repositories",
                repo.toUri().toString(),
                "--conf",
                "spark.jars.ivy=" + ivy));
    Path fetched =
        ivy.resolve("jars")
            .resolve("io.github.sparktogetherbatch_spark-together-batch-" + version + ".jar");
    assertTrue(Files.isRegularFile(fetched), "Ivy fetched the connector:\n" + tail(out));
    assertTrue(out.contains("connector loaded from " + fetched.toUri().toURL()), tail(out));
    try (Stream<Path> jars = Files.list(ivy.resolve("jars"))) {
      assertEquals(List.of(fetched), jars.collect(Collectors.toList()), "only the connector");
    }
  }

  /** Copies the POM files of one artifact folder (every version) between repositories. */
  private static void copyPoms(Path fromRepo, Path toRepo, String artifactDir) throws IOException {
    Path from = fromRepo.resolve(artifactDir);
    if (!Files.isDirectory(from)) {
      return;
    }
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (f.getFileName().toString().endsWith(".pom")) {
          Path to = toRepo.resolve(fromRepo.relativize(f).toString());
          Files.createDirectories(to.getParent());
          Files.copy(f, to);
        }
      }
    }
  }

  private String submit(String name, List<String> connectorArgs) throws Exception {
    return submit(name, List.of(), connectorArgs);
  }

  private String submit(String name, List<String> jvmArgs, List<String> connectorArgs)
      throws Exception {
    Path appJar = appJar(work.resolve(name + "-app.jar"));
    Path log = work.resolve(name + ".log");
    Path tmp = Files.createDirectories(work.resolve(name + "-tmp"));
    List<String> cmd = new ArrayList<>();
    cmd.add(ItSupport.javaBinary());
    cmd.add("-Xmx1g");
    cmd.addAll(ItSupport.javaOpens());
    cmd.add("-Djava.io.tmpdir=" + tmp);
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(sparkOnlyClasspath());
    cmd.add("org.apache.spark.deploy.SparkSubmit");
    cmd.addAll(
        List.of(
            "--master",
            "local[2]",
            "--conf",
            "spark.ui.enabled=false",
            "--conf",
            "spark.driver.host=127.0.0.1",
            "--conf",
            "spark.sql.shuffle.partitions=4"));
    cmd.addAll(connectorArgs);
    cmd.addAll(
        List.of(
            "--class",
            RoundTripJob.class.getName(),
            appJar.toString(),
            emulator.baseUrl(),
            work.resolve(name + "-job").toString(),
            "400"));
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("spark-submit did not finish in 5 minutes; log: " + log);
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), "spark-submit failed; log " + log + ":\n" + tail(out));
    assertTrue(out.contains("ROUND TRIP OK 400 rows, 360 succeeded, 40 failed"), tail(out));
    System.out.println(
        name + ": " + out.lines().filter(l -> l.startsWith("ROUND TRIP")).findFirst().orElse(""));
    return out;
  }

  /** Spark and its dependencies: the test classpath minus the connector, the tests and JUnit. */
  private static String sparkOnlyClasspath() throws IOException {
    Path testClasses =
        Path.of(System.getProperty("basedir", "."), "target", "test-classes")
            .toAbsolutePath()
            .normalize();
    List<String> out = new ArrayList<>();
    for (String e : ItSupport.classpathWithoutConnector().split(File.pathSeparator)) {
      Path p = Path.of(e).toAbsolutePath().normalize();
      String file = p.getFileName().toString();
      if (p.equals(testClasses)
          || p.endsWith(Path.of("target", "test-classes"))
          || file.startsWith("junit-")
          || file.startsWith("opentest4j-")
          || file.startsWith("apiguardian-")) {
        continue;
      }
      out.add(e);
    }
    return String.join(File.pathSeparator, out);
  }

  /** The application jar: {@link RoundTripJob} and its nested classes. */
  private static Path appJar(Path target) throws Exception {
    Path classes =
        Path.of(RoundTripJob.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    String pkg = RoundTripJob.class.getPackageName().replace('.', '/');
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    try (OutputStream os = Files.newOutputStream(target);
        JarOutputStream jar = new JarOutputStream(os, mf);
        Stream<Path> files = Files.list(classes.resolve(pkg))) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String n = f.getFileName().toString();
        if (n.equals("RoundTripJob.class") || n.startsWith("RoundTripJob$")) {
          jar.putNextEntry(new JarEntry(pkg + "/" + n));
          jar.write(Files.readAllBytes(f));
          jar.closeEntry();
        }
      }
    }
    return target;
  }

  private static String tail(String s) {
    return s.length() <= 6000 ? s : "..." + s.substring(s.length() - 6000);
  }
}
