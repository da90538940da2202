package io.github.sparktogetherbatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connector as users get it: the shaded jar next to Spark, and nothing else of ours. Checks
 * what is in the jar, where the JVM actually loads things from, then runs a round trip.
 */
class ShadedJarIT {
  private static final String OURS = "io/github/sparktogetherbatch/";

  /**
   * A class reference (internal name, descriptor or dotted name) to a library we must have
   * relocated.
   */
  private static final Pattern UNRELOCATED_SLASHED =
      Pattern.compile("(com/fasterxml/jackson/|org/apache/hc/)");

  private static final Pattern UNRELOCATED_DOTTED =
      Pattern.compile("^\\[*L?(com\\.fasterxml\\.jackson|org\\.apache\\.hc)\\.[\\w.$]+;?$");

  @TempDir Path tmp;

  @Test
  void theJarHoldsOnlyOurClassesAndReferencesOnlyRelocatedLibraries() throws IOException {
    List<String> problems = new ArrayList<>();
    int classes = 0;
    boolean dataSourceService = false;
    try (JarFile jar = new JarFile(ItSupport.connectorJar().toFile())) {
      for (Enumeration<JarEntry> en = jar.entries(); en.hasMoreElements(); ) {
        JarEntry e = en.nextElement();
        String name = e.getName();
        if (name.endsWith(".class")) {
          classes++;
          if (!name.startsWith(OURS)) {
            problems.add("class outside " + OURS + ": " + name);
            continue;
          }
          for (String constant : utf8Constants(jar.getInputStream(e))) {
            if (UNRELOCATED_SLASHED.matcher(constant).find()
                || UNRELOCATED_DOTTED.matcher(constant).matches()) {
              problems.add(name + " refers to " + constant);
            }
          }
        } else if (name.startsWith("META-INF/services/") && !e.isDirectory()) {
          String service = name.substring("META-INF/services/".length());
          String body = new String(jar.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8);
          if (service.startsWith("com.fasterxml.")
              || service.startsWith("org.apache.hc.")
              || body.contains("com.fasterxml.")
              || body.contains("org.apache.hc.")) {
            problems.add("unrelocated service file " + name + ": " + body.trim());
          }
          if (service.equals("org.apache.spark.sql.sources.DataSourceRegister")) {
            dataSourceService =
                body.lines().map(String::trim).anyMatch(RoundTripJob.CONNECTOR_CLASS::equals);
          }
        } else if (name.startsWith("META-INF/versions/")) {
          problems.add(
              "multi-release entry (jackson-core's META-INF/versions must be excluded): " + name);
        }
      }
    }
    assertTrue(
        problems.isEmpty(),
        problems.size()
            + " problems, e.g.:\n"
            + String.join("\n", problems.subList(0, Math.min(20, problems.size()))));
    assertTrue(classes > 100, "suspiciously few classes: " + classes);
    assertTrue(
        dataSourceService,
        "META-INF/services/org.apache.spark.sql.sources.DataSourceRegister does not name "
            + RoundTripJob.CONNECTOR_CLASS);
  }

  @Test
  void theConnectorComesFromTheShadedJarAndJacksonFromSpark() throws Exception {
    Path jar = ItSupport.connectorJar().toRealPath();
    for (String entry : ItSupport.classpath()) {
      assertFalse(
          entry.replace('\\', '/').matches(".*/connector/target/(test-)?classes/?"),
          "the connector's class folder is on the classpath: " + entry);
      String file = Path.of(entry).getFileName().toString();
      assertFalse(
          file.startsWith("original-") || file.endsWith("-unshaded.jar"),
          "the unshaded connector jar is on the classpath: " + entry);
      assertFalse(
          file.startsWith("spark-together-batch-") && file.endsWith("-tests.jar"),
          "the connector's test jar is on the classpath: " + entry);
    }

    // Our classes, and our relocated Jackson and HttpClient, load from the shaded jar.
    for (String name :
        List.of(
            RoundTripJob.CONNECTOR_CLASS,
            "io.github.sparktogetherbatch.client.TogetherClient",
            "io.github.sparktogetherbatch.shaded.jackson.databind.ObjectMapper",
            "io.github.sparktogetherbatch.shaded.hc.client5.http.impl.classic.HttpClients")) {
      assertEquals(jar, location(Class.forName(name)), name + " is not loaded from the shaded jar");
    }

    // com.fasterxml.jackson on the classpath is Spark's own line, from its own jar.
    Class<?> mapper = Class.forName("com.fasterxml.jackson.databind.ObjectMapper");
    String sparkJackson = ItSupport.required("it.jackson.version");
    assertEquals(sparkJackson, versionOf(mapper), "Jackson databind version on the classpath");
    Path mapperJar = location(mapper);
    assertTrue(
        mapperJar.getFileName().toString().equals("jackson-databind-" + sparkJackson + ".jar"),
        "com.fasterxml.jackson.databind.ObjectMapper loaded from " + mapperJar);
    assertFalse(mapperJar.equals(jar));

    // Ours is a separate copy, at the version the connector was built with.
    Class<?> shadedMapper =
        Class.forName("io.github.sparktogetherbatch.shaded.jackson.databind.ObjectMapper");
    assertEquals(ItSupport.required("it.shaded.jackson.version"), versionOf(shadedMapper));

    // HttpClient 5 is not on the classpath except inside our jar (Spark does not ship it).
    try {
      Class<?> hc = Class.forName("org.apache.hc.client5.http.impl.classic.HttpClients");
      assertFalse(location(hc).equals(jar), "unrelocated HttpClient 5 in the shaded jar");
    } catch (ClassNotFoundException expected) {
      // the usual case
    }

    // And Spark is the version this cell of the matrix asked for.
    assertEquals(
        ItSupport.required("it.spark.version"), org.apache.spark.package$.MODULE$.SPARK_VERSION());
    assertTrue(
        scala.util.Properties.versionNumberString()
            .startsWith(ItSupport.required("it.scala.binary.version") + "."),
        "Scala " + scala.util.Properties.versionNumberString());
    System.out.println(
        "Runtime: Spark "
            + org.apache.spark.package$.MODULE$.SPARK_VERSION()
            + " | Scala "
            + scala.util.Properties.versionNumberString()
            + " | Jackson "
            + versionOf(mapper)
            + " | shaded Jackson "
            + versionOf(shadedMapper)
            + " | Java "
            + System.getProperty("java.version"));
  }

