package io.github.sparktogetherbatch.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.github.sparktogetherbatch.client.BatchJob;
import io.github.sparktogetherbatch.client.BatchStatus;
import io.github.sparktogetherbatch.client.RetryPolicy;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.client.TogetherClientConfig;
import io.github.sparktogetherbatch.exceptions.TogetherApiException;
import io.github.sparktogetherbatch.exceptions.TogetherJobException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Driver-side waiting against a tiny scripted server: statuses the emulator never shows (Together's
 * internal QUEUED, CHUNKING, ... and anything new) count as running; the timeout names the batches.
 */
class BatchPollerTest {
  private HttpServer server;
  private TogetherClient client;

  /** batch id → the statuses it reports, one per poll (the last one repeats). */
  private final Map<String, List<String>> script = new ConcurrentHashMap<>();

  private final Map<String, AtomicInteger> polls = new ConcurrentHashMap<>();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/v1/batches/",
        ex -> {
          String id = ex.getRequestURI().getPath().substring("/v1/batches/".length());
          List<String> statuses = script.get(id);
          byte[] body;
          int code;
          if (statuses == null) {
            code = 404;
            body = "{\"error\":\"batch not found\"}".getBytes(StandardCharsets.UTF_8);
          } else {
            int n = polls.computeIfAbsent(id, k -> new AtomicInteger()).getAndIncrement();
            String status = statuses.get(Math.min(n, statuses.size() - 1));
            code = 200;
            body =
                ("{\"id\":\""
                        + id
                        + "\",\"status\":\""
                        + status
                        + "\",\"progress\":"
                        + (n * 10)
                        + ",\"input_file_id\":\"file-1\"}")
                    .getBytes(StandardCharsets.UTF_8);
          }
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(code, body.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    client =
        new TogetherClient(
            TogetherClientConfig.builder()
                .baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/v1")
                .apiKey("k")
                .retryPolicy(RetryPolicy.DEFAULT.withMaxAttempts(1))
                .build());
  }

  @AfterEach
  void stop() {
    client.close();
    server.stop(0);
  }

  private BatchPoller poller(long timeoutMillis) {
    return new BatchPoller(
        client, Duration.ofMillis(5), Duration.ofMillis(timeoutMillis), "test job");
  }

  @Test
  void unknownStatusesCountAsRunning() {
    script.put(
        "b1", List.of("QUEUED", "CHUNKING", "IN_PROGRESS", "CANCELING", "AGGREGATING", "EXPIRED"));
    script.put("b2", List.of("VALIDATING", "COMPLETED"));
    Map<String, BatchJob> state = poller(10_000).awaitTerminal(List.of("b1", "b2"));
    assertEquals(BatchStatus.EXPIRED, state.get("b1").status());
    assertEquals(BatchStatus.COMPLETED, state.get("b2").status());
    assertEquals(6, polls.get("b1").get());
    assertEquals(2, polls.get("b2").get(), "a terminal batch is not polled again");
  }

  @Test
  void timeoutNamesOnlyTheUnfinishedBatches() {
    script.put("done", List.of("COMPLETED"));
    script.put("slow", List.of("SOMETHING_NEW"));
    TogetherJobException e =
        assertThrows(
            TogetherJobException.class, () -> poller(300).awaitTerminal(List.of("done", "slow")));
    assertEquals(List.of("slow"), e.batchIds());
    assertTrue(
        e.getMessage().contains("slow") && e.getMessage().contains("SOMETHING_NEW"),
        e.getMessage());
    assertEquals(1, polls.get("done").get(), "a terminal batch is not polled again");
  }

  @Test
  void pollOnceDoesNotWaitAndAnUnknownBatchIsNamed() {
    script.put("r", List.of("IN_PROGRESS"));
    assertEquals(BatchStatus.IN_PROGRESS, poller(0).pollOnce(List.of("r")).get("r").status());
    TogetherJobException e =
        assertThrows(TogetherJobException.class, () -> poller(1000).awaitTerminal(List.of("nope")));
    assertEquals(List.of("nope"), e.batchIds());
    assertTrue(e.getCause() instanceof TogetherApiException);
  }
}
