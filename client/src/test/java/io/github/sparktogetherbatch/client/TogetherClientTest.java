package io.github.sparktogetherbatch.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sparktogetherbatch.emulator.EmulatorOptions;
import io.github.sparktogetherbatch.emulator.TogetherEmulator;
import io.github.sparktogetherbatch.exceptions.TogetherApiException;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Together client against the emulator as a real HTTP server, with faults armed. */
class TogetherClientTest {
  @RegisterExtension static final EmulatorExtension EMULATOR = new EmulatorExtension();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private TogetherClient client;

  @BeforeEach
  void open() {
    client = new TogetherClient(config(EMULATOR.baseUrl(), EmulatorExtension.TEST_API_KEY).build());
  }

  @AfterEach
  void close() {
    client.close();
  }

  /** Fast retries so fault tests take milliseconds, not seconds. */
  static TogetherClientConfig.Builder config(String baseUrl, String key) {
    return TogetherClientConfig.builder()
        .baseUrl(baseUrl)
        .apiKey(key)
        .requestTimeout(Duration.ofSeconds(10))
        .retryPolicy(
            new RetryPolicy(
                5,
                Duration.ofMillis(10),
                Duration.ofMillis(50),
                Duration.ofSeconds(30),
                0.25,
                Duration.ofSeconds(2)));
  }

  private Path requests(int n, String marker) throws IOException {
    Path f = tmp.resolve("in-" + n + "-" + System.nanoTime() + ".jsonl");
    try (Writer w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
      for (int i = 0; i < n; i++) {
        String content =
            "question number " + i + (marker != null && i % 3 == 0 ? " " + marker : "");
        w.write(
            "{\"custom_id\":\"r-"
                + i
                + "\",\"body\":{\"model\":\"emulator/echo\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":\""
                + content
                + "\"}]}}\n");
      }
    }
    return f;
  }

  private long count(String route) {
    return EMULATOR.emulator().requestCount(route);
  }

  private JsonNode files() {
    return EMULATOR.emulator().state().path("files");
  }

  private BatchJob waitTerminal(String batchId) throws InterruptedException {
    for (int i = 0; i < 2000; i++) {
      BatchJob b = client.getBatch(batchId);
      if (b.isTerminal()) {
        return b;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("batch " + batchId + " did not finish");
  }

  private static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  @Test
  void uploadFollowsTheRedirectFlowWithoutTheKeyOnThePut() throws Exception {
    Path f = requests(100, null);
    FileObject file = client.uploadFile(f, "input.jsonl");
    assertEquals(Files.size(f), file.bytes());
    assertEquals("batch-api", file.purpose());
    assertEquals(1, count("POST /v1/files"));
    // The emulator's signed URL answers 400 to any Authorization header: one PUT means none was
    // sent.
    assertEquals(1, count("PUT /_upload/{id}"));
    assertEquals(1, count("POST /v1/files/{id}/preprocess"));
    JsonNode state = files().get(0);
    assertEquals(file.id(), state.path("id").asText());
    assertEquals(100, state.path("lines").asInt());
    assertArrayEquals(Files.readAllBytes(f), readAll(client.openFileContent(file.id())));
  }

  @Test
  void wholeBatchLifecycleWithBothResultFiles() throws Exception {
    FileObject in = client.uploadFile(requests(30, "!!fail!!"), "mixed.jsonl");
    BatchJob created = client.createBatch(in.id(), "/v1/chat/completions", null);
    assertEquals(in.id(), created.inputFileId());
    assertFalse(created.isTerminal());
    assertNotNull(created.createdAt());
    BatchJob done = waitTerminal(created.id());
    assertSame(BatchStatus.COMPLETED, done.status());
    assertEquals(100.0, done.progress(), 0.001);
    List<String> out = lines(done.outputFileId());
    List<String> err = lines(done.errorFileId());
    assertEquals(20, out.size());
    assertEquals(10, err.size());
    Set<String> ids = new HashSet<>();
    for (String l : out) {
      ids.add(JSON.readTree(l).path("custom_id").asText());
    }
    for (String l : err) {
      ids.add(JSON.readTree(l).path("custom_id").asText());
    }
    assertEquals(30, ids.size());
    assertTrue(client.listBatches().stream().anyMatch(b -> b.id().equals(done.id())));
    assertTrue(client.listFiles().stream().anyMatch(f -> f.id().equals(done.outputFileId())));
  }

  private List<String> lines(String fileId) throws IOException {
    List<String> out = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(client.openFileContent(fileId), StandardCharsets.UTF_8))) {
      for (String l = r.readLine(); l != null; l = r.readLine()) {
        if (!l.isBlank()) {
          out.add(l);
        }
      }
    }
    return out;
  }

