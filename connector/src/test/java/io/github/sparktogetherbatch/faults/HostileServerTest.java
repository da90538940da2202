package io.github.sparktogetherbatch.faults;

import static io.github.sparktogetherbatch.faults.FaultSupport.JSON;
import static io.github.sparktogetherbatch.faults.FaultSupport.assertEveryRowOnceSucceeded;
import static io.github.sparktogetherbatch.faults.FaultSupport.assertJobExactlyOnce;
import static io.github.sparktogetherbatch.faults.FaultSupport.byId;
import static io.github.sparktogetherbatch.faults.FaultSupport.causeOf;
import static io.github.sparktogetherbatch.faults.FaultSupport.input;
import static io.github.sparktogetherbatch.faults.FaultSupport.manifest;
import static io.github.sparktogetherbatch.faults.FaultSupport.messages;
import static io.github.sparktogetherbatch.faults.FaultSupport.reader;
import static io.github.sparktogetherbatch.faults.FaultSupport.writer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparktogetherbatch.client.BatchJob;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.exceptions.TogetherApiException;
import io.github.sparktogetherbatch.exceptions.TogetherJobException;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A server that answers wrongly or maliciously: bodies that are not JSON, 10 MB error bodies,
 * upload URLs pointing elsewhere, ids built to traverse paths, a list of 10,000 batches, result
 * lines full of fields nobody asked for. Each either fails with a short, clear message and leaves
 * nothing behind, or is read correctly.
 */
class HostileServerTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  private String path(String name) {
    return tmp.resolve(name).toString();
  }

  /** After a failed write: no input file, no batch, no manifest. */
  private void nothingLeft(String path) {
    JsonNode state = EMU.emulator().state();
    for (JsonNode f : state.path("files")) {
      assertFalse("batch-api".equals(f.path("purpose").asText()), "input file left: " + f);
    }
    assertEquals(0, state.path("batches").size(), "a batch was created");
    assertFalse(
        io.github.sparktogetherbatch.manifest.JobManifest.read(
                path, io.github.sparktogetherbatch.manifest.HadoopConfs.forSession(spark))
            .isPresent());
  }

  // ---------------------------------------------------------------------------------------------
  // Bodies that are not JSON

  @Test
  void anHtmlPageWhereJsonWasExpectedFailsTheWriteClearlyAndLeavesNothing() {
    String path = path("html-write");
    EMU.emulator()
        .armFault(
            "{\"route\":\"POST /v1/files/{id}/preprocess\",\"status\":200,"
                + "\"contentType\":\"text/html\",\"times\":-1,"
                + "\"body\":\"<html><body><h1>Welcome to nginx!</h1></body></html>\"}");
    Throwable t = assertThrows(Throwable.class, () -> writer(input(spark, 200, 2), EMU).save(path));
    TogetherApiException e = causeOf(t, TogetherApiException.class);
    assertTrue(e.getMessage().contains("not JSON"), e.getMessage());
    assertTrue(e.getMessage().contains("'baseUrl'"), e.getMessage());
    assertFalse(e.isRetryable());
    nothingLeft(path);
  }

  @Test
  void anHtmlPageWhereABatchWasExpectedFailsTheReadNamingTheBatch() {
    String path = path("html-read");
    writer(input(spark, 100, 1), EMU).save(path);
    String batch = manifest(spark, path).batchIds().get(0);
    EMU.emulator()
        .armFault(
            "{\"route\":\"GET /v1/batches/{id}\",\"status\":200,\"times\":-1,"
                + "\"contentType\":\"text/html\",\"body\":\"<!DOCTYPE html><title>Login</title>\"}");
    Throwable t =
        assertThrows(Throwable.class, () -> reader(spark, EMU).load(path).collectAsList());
    TogetherJobException e = causeOf(t, TogetherJobException.class);
    assertEquals(List.of(batch), e.batchIds());
    assertTrue(
        e.getMessage().contains(batch) && e.getMessage().contains("not JSON"), e.getMessage());
  }

  // ---------------------------------------------------------------------------------------------
  // Huge error bodies

  @Test
  void tenMegabyteErrorBodiesAreRetriedOrTruncatedInMessages() {
    String path = path("huge");
    // retryable: two 10 MB 503 pages on the upload, then it passes
    EMU.emulator()
        .armFault(
            "{\"route\":\"POST /v1/files\",\"status\":503,\"times\":2,"
                + "\"retryAfterMs\":50,\"bodySize\":10485760}");
    // not retryable: a 10 MB 400 on the first create
    EMU.emulator()
        .armFault("{\"route\":\"POST /v1/batches\",\"status\":400,\"bodySize\":10485760}");
    long t0 = System.nanoTime();
    Throwable t = assertThrows(Throwable.class, () -> writer(input(spark, 300, 1), EMU).save(path));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    TogetherJobException e = causeOf(t, TogetherJobException.class);
    TogetherApiException api = causeOf(t, TogetherApiException.class);
    assertEquals(400, api.statusCode());
    String all = messages(t);
    assertTrue(all.length() < 20_000, "message of " + all.length() + " characters");
    assertTrue(api.getMessage().contains("more characters"), api.getMessage());
    assertTrue(api.responseBody().length() < 2_200, "body kept: " + api.responseBody().length());
    assertTrue(e.getMessage().contains("append"), "says how to finish the job: " + e.getMessage());
    assertTrue(ms < 60_000, "took " + ms + " ms");
    assertEquals(0, EMU.emulator().state().path("faults").size());
    // The job is resumable: the upload survived the 503 pages, the create failed cleanly.
    JobManifest m = manifest(spark, path);
    assertEquals(1, m.pendingFiles().size());
    writer(input(spark, 0, 1), EMU).mode("append").save(path);
    assertEveryRowOnceSucceeded(reader(spark, EMU).load(path).collectAsList(), 300);
    assertJobExactlyOnce(EMU, spark, path, 300);
  }

  // ---------------------------------------------------------------------------------------------
  // Upload Location elsewhere

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://example.com/upload/x?X-Amz-Signature=abc",
        "http://10.0.0.7:9000/bucket/key",
        "//example.com/upload/x",
        "http://127.0.0.1.nip.io/upload",
        "ftp://127.0.0.1/upload",
        "file:///etc/passwd",
        "not a url at all"
      })
  void anUploadLocationOffTheLoopbackOverPlainHttpIsRefused(String location) throws Exception {
    String path = path("location");
    EMU.emulator()
        .armFault(
            "{\"route\":\"POST /v1/files\",\"action\":\"location\",\"times\":-1,"
                + "\"location\":"
                + JSON.valueToTree(location)
                + "}");
    Throwable t = assertThrows(Throwable.class, () -> writer(input(spark, 50, 1), EMU).save(path));
    TogetherApiException e = causeOf(t, TogetherApiException.class);
    assertTrue(e.getMessage().contains("upload Location"), e.getMessage());
    assertFalse(e.isRetryable());
    assertEquals(0, EMU.emulator().requestCount("PUT /_upload/{id}"), "the file went nowhere");
    assertTrue(
        EMU.emulator().requestCount("DELETE /v1/files/{id}") >= 1,
        "the file id it was given is deleted");
    nothingLeft(path);

    // The client itself deletes the file record it was given (no Spark job sweeping after it).
    Path file = tmp.resolve("one.jsonl");
    java.nio.file.Files.writeString(file, "{\"custom_id\":\"a\",\"body\":{}}\n");
    try (TogetherClient c = FaultSupport.client(EMU)) {
      assertThrows(TogetherApiException.class, () -> c.uploadFile(file, "one.jsonl"));
    }
    assertEquals(0, EMU.emulator().state().path("files").size(), "file record left behind");
  }

  // ---------------------------------------------------------------------------------------------
  // Ids that would traverse paths

  @Test
  void aFileIdWithSlashesOrDotsIsNeverUsedInAUrl() {
    String path = path("traversal-upload");
    String location = EMU.baseUrl().replace("/v1", "") + "/_upload/anything";
    EMU.emulator()
        .armFault(
            "{\"route\":\"POST /v1/files\",\"status\":302,\"times\":-1,"
                + "\"headers\":{\"Location\":\""
                + location
                + "\","
                + "\"X-Together-File-Id\":\"../../_emulator/reset\"}}");
    Throwable t = assertThrows(Throwable.class, () -> writer(input(spark, 50, 1), EMU).save(path));
    TogetherApiException e = causeOf(t, TogetherApiException.class);
    assertTrue(e.getMessage().contains("unsafe file id"), e.getMessage());
    assertEquals(0, EMU.emulator().requestCount("PUT /_upload/{id}"));
    assertEquals(1, EMU.emulator().state().path("faults").size(), "the emulator was not reset");
  }

  @Test
  void resultFileIdsAndBatchIdsThatTraverseAreRefusedBeforeAnyRequest() {
    String path = path("traversal-read");
    writer(input(spark, 60, 1), EMU).save(path);
    String batch = manifest(spark, path).batchIds().get(0);
    JsonNode real;
    try (TogetherClient c = FaultSupport.client(EMU)) {
      BatchJob done = c.getBatch(batch);
      while (!done.isTerminal()) {
        FaultSupport.sleep(20);
        done = c.getBatch(batch);
      }
      real =
          JSON.valueToTree(
              Map.of(
                  "id",
                  batch,
                  "status",
                  "COMPLETED",
                  "input_file_id",
                  done.inputFileId(),
                  "output_file_id",
                  "file-x/../../../_emulator/reset",
                  "error_file_id",
                  "..",
                  "endpoint",
                  "/v1/chat/completions",
                  "progress",
                  100.0));
    }
    long contentBefore = EMU.emulator().requestCount("GET /v1/files/{id}/content");
    EMU.emulator()
        .armFault(
            "{\"route\":\"GET /v1/batches/{id}\",\"status\":200,\"times\":-1,"
                + "\"body\":"
                + JSON.valueToTree(real.toString())
                + "}");
    Throwable t =
        assertThrows(Throwable.class, () -> reader(spark, EMU).load(path).collectAsList());
    assertTrue(messages(t).contains("unsafe file id"), messages(t));
    EMU.emulator().clearFaults();

    // A batch id given by the user (or a tampered manifest) is checked the same way.
    for (String bad : List.of("../files", "a/b", "x%2F..", "..")) {
      Throwable u =
          assertThrows(
              Throwable.class,
              () -> reader(spark, EMU).option("batchId", bad).load().collectAsList());
      assertTrue(messages(u).contains("unsafe batch id"), messages(u));
    }
    assertEquals(
        contentBefore,
        EMU.emulator().requestCount("GET /v1/files/{id}/content"),
        "nothing was downloaded (the custom_ids come from the job's record at its path)");
    assertEquals(
        3,
        EMU.emulator().state().path("files").size(),
        "input, output and error file intact: the emulator was never reset");
  }

  // ---------------------------------------------------------------------------------------------
  // A list of 10,000 batches

  @Test
  void aResumeFindsItsBatchInAListOfTenThousand() throws Exception {
    String path = path("list");
    // The second create is carried out but its answer is lost, and the look-up that follows is
    // refused: the write stops with batch 2 at Together but not in the manifest.
    EMU.emulator()
        .armFault(
            "[{\"route\":\"POST /v1/batches\",\"action\":\"delay\",\"millis\":1},"
                + "{\"route\":\"POST /v1/batches\",\"action\":\"reset\"},"
                + "{\"route\":\"GET /v1/batches\",\"status\":400}]");
    assertThrows(
        Throwable.class,
        () -> writer(input(spark, 4_000, 1), EMU).option("maxRequestsPerBatch", "2000").save(path));
    JobManifest m = manifest(spark, path);
    assertEquals(1, m.batches().size());
    assertEquals(1, m.pendingFiles().size());
    String pendingFile = m.pendingFiles().get(0).inputFileId();
    List<JsonNode> atTogether = FaultSupport.batches(EMU);
    assertEquals(2, atTogether.size());

    // Together lists 10,000 other batches around it (newest first, as the API does).
    ArrayNode list = JSON.createArrayNode();
    String real;
    try (TogetherClient c = FaultSupport.client(EMU)) {
      BatchJob b = c.findBatchForInputFile(pendingFile);
      assertNotNull(b);
      real = b.id();
    }
    JsonNode realJson = null;
    for (JsonNode b : JSON.readTree(rawList())) {
      if (b.path("id").asText().equals(real)) {
        realJson = b;
      }
    }
    assertNotNull(realJson);
    for (int i = 0; i < 10_000; i++) {
      if (i == 7_777) {
        list.add(realJson);
      }
      ObjectNode o = list.addObject();
      o.put("id", UUID.randomUUID().toString());
      o.put("user_id", "user_other");
      o.put("input_file_id", "file-" + UUID.randomUUID());
      o.put("status", i % 3 == 0 ? "COMPLETED" : "IN_PROGRESS");
      o.put("endpoint", "/v1/chat/completions");
      o.put("progress", i % 100);
      o.put("created_at", "2026-11-22T02:00:00.123456Z");
      o.putNull("output_file_id");
      o.put("some_future_field", i);
    }
    EMU.emulator()
        .armFault(
            "{\"route\":\"GET /v1/batches\",\"status\":200,\"body\":"
                + JSON.valueToTree(list.toString())
                + "}");
    long creates = EMU.emulator().requestCount("POST /v1/batches");

    writer(input(spark, 0, 1), EMU).mode("append").save(path);
    assertEquals(
        creates, EMU.emulator().requestCount("POST /v1/batches"), "no create: it was found");
    assertEquals(0, EMU.emulator().state().path("faults").size(), "the long list was served");
    assertTrue(manifest(spark, path).batchIds().contains(real));
    assertEveryRowOnceSucceeded(reader(spark, EMU).load(path).collectAsList(), 4_000);
    assertJobExactlyOnce(EMU, spark, path, 4_000);
  }

  private static String rawList() throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    return http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(EMU.baseUrl() + "/batches"))
                .header("Authorization", "Bearer " + FaultSupport.KEY)
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString())
        .body();
  }

  // ---------------------------------------------------------------------------------------------
  // Output lines with unknown fields

  @Test
  void outputLinesFullOfUnknownFieldsAreReadAndStrangersAreNotReturned() throws Exception {
    String path = path("unknown-fields");
    int n = 500;
    writer(input(spark, n, 1), EMU).save(path);
    String batch = manifest(spark, path).batchIds().get(0);
    String outputFile;
    List<String> lines = new ArrayList<>();
    try (TogetherClient c = FaultSupport.client(EMU)) {
      BatchJob b = c.getBatch(batch);
      while (!b.isTerminal()) {
        FaultSupport.sleep(20);
        b = c.getBatch(batch);
      }
      outputFile = b.outputFileId();
      try (java.io.BufferedReader r =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(
                  c.openFileContent(outputFile), java.nio.charset.StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
        }
      }
    }
    assertEquals(n, lines.size());
    // Every level gets fields no client knows; plus a result for a request never submitted and a
    // second result for one that was.
    StringBuilder doctored = new StringBuilder();
    for (String l : lines) {
      ObjectNode o = (ObjectNode) JSON.readTree(l);
      o.putObject("x_top").put("nested", true).putArray("list").add(1).add("two");
      ObjectNode resp = (ObjectNode) o.path("response");
      resp.put("x_latency_ms", 123);
      ObjectNode body = (ObjectNode) resp.path("body");
      body.putArray("x_citations").addObject().put("url", "https://example.com");
      ObjectNode choice = (ObjectNode) body.path("choices").get(0);
      choice.put("x_score", 0.5);
      ((ObjectNode) choice.path("message"))
          .put("reasoning", "thinking...")
          .putObject("x_audio")
          .putNull("data");
      ((ObjectNode) body.path("usage")).put("cached_tokens", 7).putObject("x_details").put("a", 1);
      doctored.append(o).append('\n');
    }
    ObjectNode stranger = (ObjectNode) JSON.readTree(lines.get(0));
    stranger.put("custom_id", "never-submitted");
    doctored.append(stranger).append('\n');
    doctored.append(lines.get(1)).append('\n');
    // The reader takes the custom_ids from the job's record, then reads the output file (this
    // one), then the errors.
    EMU.emulator()
        .armFault(
            "[{\"route\":\"GET /v1/files/{id}/content\",\"status\":200,"
                + "\"contentType\":\"application/octet-stream\",\"body\":"
                + JSON.valueToTree(doctored.toString())
                + "}]");
    List<Row> rows = reader(spark, EMU).load(path).collectAsList();
    assertEquals(0, EMU.emulator().state().path("faults").size());
    assertEveryRowOnceSucceeded(rows, n);
    assertFalse(byId(rows).containsKey("never-submitted"));
    for (Row r : rows) {
      assertTrue(((String) r.getAs("response")).contains("x_citations"), "raw response kept");
    }
    assertJobExactlyOnce(EMU, spark, path, n);
  }
}
