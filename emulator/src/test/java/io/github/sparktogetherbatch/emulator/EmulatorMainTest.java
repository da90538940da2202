package io.github.sparktogetherbatch.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Command-line parsing, and the standalone process printing its base URL first. */
class EmulatorMainTest {
  @Test
  void parsesOptions() {
    EmulatorOptions o =
        EmulatorMain.parse(
            new String[] {
              "--port",
              "18091",
              "--api-key",
              "k",
              "--requests-per-second=2.5",
              "--validating-millis",
              "100",
              "--data-dir",
              "/tmp/x",
              "--null-empty-batch-list",
              "--host",
              "0.0.0.0"
            });
    assertEquals(18091, o.port());
    assertEquals("k", o.apiKey());
    assertEquals(2.5, o.requestsPerSecond());
    assertEquals(100, o.validatingMillis());
    assertEquals(Paths.get("/tmp/x"), o.dataDir());
    assertTrue(o.nullEmptyBatchList());
    assertEquals("0.0.0.0", o.host());
    assertTrue(o.serveInputFiles());
    assertEquals(
        false, EmulatorMain.parse(new String[] {"--no-serve-input-files"}).serveInputFiles());
    assertTrue(EmulatorMain.USAGE.contains("--no-serve-input-files"));
    assertFalse(o.md5ETags());
    assertTrue(EmulatorMain.parse(new String[] {"--md5-etags"}).md5ETags());
    assertTrue(EmulatorMain.USAGE.contains("--md5-etags"));
    assertEquals(8090, EmulatorMain.parse(new String[0]).port());
    assertNull(EmulatorMain.parse(new String[] {"--help"}));
    assertThrows(IllegalArgumentException.class, () -> EmulatorMain.parse(new String[] {"--port"}));
    assertThrows(
        IllegalArgumentException.class, () -> EmulatorMain.parse(new String[] {"--bogus", "1"}));
    assertThrows(
        IllegalArgumentException.class, () -> EmulatorMain.parse(new String[] {"--port", "x"}));
    assertTrue(EmulatorMain.USAGE.contains("--requests-per-second"));
  }

  @Test
  void standaloneProcessPrintsItsBaseUrlFirst() throws Exception {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    EmulatorMain.class.getName(),
                    "--port",
                    "0",
                    "--api-key",
                    "k"))
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String first = out.readLine();
      assertTrue(
          first != null
              && first.matches("Together emulator listening on http://127\\.0\\.0\\.1:\\d+/v1"),
          first);
      String base = first.substring(first.indexOf("http://"));
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/batches"))
                  .header("Authorization", "Bearer k")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertEquals("[]", r.body());
    } finally {
      p.destroy();
      assertTrue(p.waitFor(10, TimeUnit.SECONDS), "stops on SIGTERM");
    }
  }
}