  @Test
  void anUploadedFileReportsTheUpperCaseProcessingStatus() throws Exception {
    FileObject uploaded = client.uploadFile(requests(2, null), "status.jsonl");
    FileObject f = client.getFile(uploaded.id());
    assertEquals("COMPLETED", f.processingStatus());
    assertTrue(f.processed());
  }

  @Test
  void anEmptyErrorFileDownloadsAsAnEmptyStream() throws Exception {
    FileObject in = client.uploadFile(requests(5, null), "ok.jsonl");
    BatchJob done = waitTerminal(client.createBatch(in.id(), "/v1/chat/completions", null).id());
    assertNotNull(done.errorFileId());
    assertEquals(0, readAll(client.openFileContent(done.errorFileId())).length);
  }

  @Test
  void rateLimitsAndServerErrorsAreRetriedOnEveryUploadStep() throws Exception {
    TogetherEmulator e = EMULATOR.emulator();
    e.armFault("{\"route\":\"POST /v1/files\",\"status\":429,\"times\":2,\"retryAfterSeconds\":0}");
    e.armFault("{\"route\":\"PUT /_upload/{id}\",\"status\":503,\"times\":2}");
    e.armFault("{\"route\":\"POST /v1/files/{id}/preprocess\",\"status\":502,\"times\":1}");
    Path f = requests(200, null);
    FileObject file = client.uploadFile(f, "retry.jsonl");
    assertEquals(3, count("POST /v1/files"));
    assertEquals(3, count("PUT /_upload/{id}"));
    assertEquals(2, count("POST /v1/files/{id}/preprocess"));
    // A retried PUT re-reads the file: the stored bytes are the whole file, not an empty body.
    assertArrayEquals(Files.readAllBytes(f), readAll(client.openFileContent(file.id())));
    assertEquals(5, client.stats().retries());
  }

  @Test
  void aConnectionResetMidUploadIsRetriedWithTheWholeFile() throws Exception {
    EMULATOR
        .emulator()
        .armFault(
            "{\"route\":\"PUT /_upload/{id}\",\"action\":\"reset\",\"times\":1,\"afterBytes\":1000}");
    Path f = requests(2000, null);
    FileObject file = client.uploadFile(f, "reset.jsonl");
    assertEquals(2, count("PUT /_upload/{id}"));
    assertArrayEquals(Files.readAllBytes(f), readAll(client.openFileContent(file.id())));
  }

  @Test
  void aRefusedSignedUrlRestartsTheUploadAndLeavesNoOrphan() throws Exception {
    EMULATOR.emulator().armFault("{\"route\":\"PUT /_upload/{id}\",\"status\":403,\"times\":1}");
    FileObject file = client.uploadFile(requests(10, null), "expired-url.jsonl");
    assertEquals(2, count("POST /v1/files"));
    assertEquals(1, client.stats().uploadRestarts());
    JsonNode files = files();
    assertEquals(1, files.size(), files.toString());
    assertEquals(file.id(), files.get(0).path("id").asText());
  }

