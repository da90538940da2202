package io.github.sparktogetherbatch.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.emulator.TogetherEmulator;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 100 MB batch input file goes up and comes back byte for byte while the whole JVM (client and
 * in-process emulator) has a 64 MB heap: it only passes if both sides stream. Runs in its own
 * surefire execution with {@code -Xmx64m} (see client/pom.xml).
 */
class BoundedMemoryTest {
  @TempDir Path tmp;

  @Test
  void hundredMegabytesUpAndDownIn64MegabytesOfHeap() throws Exception {
    long max = Runtime.getRuntime().maxMemory();
    assertTrue(max <= 96L * 1024 * 1024, "this test must run with a small heap, has " + max);
    Path f = tmp.resolve("big.jsonl");
    MessageDigest local = MessageDigest.getInstance("SHA-256");
    byte[] pad = "x".repeat(900).getBytes(StandardCharsets.US_ASCII);
    long size = 0;
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(f), 1 << 16)) {
      for (int i = 0; size < 99_000_000L; i++) {
        byte[] line =
            ("{\"custom_id\":\"r-"
                    + i
                    + "\",\"body\":{\"model\":\"emulator/echo\",\"messages\":"
                    + "[{\"role\":\"user\",\"content\":\""
                    + new String(pad, StandardCharsets.US_ASCII)
                    + "\"}]}}\n")
                .getBytes(StandardCharsets.US_ASCII);
        out.write(line);
        local.update(line);
        size += line.length;
      }
    }
    try (TogetherEmulator emulator = TogetherEmulator.start();
        TogetherClient client =
            new TogetherClient(
                TogetherClientConfig.builder().baseUrl(emulator.baseUrl()).apiKey("k").build())) {
      FileObject up = client.uploadFile(f, "big.jsonl");
      assertEquals(size, up.bytes());
      MessageDigest remote = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      long n = 0;
      try (InputStream in = client.openFileContent(up.id())) {
        for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
          remote.update(buf, 0, r);
          n += r;
        }
      }
      assertEquals(size, n);
      assertArrayEquals(local.digest(), remote.digest());
      assertEquals(size, client.stats().bytesUploaded());
    }
  }
}
