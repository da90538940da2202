package io.github.sparktogetherbatch.write;

import static io.github.sparktogetherbatch.testing.WriteTestSupport.inputFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.codec.InputMapping;
import io.github.sparktogetherbatch.config.WriteConfig;
import io.github.sparktogetherbatch.exceptions.TogetherBatchException;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import io.github.sparktogetherbatch.testing.WriteFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The clean-up race of a failed write: a task still uploading when the driver's abort swept the
 * account. The driver marks the write aborted before it sweeps; a task checks after its uploads and
 * deletes its own files. Made deterministic by running the driver's whole abort between the task's
 * last row and its commit (the worst case: the sweep saw nothing of the task's files).
 */
class AbortRaceTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  @TempDir Path tmp;

  private WriteConfig config(String minRequests) {
    return WriteFixtures.config(
        "model",
        io.github.sparktogetherbatch.testing.WriteTestSupport.MODEL,
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
        minRequests);
  }

  /** The driver's side of a write, and one task's writer made by its factory. */
  private static final class Write {
    final TogetherBatchWrite batchWrite;
    final DataWriter<InternalRow> task;

    Write(WriteConfig config) {
      SparkTestSession.get(); // the driver reads the session's Hadoop configuration
      InputMapping mapping = InputMapping.resolve(StructType.fromDDL("prompt STRING"), config);
      batchWrite =
          new TogetherBatchWrite(config, mapping, "w1", false, new AtomicLong(), new AtomicLong());
      task = batchWrite.createBatchWriterFactory(() -> 1).createWriter(0, 0);
    }
  }

  @ParameterizedTest(name = "minRequestsPerBatch={0}")
  @ValueSource(strings = {"0", "1000"})
  void aTaskThatUploadsAfterTheAbortSweptDeletesItsOwnFiles(String minRequests) throws Exception {
    Write w = new Write(config(minRequests));
    try {
      for (int i = 0; i < 5; i++) {
        w.task.write(WriteFixtures.row("question " + i));
      }
      // Another task failed: the driver aborts the write while this task is still running.
      w.batchWrite.abort(new WriterCommitMessage[0]);
      assertThrows(TogetherBatchException.class, w.task::commit);
      w.task.abort(); // as Spark does when commit throws
    } finally {
      w.task.close();
    }
    if (minRequests.equals("0")) {
      assertEquals(3, EMU.emulator().requestCount("POST /v1/files"), "the task did upload");
    }
    assertEquals(0, inputFiles(EMU).size(), "files left in the account: " + inputFiles(EMU));
    assertEquals(0, EMU.emulator().requestCount("POST /v1/batches"));
    assertFalse(Files.exists(tmp.resolve("job")), "the failed write leaves no job folder");
  }

  @Test
  void aTaskThatSeesTheMarkerBeforeTheTemporaryFolderIsGoneDeletesItsOwnFiles() throws Exception {
    WriteConfig config = config("0");
    Write w = new Write(config);
    try {
      for (int i = 0; i < 3; i++) {
        w.task.write(WriteFixtures.row("question " + i));
      }
      // The driver has written its marker and is sweeping; the folder is still there.
      io.github.sparktogetherbatch.manifest.JobFolder.of(
              new org.apache.hadoop.conf.Configuration(), config.path(), "w1")
          .markAborted();
      assertThrows(TogetherBatchException.class, w.task::commit);
      w.task.abort();
    } finally {
      w.task.close();
    }
    assertEquals(2, EMU.emulator().requestCount("POST /v1/files"), "the task did upload");
    assertEquals(0, inputFiles(EMU).size(), "files left in the account: " + inputFiles(EMU));
    assertFalse(
        Files.exists(tmp.resolve("job").resolve("_stb_custom_ids").resolve("w1")),
        "the task's custom_id records are deleted");
  }

  @Test
  void aTaskOfAWriteStillUnderWayCommits() throws Exception {
    Write w = new Write(config("0"));
    try {
      for (int i = 0; i < 3; i++) {
        w.task.write(WriteFixtures.row("question " + i));
      }
      TogetherWriterCommitMessage msg = (TogetherWriterCommitMessage) w.task.commit();
      assertEquals(2, msg.files().size());
      assertTrue(msg.small().isEmpty());
      w.batchWrite.abort(new WriterCommitMessage[] {msg});
    } finally {
      w.task.close();
    }
    assertEquals(0, inputFiles(EMU).size(), "the abort deleted the reported files");
    assertFalse(Files.exists(tmp.resolve("job")));
  }
}