  @Test
  void aNonLoopbackPlainHttpUploadLocationIsRefused() throws Exception {
    EMULATOR
        .emulator()
        .armFault(
            "{\"route\":\"POST /v1/files\",\"action\":\"location\","
                + "\"location\":\"http://storage.example.com/upload?sig=1\",\"times\":1}");
    TogetherApiException e =
        assertThrows(
            TogetherApiException.class, () -> client.uploadFile(requests(3, null), "x.jsonl"));
    assertFalse(e.isRetryable());
    assertTrue(e.getMessage().contains("https"), e.getMessage());
    assertEquals(0, count("PUT /_upload/{id}"));
  }

  @Test
  void createIsRetriedOn429AndCreatesOneBatch() throws Exception {
    FileObject in = client.uploadFile(requests(3, null), "c.jsonl");
    EMULATOR
        .emulator()
        .armFault(
            "{\"route\":\"POST /v1/batches\",\"status\":429,\"times\":3,"
                + "\"retryAfterSeconds\":0}");
    BatchJob b = client.createBatch(in.id(), "/v1/chat/completions", null);
    assertEquals(4, count("POST /v1/batches"));
    assertEquals(1, EMULATOR.emulator().state().path("batches").size());
    assertEquals(b.id(), EMULATOR.emulator().state().path("batches").get(0).path("id").asText());
  }

  @Test
  void aCreateWhoseAnswerIsLostIsNotRepeated() throws Exception {
    FileObject in = client.uploadFile(requests(3, null), "lost.jsonl");
    // The server creates the batch but the answer never arrives (slower than the client waits).
    EMULATOR
        .emulator()
        .armFault(
            "{\"route\":\"POST /v1/batches\",\"action\":\"delay\",\"times\":1,"
                + "\"millis\":1500}");
    try (TogetherClient impatient =
        new TogetherClient(
            config(EMULATOR.baseUrl(), "k")
                .requestTimeout(Duration.ofMillis(300))
                .retryPolicy(
                    new RetryPolicy(
                        4,
                        Duration.ofMillis(1500),
                        Duration.ofMillis(1500),
                        Duration.ofSeconds(30),
                        0,
                        Duration.ofSeconds(2)))
                .build())) {
      BatchJob b = impatient.createBatch(in.id(), "/v1/chat/completions", null);
      assertEquals(in.id(), b.inputFileId());
    }
    assertEquals(1, EMULATOR.emulator().state().path("batches").size());
    assertEquals(1, count("POST /v1/batches"));
  }

