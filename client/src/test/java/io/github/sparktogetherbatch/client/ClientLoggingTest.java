package io.github.sparktogetherbatch.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.LogCapture;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * With every logger at DEBUG (HttpClient's header and wire loggers included), a whole client
 * session with retries and errors never logs the API key.
 */
class ClientLoggingTest {
  @RegisterExtension static final EmulatorExtension EMULATOR = new EmulatorExtension();
  @TempDir Path tmp;

  @Test
  void theKeyIsInNoLogEvenAtDebug() throws Exception {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    Level before = ctx.getConfiguration().getRootLogger().getLevel();
    String key = EmulatorExtension.TEST_API_KEY;
    Path f = tmp.resolve("in.jsonl");
    Files.writeString(
        f,
        "{\"custom_id\":\"a\",\"body\":{\"model\":\"emulator/echo\",\"messages\":"
            + "[{\"role\":\"user\",\"content\":\"hi\"}]}}\n");
    try (LogCapture capture = LogCapture.attach()) {
      Configurator.setRootLevel(Level.ALL);
      Configurator.setLevel("org.apache.hc", Level.ALL);
      Configurator.setLevel("io.github.sparktogetherbatch", Level.ALL);
      EMULATOR.emulator().armFault("{\"route\":\"POST /v1/batches\",\"status\":503,\"times\":1}");
      try (TogetherClient client =
          new TogetherClient(TogetherClientTest.config(EMULATOR.baseUrl(), key).build())) {
        FileObject file = client.uploadFile(f, "in.jsonl");
        BatchJob b = client.createBatch(file.id(), "/v1/chat/completions", null);
        client.getBatch(b.id());
        try (InputStream in = client.openFileContent(file.id())) {
          in.readAllBytes();
        }
        assertThrows(RuntimeException.class, () -> client.getBatch("no-such-batch"));
      }
      assertTrue(
          capture.lines.stream().anyMatch(l -> l.startsWith("org.apache.hc")),
          "HttpClient logged at DEBUG (else this test proves nothing)");
      for (String line : capture.lines) {
        assertFalse(line.contains(key), "the key leaked into: " + line);
      }
    } finally {
      Configurator.setLevel("org.apache.hc", Level.WARN);
      Configurator.setLevel("io.github.sparktogetherbatch", Level.INFO);
      Configurator.setRootLevel(before);
    }
  }
}
