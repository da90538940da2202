package io.github.sparktogetherbatch.faults;

import static io.github.sparktogetherbatch.faults.FaultSupport.KEY;
import static io.github.sparktogetherbatch.faults.FaultSupport.causeOf;
import static io.github.sparktogetherbatch.faults.FaultSupport.input;
import static io.github.sparktogetherbatch.faults.FaultSupport.messages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.LogCapture;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.ExplainMode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The API key appears nowhere it could be read later: the Spark event log (everything Spark records
 * about the application: plans, SQL events, task failures, configuration), our logs at DEBUG,
 * exception messages (even when the server echoes the key), {@code explain()}, the job manifest,
 * and the requests to the signed upload URL, which carry no API header at all. Plain http towards a
 * non-loopback host is refused before anything is sent.
 */
class SecretsTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  /** Distinctive parts of the key: any of them in a file is a leak. */
  static final List<String> KEY_PARTS = List.of(KEY, "DO-NOT-LEAK", "0123456789abcdef-DO");

  /** The only headers the signed upload URL may receive. */
  static final Set<String> STORAGE_HEADERS =
      Set.of("host", "content-length", "content-type", "connection");

  @TempDir Path tmp;

  private static SparkSession session(Path events, Map<String, String> conf) throws IOException {
    SparkTestSession.get().stop();
    Files.createDirectories(events);
    SparkSession.Builder b =
        SparkSession.builder()
            .master("local[2]")
            .appName("stb-key-check")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.eventLog.enabled", "true")
            // plain text on every runtime (Spark 4 compresses event logs by default), so that the
            // searches for the key below read what Spark wrote
            .config("spark.eventLog.compress", "false")
            .config("spark.eventLog.dir", events.toUri().toString());
    conf.forEach(b::config);
    return b.getOrCreate();
  }

  /** Every file under {@code dir} that holds a part of the key, with the first hit's context. */
  private static List<String> leaks(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Iterator<Path> it = files.filter(Files::isRegularFile).iterator(); it.hasNext(); ) {
        Path f = it.next();
        String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        for (String part : KEY_PARTS) {
          int at = text.indexOf(part);
          if (at >= 0) {
            out.add(f + ": ..." + text.substring(Math.max(0, at - 300), at) + "<<KEY>>");
          }
        }
      }
    }
    return out;
  }

  @Test
  void theKeyIsInNoEventLogLogManifestExplainOutputErrorOrUploadRequest() throws Exception {
    Path events = tmp.resolve("events");
    SparkSession spark = session(events, Map.of());
    List<String> seen = new ArrayList<>();
    LogCapture capture = LogCapture.attach();
    Configurator.setLevel("io.github.sparktogetherbatch", Level.DEBUG);
    Configurator.setLevel("org.apache.hc", Level.DEBUG);
    String path = tmp.resolve("job").toString();
    try {
      // 1. a write with the key as an option, through a retried fault
      EMU.emulator()
          .armFault("{\"route\":\"POST /v1/batches\",\"status\":503,\"retryAfterMs\":50}");
      Dataset<Row> df = input(spark, 2_000, 2);
      FaultSupport.writer(df, EMU).option("maxRequestsPerBatch", "600").save(path);
      // 2. an append (key as an option again: a session default set at run time would be copied
      //    into every job's properties, which the event log keeps unredacted; see the test below)
      FaultSupport.writer(
              input(spark, 10, 1).selectExpr("concat('more-', custom_id) AS custom_id", "prompt"),
              EMU)
          .mode("append")
          .save(path);
      // 3. a read and its plans
      Dataset<Row> read = FaultSupport.reader(spark, EMU).load(path);
      seen.add(read.queryExecution().explainString(ExplainMode.fromString("extended")));
      seen.add(read.queryExecution().explainString(ExplainMode.fromString("formatted")));
      seen.add(read.queryExecution().explainString(ExplainMode.fromString("cost")));
      assertEquals(2_010, read.count());
      // 4. failures: the server echoes the key in a 401 (on an executor, then on the driver)
      String echo =
          "{\"error\":{\"message\":\"Invalid API key provided: "
              + KEY
              + "\","
              + "\"code\":\"invalid_api_key\"}}";
      EMU.emulator()
          .armFault(
              "{\"route\":\"POST /v1/files\",\"status\":401,\"body\":"
                  + FaultSupport.JSON.valueToTree(echo)
                  + "}");
      seen.add(
          LogCapture.stackTrace(
              assertThrows(
                  Exception.class,
                  () ->
                      FaultSupport.writer(input(spark, 5, 1), EMU)
                          .save(tmp.resolve("bad").toString()))));
      EMU.emulator()
          .armFault(
              "{\"route\":\"GET /v1/batches/{id}\",\"status\":401,\"body\":"
                  + FaultSupport.JSON.valueToTree(echo)
                  + "}");
      Throwable readFailure =
          assertThrows(
              Exception.class, () -> FaultSupport.reader(spark, EMU).load(path).collectAsList());
      seen.add(LogCapture.stackTrace(readFailure));
      assertTrue(messages(readFailure).contains("<hidden>"), "the echoed key was redacted");
    } finally {
      capture.close();
      Configurator.setLevel("io.github.sparktogetherbatch", Level.INFO);
      Configurator.setLevel("org.apache.hc", Level.WARN);
      spark.stop(); // flushes and closes the event log
    }

    // The event log was written and holds what it should (so the grep below means something).
    String log = eventLogText(events);
    assertTrue(log.contains("SparkListenerSQLExecutionStart"), "SQL events logged");
    assertTrue(log.contains("together-batch"), "the connector's plans logged");
    assertTrue(log.contains("invalid_api_key"), "the failures logged");
    assertEquals(List.of(), leaks(events), "the key is in the event log");
    // The job manifest (every version kept) and the captured logs and plans.
    assertEquals(List.of(), leaks(Path.of(path)), "the key is in the manifest");
    assertTrue(capture.lines.stream().anyMatch(l -> l.startsWith("org.apache.hc")), "DEBUG on");
    for (String s : capture.lines) {
      for (String part : KEY_PARTS) {
        assertFalse(s.contains(part), "the key is in a log line: " + s);
      }
    }
    for (String s : seen) {
      for (String part : KEY_PARTS) {
        assertFalse(s.contains(part), "the key is in: " + s);
      }
    }
    // Requests to the signed upload URL: no Authorization, no user agent, no API header at all.
    JsonNode puts = EMU.emulator().state().path("uploadHeaders");
    assertTrue(puts.size() >= 4, "uploads recorded: " + puts.size());
    for (JsonNode h : puts) {
      for (Iterator<String> names = h.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        assertTrue(STORAGE_HEADERS.contains(name), "header '" + name + "' sent to storage: " + h);
      }
      for (String part : KEY_PARTS) {
        assertFalse(h.toString().contains(part), "the key went to storage: " + h);
      }
    }
  }

  /**
   * Every event log file under {@code dir}, concatenated: Spark 3.5 writes one file, Spark 4 rolls
   * the log into a folder of {@code events_N_*} files (and an appstatus marker).
   */
  private static String eventLogText(Path dir) throws IOException {
    StringBuilder text = new StringBuilder();
    int files = 0;
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path f :
          (Iterable<Path>)
              s.filter(Files::isRegularFile)
                      .filter(p -> !p.getFileName().toString().startsWith("."))
                      .sorted()
                  ::iterator) {
        text.append(new String(Files.readAllBytes(f), StandardCharsets.UTF_8)).append('\n');
        files++;
      }
    }
    assertTrue(files > 0, "no event log under " + dir);
    assertTrue(text.indexOf("SparkListenerApplicationStart") >= 0, "not an event log: " + dir);
    return text.toString();
  }

  /**
   * A key in the start-up Spark configuration is Spark's to show (the Environment tab, the event
   * log) unless {@code spark.redaction.regex} covers it: the connector warns once, and with the
   * documented regex the event log holds no key.
   */
  @Tag("slow")
  @Test
  void aKeyInTheStartUpConfigurationIsRedactedWithTheDocumentedRegex() throws Exception {
    Path events = tmp.resolve("events-redacted");
    SparkSession spark =
        session(
            events,
            Map.of(
                "spark.datasource.together-batch.apiKey",
                KEY,
                "spark.redaction.regex",
                "(?i)secret|password|token|access[.]?key|apikey"));
    String path = tmp.resolve("job").toString();
    try (LogCapture capture = LogCapture.attach()) {
      input(spark, 100, 1)
          .write()
          .format("together-batch")
          .option("baseUrl", EMU.baseUrl())
          .option("model", FaultSupport.MODEL)
          .save(path);
      assertEquals(
          100,
          spark
              .read()
              .format("together-batch")
              .option("baseUrl", EMU.baseUrl())
              .option("pollInterval", "50ms")
              .load(path)
              .count());
      assertFalse(
          capture.lines.stream().anyMatch(l -> l.contains("spark.redaction.regex does not")),
          "no warning: the regex covers the key");
    } finally {
      spark.stop();
    }
    assertEquals(List.of(), leaks(events), "the key is in the event log");
    assertEquals(List.of(), leaks(Path.of(path)), "the key is in the manifest");
  }

  @Tag("slow")
  @Test
  void aKeyInTheStartUpConfigurationWithoutRedactionIsWarnedAbout() throws Exception {
    Path events = tmp.resolve("events-plain");
    SparkSession spark = session(events, Map.of("spark.datasource.together-batch.apiKey", KEY));
    try (LogCapture capture = LogCapture.attach()) {
      input(spark, 10, 1)
          .write()
          .format("together-batch")
          .option("baseUrl", EMU.baseUrl())
          .option("model", FaultSupport.MODEL)
          .save(tmp.resolve("job").toString());
      List<String> warnings =
          capture.lines.stream()
              .filter(l -> l.contains("spark.redaction.regex does not cover"))
              .collect(java.util.stream.Collectors.toList());
      assertEquals(1, warnings.size(), capture.lines.toString());
      assertTrue(warnings.get(0).contains("TOGETHER_API_KEY"), warnings.get(0));
      for (String part : KEY_PARTS) {
        assertFalse(warnings.get(0).contains(part), "the warning shows the key");
      }
    } finally {
      spark.stop();
    }
  }

  @Test
  void aKeySetAsASessionConfigurationAtRunTimeIsWarnedAbout() {
    SparkSession shared = SparkTestSession.get();
    SparkSession spark = shared.newSession(); // a session not warned yet
    SparkSession.setActiveSession(spark);
    spark.conf().set("spark.datasource.together-batch.apiKey", KEY);
    try (LogCapture capture = LogCapture.attach()) {
      for (int i = 0; i < 2; i++) {
        input(spark, 10, 1)
            .write()
            .format("together-batch")
            .option("baseUrl", EMU.baseUrl())
            .option("model", FaultSupport.MODEL)
            .mode("append")
            .save(tmp.resolve("job").toString());
      }
      List<String> warnings =
          capture.lines.stream()
              .filter(l -> l.contains("session configuration") && l.contains("unredacted"))
              .collect(java.util.stream.Collectors.toList());
      assertEquals(1, warnings.size(), "warned once per session: " + warnings);
      for (String part : KEY_PARTS) {
        assertFalse(warnings.get(0).contains(part), "the warning shows the key");
      }
    } finally {
      spark.conf().unset("spark.datasource.together-batch.apiKey");
      SparkSession.setActiveSession(shared);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://api.together.xyz/v1",
        "http://10.0.0.5:8080/v1",
        "http://localhost.example.com/v1",
        "http://127.0.0.1.nip.io/v1",
        "http://[fe80::1]/v1",
        "ftp://127.0.0.1/v1"
      })
  void plainHttpTowardsANonLoopbackHostIsRefusedBeforeAnyRequest(String baseUrl) {
    SparkSession spark = SparkTestSession.get();
    long before = total(FaultSupport.requestCounts(EMU));
    Throwable w =
        assertThrows(
            Throwable.class,
            () ->
                input(spark, 5, 1)
                    .write()
                    .format("together-batch")
                    .option("apiKey", KEY)
                    .option("baseUrl", baseUrl)
                    .option("model", FaultSupport.MODEL)
                    .save(tmp.resolve("job").toString()));
    Throwable r =
        assertThrows(
            Throwable.class,
            () ->
                spark
                    .read()
                    .format("together-batch")
                    .option("apiKey", KEY)
                    .option("baseUrl", baseUrl)
                    .option("batchId", "b-1")
                    .load()
                    .collectAsList());
    for (Throwable t : List.of(w, r)) {
      TogetherConfigException e = causeOf(t, TogetherConfigException.class);
      assertTrue(e.getMessage().contains("'baseUrl'"), e.getMessage());
      assertFalse(messages(t).contains(KEY), "the key in the error");
    }
    assertEquals(before, total(FaultSupport.requestCounts(EMU)), "a request was sent");
  }

  private static long total(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }
}