  @ParameterizedTest
  @ValueSource(ints = {408, 409, 429, 500, 502, 503, 504})
  void transientStatusesAreRetried(int status) {
    EMULATOR
        .emulator()
        .armFault("{\"route\":\"GET /v1/batches\",\"status\":" + status + ",\"times\":2}");
    assertEquals(List.of(), client.listBatches());
    assertEquals(3, count("GET /v1/batches"));
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 402, 403, 404, 422})
  void clientErrorsAreNotRetried(int status) {
    EMULATOR
        .emulator()
        .armFault("{\"route\":\"GET /v1/batches\",\"status\":" + status + ",\"times\":2}");
    TogetherApiException e = assertThrows(TogetherApiException.class, () -> client.listBatches());
    assertEquals(status, e.statusCode());
    assertFalse(e.isRetryable());
    assertEquals(1, count("GET /v1/batches"));
  }

  @Test
  void aChecksumDuplicateConflictIsNotRetried() {
    EMULATOR
        .emulator()
        .armFault(
            "{\"route\":\"GET /v1/files\",\"status\":409,\"times\":2,"
                + "\"body\":\"{\\\"message\\\":\\\"duplicate\\\",\\\"file_id\\\":\\\"file-1\\\"}\","
                + "\"contentType\":\"application/json\"}");
    TogetherApiException e = assertThrows(TogetherApiException.class, () -> client.listFiles());
    assertEquals(409, e.statusCode());
    assertEquals(1, count("GET /v1/files"));
  }

  @Test
  void aCreateAnsweredByAConnectionResetIsNotRepeated() throws Exception {
    FileObject in = client.uploadFile(requests(3, null), "reset-create.jsonl");
    // The emulator creates the batch, then resets the connection mid-answer.
    EMULATOR
        .emulator()
        .armFault("{\"route\":\"POST /v1/batches\",\"action\":\"reset\",\"times\":1}");
    BatchJob b = client.createBatch(in.id(), "/v1/chat/completions", null);
    assertEquals(in.id(), b.inputFileId());
    assertEquals(1, EMULATOR.emulator().state().path("batches").size());
    assertEquals(1, count("POST /v1/batches"));
    assertEquals(b.id(), EMULATOR.emulator().state().path("batches").get(0).path("id").asText());
  }

  @Test
  void givesUpAfterMaxAttemptsAndSaysSo() {
    EMULATOR.emulator().armFault("{\"route\":\"GET /v1/batches\",\"status\":503,\"times\":100}");
    TogetherApiException e = assertThrows(TogetherApiException.class, () -> client.listBatches());
    assertEquals(503, e.statusCode());
    assertTrue(e.isRetryable());
    assertEquals(5, count("GET /v1/batches"));
    assertTrue(e.getMessage().contains("gave up after 5 attempts"), e.getMessage());
  }

  @Test
  void theDeadlineStopsRetriesEvenWithAttemptsLeft() {
    EMULATOR
        .emulator()
        .armFault(
            "{\"route\":\"GET /v1/batches\",\"status\":429,\"times\":100,"
                + "\"retryAfterSeconds\":1}");
    try (TogetherClient c =
        new TogetherClient(
            config(EMULATOR.baseUrl(), "k")
                .retryPolicy(
                    new RetryPolicy(
                        50,
                        Duration.ofMillis(10),
                        Duration.ofMillis(50),
                        Duration.ofMillis(2500),
                        0.25,
                        Duration.ofSeconds(5)))
                .build())) {
      TogetherApiException e = assertThrows(TogetherApiException.class, c::listBatches);
      assertEquals(429, e.statusCode());
    }
    long n = count("GET /v1/batches");
    assertTrue(n >= 2 && n <= 4, "requests within a 2.5 s deadline at 1 s apart: " + n);
  }

  @Test
  void xShouldRetryFalseStopsRetriesAndRetryAfterMsIsHonoured() {
    TogetherEmulator e = EMULATOR.emulator();
    e.armFault(
        "{\"route\":\"GET /v1/batches\",\"status\":503,\"times\":5,"
            + "\"headers\":{\"x-should-retry\":\"false\"}}");
    assertThrows(TogetherApiException.class, () -> client.listBatches());
    assertEquals(1, count("GET /v1/batches"));
    e.clearFaults();
    e.armFault(
        "{\"route\":\"GET /v1/files\",\"status\":400,\"times\":1,"
            + "\"headers\":{\"x-should-retry\":\"true\"}}");
    e.armFault("{\"route\":\"GET /v1/files\",\"status\":429,\"times\":1,\"retryAfterMs\":300}");
    long t0 = System.nanoTime();
    client.listFiles();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(3, count("GET /v1/files"));
    assertTrue(ms >= 300, "retry-after-ms of 300 was honoured, waited " + ms);
  }

  @Test
  void clientErrorsFailFastWithAdvice() {
    TogetherApiException notFound =
        assertThrows(
            TogetherApiException.class,
            () -> client.getBatch("00000000-0000-4000-8000-000000000000"));
    assertEquals(404, notFound.statusCode());
    assertFalse(notFound.isRetryable());
    assertTrue(notFound.getMessage().contains("check the file or batch id"), notFound.getMessage());
    assertEquals(1, count("GET /v1/batches/{id}"));

    TogetherApiException fileNotFound =
        assertThrows(TogetherApiException.class, () -> client.getFile("file-does-not-exist"));
    assertEquals(404, fileNotFound.statusCode());
    assertNotNull(fileNotFound.responseBody());
    assertFalse(client.deleteFile("file-does-not-exist"));
  }

  @Test
  void bothErrorEnvelopesAndPlainTextAreRead() {
    TogetherEmulator e = EMULATOR.emulator();
    e.armFault(
        "{\"route\":\"GET /v1/files\",\"status\":400,\"times\":1,"
            + "\"body\":\"{\\\"error\\\":{\\\"message\\\":\\\"bad purpose\\\",\\\"type\\\":\\\"invalid_request_error\\\",\\\"code\\\":\\\"bad_purpose\\\"}}\","
            + "\"contentType\":\"application/json\"}");
    TogetherApiException a = assertThrows(TogetherApiException.class, () -> client.listFiles());
    assertEquals("bad_purpose", a.errorCode());
    assertTrue(a.getMessage().contains("bad purpose"), a.getMessage());

    e.armFault(
        "{\"route\":\"GET /v1/batches\",\"status\":400,\"times\":1,"
            + "\"body\":\"{\\\"error\\\":\\\"input file is not JSONL\\\"}\",\"contentType\":\"application/json\"}");
    TogetherApiException b = assertThrows(TogetherApiException.class, () -> client.listBatches());
    assertTrue(b.getMessage().contains("input file is not JSONL"), b.getMessage());

    e.armFault(
        "{\"route\":\"GET /v1/batches/{id}\",\"status\":403,\"times\":1,"
            + "\"body\":\"Forbidden by upstream proxy\",\"contentType\":\"text/plain\"}");
    TogetherApiException c =
        assertThrows(TogetherApiException.class, () -> client.getBatch("some-id"));
    assertEquals(403, c.statusCode());
    assertTrue(c.getMessage().contains("Forbidden by upstream proxy"), c.getMessage());
  }

  @Test
  void hugeErrorBodiesAreTruncatedInMessages() {
    EMULATOR
        .emulator()
        .armFault(
            "{\"route\":\"GET /v1/batches\",\"status\":400,\"times\":1,"
                + "\"bodySize\":10485760,\"contentType\":\"text/plain\"}");
    TogetherApiException e = assertThrows(TogetherApiException.class, () -> client.listBatches());
    assertTrue(e.getMessage().length() < 2000, "message length " + e.getMessage().length());
    assertTrue(e.responseBody().length() < 4000, "body length " + e.responseBody().length());
  }

  @Test
  void aWrongKeyFailsFastAndTheKeyIsNeverShown() {
    try (TogetherEmulator locked =
            TogetherEmulator.start(EmulatorOptions.builder().apiKey("the-right-key").build());
        TogetherClient wrong =
            new TogetherClient(config(locked.baseUrl(), "the-wrong-key-s3cr3t").build())) {
      TogetherApiException e = assertThrows(TogetherApiException.class, wrong::listBatches);
      assertEquals(401, e.statusCode());
      assertFalse(e.isRetryable());
      assertTrue(e.getMessage().contains("TOGETHER_API_KEY"), e.getMessage());
      assertFalse(String.valueOf(e.getMessage()).contains("the-wrong-key-s3cr3t"));
      assertFalse(String.valueOf(e.responseBody()).contains("the-wrong-key-s3cr3t"));
      assertEquals(1, locked.requestCount("GET /v1/batches"));
      assertFalse(wrong.toString().contains("the-wrong-key-s3cr3t"));
      assertFalse(wrong.config().toString().contains("the-wrong-key-s3cr3t"));
    }
  }

  @Test
  void aServerEchoingTheKeyHasItRedacted() {
    EMULATOR
        .emulator()
        .armFault(
            "{\"route\":\"GET /v1/batches\",\"status\":401,\"times\":1,"
                + "\"body\":\"invalid key "
                + EmulatorExtension.TEST_API_KEY
                + "\",\"contentType\":\"text/plain\"}");
    TogetherApiException e = assertThrows(TogetherApiException.class, () -> client.listBatches());
    assertFalse(e.getMessage().contains(EmulatorExtension.TEST_API_KEY), e.getMessage());
    assertFalse(e.responseBody().contains(EmulatorExtension.TEST_API_KEY));
  }

  @Test
  void responsesThatAreNotJsonFailClearly() {
    EMULATOR
        .emulator()
        .armFault(
            "{\"route\":\"GET /v1/batches\",\"status\":200,\"times\":1,"
                + "\"body\":\"<html>maintenance</html>\",\"contentType\":\"text/html\"}");
    TogetherApiException e = assertThrows(TogetherApiException.class, () -> client.listBatches());
    assertTrue(e.getMessage().contains("not JSON"), e.getMessage());
  }

  @Test
  void anEmptyBatchListMayBeALiteralNull() {
    try (TogetherEmulator e =
            TogetherEmulator.start(EmulatorOptions.builder().nullEmptyBatchList(true).build());
        TogetherClient c = new TogetherClient(config(e.baseUrl(), "k").build())) {
      assertEquals(List.of(), c.listBatches());
    }
  }

  @Test
  void downloadsResumeAfterTruncationAndResets() throws Exception {
    Path f = requests(20_000, null);
    FileObject file = client.uploadFile(f, "big.jsonl");
    TogetherEmulator e = EMULATOR.emulator();
    e.armFault("{\"route\":\"GET /v1/files/{id}/content\",\"action\":\"truncate\",\"times\":2}");
    e.armFault(
        "{\"route\":\"GET /v1/files/{id}/content\",\"action\":\"reset\",\"times\":1,\"afterBytes\":5000}");
    byte[] got = readAll(client.openFileContent(file.id()));
    assertArrayEquals(Files.readAllBytes(f), got);
    assertTrue(client.stats().downloadResumes() >= 2, client.stats().toString());
    assertTrue(count("GET /v1/files/{id}/content") >= 3);
  }

  @Test
  void aSlowServerTimesOutAndIsRetried() {
    EMULATOR
        .emulator()
        .armFault(
            "{\"route\":\"GET /v1/batches\",\"action\":\"delay\",\"times\":1,"
                + "\"millis\":1500}");
    try (TogetherClient c =
        new TogetherClient(
            config(EMULATOR.baseUrl(), "k").requestTimeout(Duration.ofMillis(400)).build())) {
      assertEquals(List.of(), c.listBatches());
      assertEquals(1, c.stats().retries());
    }
  }

  @Test
  void cancelReturnsCanceling() throws Exception {
    TogetherEmulator e = EMULATOR.emulator();
    e.setRequestsPerSecond(5);
    try {
      FileObject in = client.uploadFile(requests(50, null), "slow.jsonl");
      BatchJob b = client.createBatch(in.id(), "/v1/chat/completions", null);
      BatchJob c = client.cancelBatch(b.id());
      assertTrue(
          c.status() == BatchStatus.CANCELING || c.status() == BatchStatus.CANCELLED,
          c.rawStatus());
      assertSame(BatchStatus.CANCELLED, waitTerminal(b.id()).status());
    } finally {
      e.setRequestsPerSecond(0);
    }
  }

  @Test
  void userAgentNamesTheConnectorAndJava() {
    assertTrue(client.userAgent().startsWith("spark-together-batch/"), client.userAgent());
    assertTrue(client.userAgent().contains("Java " + System.getProperty("java.version")));
  }

  @Test
  void idsAreCheckedBeforeAnyRequest() {
    assertThrows(TogetherApiException.class, () -> client.getFile("../../etc/passwd"));
    assertThrows(TogetherApiException.class, () -> client.getBatch("a/b"));
    assertEquals(0, count("GET /v1/files/{id}") + count("GET /v1/batches/{id}"));
  }

  static byte[] sink(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toByteArray();
  }

  @Test
  void failedBatchCarriesItsError() throws Exception {
    Path bad = tmp.resolve("bad.jsonl");
    Files.writeString(
        bad, "{\"custom_id\":\"a\",\"body\":{}}\n{\"custom_id\":\"a\",\"body\":{}}\n");
    FileObject in = client.uploadFile(bad, "dup.jsonl");
    BatchJob done =
        waitTerminal(client.createBatch(in.id(), "/v1/chat/completions", "emulator/echo").id());
    assertSame(BatchStatus.FAILED, done.status());
    assertNotNull(done.error());
    assertNull(done.outputFileId());
  }
}
