package io.github.sparktogetherbatch.faults;

import static io.github.sparktogetherbatch.faults.FaultSupport.assertEveryRowOnceSucceeded;
import static io.github.sparktogetherbatch.faults.FaultSupport.assertJobExactlyOnce;
import static io.github.sparktogetherbatch.faults.FaultSupport.count;
import static io.github.sparktogetherbatch.faults.FaultSupport.input;
import static io.github.sparktogetherbatch.faults.FaultSupport.reader;
import static io.github.sparktogetherbatch.faults.FaultSupport.requestCounts;
import static io.github.sparktogetherbatch.faults.FaultSupport.writer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP faults on every route a write and a read use, end to end: 5,000 rows written in two
 * partitions as four batches (2,000 + 500 requests per partition), then read back. Each test
 * asserts that every row comes back exactly once with the model's answer, that the emulator holds
 * each batch and each request once, that no uploaded file is left without a batch, and that every
 * armed fault was actually hit.
 */
class FaultMatrixTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  static final int N = 5_000;

  /** Each task uploads 2,000 requests; the driver packs the two 500-request tails into one. */
  static final int FILES = 3;

  /** The routes a write followed by a read calls, in the order they are first called. */
  static final List<String> WRITE_READ_ROUTES =
      List.of(
          "POST /v1/files",
          "PUT /_upload/{id}",
          "POST /v1/files/{id}/preprocess",
          "GET /v1/files",
          "POST /v1/batches",
          "GET /v1/batches/{id}",
          "GET /v1/files/{id}/content");

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  /**
   * Writes and reads the job; returns the emulator's request counts of the two (not the checks').
   */
  private Map<String, Long> writeAndReadBack(String name, String... options) {
    String path = tmp.resolve(name).toString();
    var w = writer(input(spark, N, 2), EMU).option("maxRequestsPerBatch", "2000");
    for (int i = 0; i < options.length; i += 2) {
      w = w.option(options[i], options[i + 1]);
    }
    w.save(path);
    var r = reader(spark, EMU);
    for (int i = 0; i < options.length; i += 2) {
      if (!options[i].equals("maxRequestsPerBatch")) {
        r = r.option(options[i], options[i + 1]);
      }
    }
    List<Row> rows = r.load(path).collectAsList();
    Map<String, Long> counts = requestCounts(EMU);
    assertEveryRowOnceSucceeded(rows, N);
    assertJobExactlyOnce(EMU, spark, path, N);
    assertEquals(FILES, FaultSupport.manifest(spark, path).batches().size());
    return counts;
  }

  private void assertEveryFaultWasUsed() {
    assertEquals(
        0,
        EMU.emulator().state().path("faults").size(),
        "faults never hit: " + EMU.emulator().state().path("faults"));
  }

  /** The requests of one clean write + read of the job, per route. */
  private static void assertCounts(Map<String, Long> c, int extraPerRoute, int extraLists) {
    assertEquals(FILES + extraPerRoute, count(c, "POST /v1/files"), c.toString());
    assertEquals(FILES + extraPerRoute, count(c, "PUT /_upload/{id}"), c.toString());
    assertEquals(FILES + extraPerRoute, count(c, "POST /v1/files/{id}/preprocess"), c.toString());
    assertEquals(FILES + extraPerRoute, count(c, "POST /v1/batches"), c.toString());
    assertEquals(1 + extraPerRoute, count(c, "GET /v1/files"), c.toString());
    assertEquals(extraLists, count(c, "GET /v1/batches"), c.toString());
    // output and error file of each batch (the custom_ids come from the records at the job path)
    assertEquals(2 * FILES + extraPerRoute, count(c, "GET /v1/files/{id}/content"), c.toString());
    assertTrue(count(c, "GET /v1/batches/{id}") >= FILES + extraPerRoute, c.toString());
    assertEquals(0, count(c, "DELETE /v1/files/{id}"), "nothing needed deleting: " + c);
  }

  @Test
  void rateLimitStormsWithRetryAfterOnEveryRoute() {
    // Per route: a 429 with Retry-After: 1 (seconds), then two with Together's retry-after-ms.
    List<String> faults = new ArrayList<>();
    for (String route : WRITE_READ_ROUTES) {
      faults.add("{\"route\":\"" + route + "\",\"status\":429,\"retryAfterSeconds\":1}");
      faults.add("{\"route\":\"" + route + "\",\"status\":429,\"times\":2,\"retryAfterMs\":100}");
    }
    EMU.emulator().armFault("[" + String.join(",", faults) + "]");
    long t0 = System.nanoTime();
    Map<String, Long> c = writeAndReadBack("storm");
    long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
    assertEveryFaultWasUsed();
    assertCounts(c, 3, 0);
    // The driver's routes (create, list files, poll) run one after another: each waited 1 s.
    assertTrue(seconds >= 3, "Retry-After was not honoured: the job took " + seconds + " s");
  }

  @Test
  void serverErrorBurstsOnEveryRoute() {
    // Per route: 500, then 502 and 503 (the last two with retry-after-ms, as Together sends it).
    List<String> faults = new ArrayList<>();
    for (String route : WRITE_READ_ROUTES) {
      faults.add("{\"route\":\"" + route + "\",\"status\":500}");
      faults.add("{\"route\":\"" + route + "\",\"status\":502,\"retryAfterMs\":100}");
      faults.add("{\"route\":\"" + route + "\",\"status\":503,\"retryAfterMs\":100}");
    }
    EMU.emulator().armFault("[" + String.join(",", faults) + "]");
    Map<String, Long> c = writeAndReadBack("bursts");
    assertEveryFaultWasUsed();
    // A 5xx on create is ambiguous: before each retry the client lists batches to find one made
    // over the same input file (none here, the faults answered without processing).
    assertCounts(c, 3, 3);
  }

  @Test
  void connectionResetsMidUploadAndMidDownload() {
    String put = "{\"route\":\"PUT /_upload/{id}\",\"action\":\"reset\"";
    String get = "{\"route\":\"GET /v1/files/{id}/content\"";
    EMU.emulator()
        .armFault(
            "["
                + String.join(
                    ",",
                    put + ",\"times\":2}", // half the body read, then RST
                    put + ",\"afterBytes\":0}", // RST before any byte of the body
                    get + ",\"action\":\"reset\",\"afterBytes\":50000}", // RST 50 KB into a
                    // download
                    get + ",\"action\":\"truncate\"}", // half the file, then a clean close
                    get + ",\"action\":\"reset\"}")
                + "]"); // RST half-way
    Map<String, Long> c = writeAndReadBack("resets");
    assertEveryFaultWasUsed();
    assertEquals(FILES + 3, count(c, "PUT /_upload/{id}"), "each reset PUT sent again: " + c);
    assertEquals(FILES, count(c, "POST /v1/files"), "a reset PUT needs no new upload URL: " + c);
    assertEquals(2 * FILES + 3, count(c, "GET /v1/files/{id}/content"), "one resume each: " + c);
  }

  @Test
  void slowServerBeyondTheRequestTimeout() {
    // requestTimeout=1s; each route below answers once after 2.5 s. "response": the server acted
    // at once and only the answer is late (so a create did create its batch, an upload URL was
    // issued); "request": the server does nothing until the delay is over.
    String[] faults = {
      "{\"route\":\"POST /v1/files\",\"action\":\"delay\",\"millis\":2500,\"phase\":\"response\"}",
      "{\"route\":\"PUT /_upload/{id}\",\"action\":\"delay\",\"millis\":2500,\"phase\":\"response\"}",
      "{\"route\":\"POST /v1/files/{id}/preprocess\",\"action\":\"delay\",\"millis\":2500}",
      "{\"route\":\"POST /v1/batches\",\"action\":\"delay\",\"millis\":2500,\"phase\":\"response\"}",
      "{\"route\":\"GET /v1/batches/{id}\",\"action\":\"delay\",\"millis\":2500}",
      "{\"route\":\"GET /v1/files/{id}/content\",\"action\":\"delay\",\"millis\":2500}",
    };
    EMU.emulator().armFault("[" + String.join(",", faults) + "]");
    Map<String, Long> c = writeAndReadBack("slow", "requestTimeout", "1s");
    assertEveryFaultWasUsed();
    // The late create made its batch; the client found it over the same input file instead of
    // sending the create again.
    assertEquals(FILES, count(c, "POST /v1/batches"), c.toString());
    assertEquals(1, count(c, "GET /v1/batches"), c.toString());
    // The upload URL that came too late belongs to a file record nobody uploaded to: the
    // driver's sweep of this write's files deleted it.
    assertEquals(FILES + 1, count(c, "POST /v1/files"), c.toString());
    assertEquals(1, count(c, "DELETE /v1/files/{id}"), c.toString());
  }

  @Test
  void signedUploadUrlRefusedOnceRestartsFromPostFiles() {
    // An expired signed URL (403 from storage): the upload starts again from POST /files, and
    // the abandoned file id is deleted (through a rate-limit storm on DELETE).
    EMU.emulator()
        .armFault(
            "[{\"route\":\"PUT /_upload/{id}\",\"status\":403},"
                + "{\"route\":\"DELETE /v1/files/{id}\",\"status\":429,\"times\":2,\"retryAfterMs\":100}]");
    Map<String, Long> c = writeAndReadBack("expired-url");
    assertEveryFaultWasUsed();
    assertEquals(FILES + 1, count(c, "POST /v1/files"), c.toString());
    assertEquals(FILES + 1, count(c, "PUT /_upload/{id}"), c.toString());
    assertEquals(1 + 2, count(c, "DELETE /v1/files/{id}"), c.toString());
  }

  @Test
  void createAnsweredByAResetIsFoundNotRepeated() {
    // The server creates the batch, then the connection is reset before the answer: ambiguous.
    // The client lists batches (through a storm of 429s on the list) and finds it.
    EMU.emulator()
        .armFault(
            "[{\"route\":\"POST /v1/batches\",\"action\":\"reset\"},"
                + "{\"route\":\"GET /v1/batches\",\"status\":429,\"times\":3,\"retryAfterMs\":100}]");
    Map<String, Long> c = writeAndReadBack("create-reset");
    assertEveryFaultWasUsed();
    assertEquals(FILES, count(c, "POST /v1/batches"), "no create was repeated: " + c);
    assertEquals(1 + 3, count(c, "GET /v1/batches"), c.toString());
  }
}
