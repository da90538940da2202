package io.github.sparktogetherbatch.write;

import static io.github.sparktogetherbatch.testing.WriteTestSupport.inputFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.codec.InputMapping;
import io.github.sparktogetherbatch.config.WriteConfig;
import io.github.sparktogetherbatch.exceptions.TogetherApiException;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import io.github.sparktogetherbatch.testing.WriteFixtures;
import io.github.sparktogetherbatch.testing.WriteTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task uploads its staged files {@code uploadsPerTask} at a time when it commits: reported in the
 * order they were staged, and an abort while some are still in flight deletes them all.
 */
class ConcurrentUploadsTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  private static final long PUT_DELAY_MS = 500;

  @TempDir Path tmp;

  private WriteConfig config(String uploadsPerTask) {
    return WriteFixtures.config(
        "model",
        WriteTestSupport.MODEL,
        "baseUrl",
        EMU.baseUrl(),
        "apiKey",
        EmulatorExtension.TEST_API_KEY,
        "path",
        tmp.resolve("job").toString(),
        "stagingDir",
        tmp.resolve("staging").toString(),
        "maxRequestsPerBatch",
        "2",
        "minRequestsPerBatch",
        "0",
        "uploadsPerTask",
        uploadsPerTask);
  }

  /** One task's writer of a write under way, with {@code rows} rows written: rows/2 files. */
  private static DataWriter<InternalRow> taskWithRows(WriteConfig config, int rows)
      throws Exception {
    SparkTestSession.get(); // the driver reads the session's Hadoop configuration
    InputMapping mapping = InputMapping.resolve(StructType.fromDDL("prompt STRING"), config);
    TogetherBatchWrite write =
        new TogetherBatchWrite(config, mapping, "w1", false, new AtomicLong(), new AtomicLong());
    DataWriter<InternalRow> task = write.createBatchWriterFactory(() -> 1).createWriter(0, 0);
    for (int i = 0; i < rows; i++) {
      task.write(WriteFixtures.row("question " + i));
    }
    return task;
  }

  @Test
  void filesUploadAtOnceAndAreReportedInTheOrderTheyWereStaged() throws Exception {
    int files = 6;
    // Every signed PUT takes at least PUT_DELAY_MS: one after the other, six take 3 s or more.
    EMU.emulator()
        .armFault(
            "{\"route\":\"PUT /_upload/{id}\",\"action\":\"delay\",\"millis\":"
                + PUT_DELAY_MS
                + ",\"times\":-1}");
    DataWriter<InternalRow> task = taskWithRows(config("3"), 2 * files);
    TogetherWriterCommitMessage msg;
    long took;
    try {
      long start = System.nanoTime();
      msg = (TogetherWriterCommitMessage) task.commit();
      took = (System.nanoTime() - start) / 1_000_000;
    } finally {
      task.close();
    }
    assertTrue(
        took < files * PUT_DELAY_MS,
        "six delayed uploads took " + took + " ms: not more than one at a time");
    assertEquals(files, msg.files().size());
    assertEquals(files, EMU.emulator().requestCount("POST /v1/files"));
    try (TogetherClient client = WriteTestSupport.client(EMU)) {
      for (int f = 0; f < files; f++) {
        List<String> lines =
            WriteTestSupport.lines(client, msg.files().get(f).fileId()).stream()
                .map(Object::toString)
                .toList();
        assertEquals(2, lines.size(), "file " + f);
        assertTrue(lines.get(0).contains("\"question " + (2 * f) + "\""), lines.get(0));
        assertTrue(lines.get(1).contains("\"question " + (2 * f + 1) + "\""), lines.get(1));
      }
    }
  }

  @Test
  void anAbortWithUploadsInFlightDeletesEveryFileTheTaskUploaded() throws Exception {
    int files = 6;
    // The first upload to finish is refused at preprocess (a permanent 400) while the others are
    // still in their slow PUTs: the commit fails with uploads in flight.
    EMU.emulator()
        .armFault(
            "{\"route\":\"PUT /_upload/{id}\",\"action\":\"delay\",\"phase\":\"response\","
                + "\"millis\":"
                + PUT_DELAY_MS
                + ",\"times\":-1}");
    EMU.emulator().armFault("{\"route\":\"POST /v1/files/{id}/preprocess\",\"status\":400}");
    DataWriter<InternalRow> task = taskWithRows(config("3"), 2 * files);
    try {
      TogetherApiException e = assertThrows(TogetherApiException.class, task::commit);
      assertEquals(400, e.statusCode());
      task.abort(); // as Spark does when commit throws
    } finally {
      task.close();
    }
    long started = EMU.emulator().requestCount("POST /v1/files");
    assertTrue(started >= 3, "uploads started at once: " + started);
    assertTrue(started < files, "no new upload starts after one failed: " + started);
    assertEquals(0, inputFiles(EMU).size(), "files left in the account: " + inputFiles(EMU));
    // The driver's marker of the write under way stays (its own abort deletes it); nothing else.
    try (Stream<Path> left = Files.walk(tmp)) {
      List<Path> regular =
          left.filter(Files::isRegularFile)
              .filter(p -> !p.getParent().endsWith(Path.of("_stb_temporary", "w1")))
              .toList();
      assertEquals(List.of(), regular, "records and staging left behind");
    }
  }

  @Test
  void uploadsPerTaskIsCheckedOnTheDriver() {
    assertEquals(1, config("1").uploadsPerTask());
    assertEquals(2, WriteFixtures.config("model", "m").uploadsPerTask(), "the default");
    assertThrows(TogetherConfigException.class, () -> config("0"));
    assertThrows(
        TogetherConfigException.class,
        () -> config(String.valueOf(WriteConfig.MAX_UPLOADS_PER_TASK + 1)));
  }
}
