package io.github.sparktogetherbatch.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sizes that matter: a full 50,000-line batch, the 100 MB limit, and (opt-in) 1,000,000 requests.
 */
class ScaleTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();
  static final Api api = EMU.api();

  static byte[] lines(int n, String prefix) {
    StringBuilder sb = new StringBuilder(n * 130);
    for (int i = 0; i < n; i++) {
      sb.append("{\"custom_id\":\"")
          .append(prefix)
          .append(i)
          .append(
              "\",\"body\":{\"model\":\"emulator/echo\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",")
          .append("\"content\":\"Summarise item ")
          .append(i)
          .append(" in one line\"}]}}\n");
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void fiftyThousandLinesInAFewSeconds() throws IOException {
    byte[] content = lines(50_000, "r");
    long t0 = System.nanoTime();
    String file = api.upload(content);
    JsonNode done =
        api.waitTerminal(api.createBatch(file, "/v1/chat/completions").get("id").asText());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals("COMPLETED", done.get("status").asText());
    assertTrue(ms < 15_000, "50,000 requests took " + ms + " ms");
    // stream the output and count distinct ids without holding parsed lines
    HttpResponse<InputStream> r =
        api.send2(
            api.req("/files/" + done.get("output_file_id").asText() + "/content").GET().build());
    Set<String> ids = new HashSet<>();
    try (BufferedReader br =
        new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = br.readLine()) != null) {
        ids.add(Api.M.readTree(line).get("custom_id").asText());
      }
    }
    assertEquals(50_000, ids.size());
    System.out.println("50,000-line batch: " + ms + " ms upload to COMPLETED");
  }

  @Test
  void overOneHundredMegabytesFails() {
    // 100,000,001 bytes: one long valid line, then padding lines, streamed (never in memory)
    long size = 100_000_001L;
    byte[] head =
        "{\"custom_id\":\"a\",\"body\":{\"model\":\"emulator/echo\",\"messages\":[{\"role\":\"user\",\"content\":\""
            .getBytes(StandardCharsets.UTF_8);
    byte[] tail = "\"}]}}\n".getBytes(StandardCharsets.UTF_8);
    long pad = size - head.length - tail.length;
    HttpResponse<byte[]> init = api.initiate(Api.UploadStyle.FORM, "batch-api", "big.jsonl");
    String id = init.headers().firstValue("x-together-file-id").orElseThrow();
    long t0 = System.nanoTime();
    HttpRequest put =
        HttpRequest.newBuilder(URI.create(init.headers().firstValue("location").orElseThrow()))
            .PUT(
                BodyPublishers.fromPublisher(
                    BodyPublishers.ofInputStream(
                        () ->
                            new SequenceInputStream(
                                new SequenceInputStream(
                                    new ByteArrayInputStream(head), new RepeatingStream(pad)),
                                new ByteArrayInputStream(tail))),
                    size))
            .build();
    assertEquals(200, api.send(put).statusCode());
    long uploadMs = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(size, Api.ok(api.get("/files/" + id), 200).get("bytes").asLong());
    JsonNode done =
        api.waitTerminal(api.createBatch(id, "/v1/chat/completions").get("id").asText());
    assertEquals("FAILED", done.get("status").asText());
    assertTrue(done.get("error").asText().contains("100000000"), done.toString());
    long t1 = System.nanoTime();
    HttpResponse<InputStream> dl = api.send2(api.req("/files/" + id + "/content").GET().build());
    long n = 0;
    try (InputStream in = dl.body()) {
      byte[] buf = new byte[1 << 20];
      int k;
      while ((k = in.read(buf)) > 0) {
        n += k;
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    long downloadMs = (System.nanoTime() - t1) / 1_000_000;
    assertEquals(size, n);
    System.out.println("100 MB: upload " + uploadMs + " ms, download " + downloadMs + " ms");
    assertTrue(uploadMs < 20_000 && downloadMs < 20_000);
  }

  @Test
  @EnabledIfSystemProperty(named = "emulator.bench", matches = "true")
  void oneMillionRequestsAcrossTwentyBatches() {
    long t0 = System.nanoTime();
    List<String> batches = new ArrayList<>();
    for (int b = 0; b < 20; b++) {
      batches.add(
          api.createBatch(api.upload(lines(50_000, "b" + b + "-")), "/v1/chat/completions")
              .get("id")
              .asText());
    }
    long submitted = (System.nanoTime() - t0) / 1_000_000;
    long total = 0;
    for (String id : batches) {
      JsonNode done =
          api.waitFor(id, Set.of("COMPLETED", "FAILED"), java.time.Duration.ofMinutes(10));
      assertEquals("COMPLETED", done.get("status").asText());
      total +=
          Api.ok(api.get("/files/" + done.get("output_file_id").asText()), 200)
              .get("LineCount")
              .asLong();
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(1_000_000, total);
    System.out.println(
        "1,000,000 requests in 20 batches: uploaded+created in "
            + submitted
            + " ms, all COMPLETED in "
            + ms
            + " ms");
  }

  /** An InputStream of n 'x' bytes. */
  static final class RepeatingStream extends InputStream {
    private long left;

    RepeatingStream(long n) {
      this.left = n;
    }

    @Override
    public int read() {
      if (left <= 0) {
        return -1;
      }
      left--;
      return 'x';
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (left <= 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      java.util.Arrays.fill(b, off, off + n, (byte) 'x');
      left -= n;
      return n;
    }
  }
}