  @Test
  void roundTripInProcess() throws Exception {
    SparkSession spark = ItSupport.localSpark();
    try (ItSupport.EmulatorProcess emulator =
        ItSupport.EmulatorProcess.start(tmp.resolve("emulator.log"))) {
      RoundTripJob.Summary s =
          RoundTripJob.run(spark, emulator.baseUrl(), tmp.resolve("job").toString(), 1000, 4, 300);
      assertEquals(1000, s.rows());
      assertEquals(100, s.failed());
      assertEquals(900, s.succeeded());
      assertTrue(s.batches() >= 4, "batches: " + s.batches());
      assertTrue(
          ItSupport.isFile(s.connectorLocation(), ItSupport.connectorJar()),
          "connector loaded from " + s.connectorLocation() + ", not " + ItSupport.connectorJar());
      System.out.println("In-process round trip on Spark " + spark.version() + ": " + s);
    } finally {
      spark.stop();
    }
  }

  /**
   * The streaming sink through the shaded jar: an AvailableNow run, a run with nothing new, a read.
   */
  @Test
  void streamingRoundTripInProcess() throws Exception {
    SparkSession spark = ItSupport.localSpark();
    try (ItSupport.EmulatorProcess emulator =
        ItSupport.EmulatorProcess.start(tmp.resolve("emulator.log"))) {
      RoundTripJob.Summary s =
          RoundTripJob.runStreaming(
              spark,
              emulator.baseUrl(),
              tmp.resolve("input").toString(),
              tmp.resolve("checkpoint").toString(),
              tmp.resolve("stream-job").toString(),
              600,
              3,
              300);
      assertEquals(600, s.rows());
      assertEquals(60, s.failed());
      assertEquals(540, s.succeeded());
      assertTrue(s.batches() >= 2, "batches: " + s.batches());
      System.out.println("Streaming round trip on Spark " + spark.version() + ": " + s);
    } finally {
      spark.stop();
    }
  }

  static Path location(Class<?> c) throws URISyntaxException, IOException {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toRealPath();
  }

  /** {@code ObjectMapper.version().toString()}, by reflection (the class may be relocated). */
  static String versionOf(Class<?> mapperClass) throws Exception {
    Object mapper = mapperClass.getConstructor().newInstance();
    Method version = mapperClass.getMethod("version");
    Object v = version.invoke(mapper);
    return (String) v.getClass().getMethod("toString").invoke(v);
  }

  /** Every CONSTANT_Utf8 of a class file (class names, descriptors, string literals). */
  static List<String> utf8Constants(InputStream classFile) throws IOException {
    byte[] bytes;
    try (InputStream in = classFile) {
      bytes = in.readAllBytes();
    }
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    if (in.readInt() != 0xCAFEBABE) {
      fail("not a class file");
    }
    in.readUnsignedShort();
    in.readUnsignedShort();
    int count = in.readUnsignedShort();
    List<String> out = new ArrayList<>();
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> out.add(in.readUTF());
        case 7, 8, 16, 19, 20 -> in.skipBytes(2);
        case 15 -> in.skipBytes(3);
        case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
        case 5, 6 -> {
          in.skipBytes(8);
          i++;
        }
        default -> fail("unknown constant pool tag " + tag);
      }
    }
    return out;
  }
}
