package io.github.sparktogetherbatch.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.manifest.HadoopConfs;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.stream.StreamTestSupport;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A streaming query killed mid-epoch and started again from its checkpoint: a Spark driver in its
 * own JVM runs the sink over 600 CSV rows (two files, two tasks, each uploading its own input file)
 * and is killed ({@code destroyForcibly}) at one of two moments; then the same query (same
 * checkpoint) runs again here. Spark replays the epoch, whose commit it never logged. Every row is
 * answered exactly once, no batch is created twice, and no uploaded file is left that no batch
 * uses.
 *
 * <ul>
 *   <li>{@link #killedWhileCreatingTheEpochsBatches}: the manifest records the epoch (its files
 *       pending) and the creates are failing (503s): the replay creates nothing from its own rows,
 *       gives the first attempt's pending files their batches and deletes its own uploads.
 *   <li>{@link #killedWhileUploading}: files are at Together but the manifest knows nothing of the
 *       epoch: the replay commits normally and deletes the dead run's files (named after the
 *       query).
 * </ul>
 */
@Tag("slow") // a forked driver each: about 40 s per test on a 2-core machine
class StreamKillTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  static final int N = 600;

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  @Test
  void killedWhileCreatingTheEpochsBatches() throws Exception {
    String path = tmp.resolve("job").toString();
    // every create fails (503) until the test clears the faults
    EMU.emulator()
        .armFault(
            "{\"route\":\"POST /v1/batches\",\"status\":503,\"retryAfterMs\":100,\"times\":-1}");
    killAndRestart(
        path,
        () ->
            EMU.emulator().requestCount("POST /v1/batches") >= 2
                && manifest(path).map(m -> m.pendingFiles().size() == 2).orElse(false));
  }

  @Test
  void killedWhileUploading() throws Exception {
    String path = tmp.resolve("job").toString();
    // uploads reach Together (POST /files, PUT) but their preprocess fails until the kill
    EMU.emulator()
        .armFault(
            "{\"route\":\"POST /v1/files/{id}/preprocess\",\"status\":503,"
                + "\"retryAfterMs\":100,\"times\":-1}");
    killAndRestart(path, () -> EMU.emulator().requestCount("POST /v1/files/{id}/preprocess") >= 4);
  }

  private void killAndRestart(String path, BooleanSupplier killWhen) throws Exception {
    Path input = tmp.resolve("in");
    String checkpoint = tmp.resolve("checkpoint").toString();
    StreamTestSupport.addCsvFile(input, "part-1.csv", 0, N / 2);
    StreamTestSupport.addCsvFile(input, "part-2.csv", N / 2, N);

    Path log = tmp.resolve("driver.log");
    Process driver =
        ForkedJvm.start(
            ForkedStreamMain.class,
            tmp,
            log,
            Map.of("TOGETHER_API_KEY", FaultSupport.KEY),
            input.toString(),
            path,
            checkpoint,
            EMU.baseUrl());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (driver.isAlive() && !killWhen.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(driver.isAlive(), "the driver ended early:\n" + ForkedJvm.tail(log));
    assertTrue(killWhen.getAsBoolean(), "never reached the moment:\n" + ForkedJvm.tail(log));
    driver.destroyForcibly();
    assertTrue(driver.waitFor(30, TimeUnit.SECONDS));
    assertNotEquals(0, driver.exitValue());
    assertFalse(Files.readString(log).contains("STREAM RUN FINISHED"), ForkedJvm.tail(log));
    EMU.emulator().clearFaults();
    long createsBefore = EMU.emulator().requestCount("POST /v1/batches");
    long batchesBefore = FaultSupport.batches(EMU).size();

    // the next scheduled run: the same query from its checkpoint
    StreamingQuery q =
        ForkedStreamMain.query(
            spark, input.toString(), path, checkpoint, EMU.baseUrl(), FaultSupport.KEY);
    q.awaitTermination();
    assertTrue(q.exception().isEmpty(), () -> String.valueOf(q.exception()));

    JobManifest m = manifest(path).orElseThrow();
    assertTrue(m.pendingFiles().isEmpty());
    assertEquals(N, m.totalRequests());
    assertEquals(
        2,
        EMU.emulator().requestCount("POST /v1/batches") - createsBefore + batchesBefore,
        "two batches in all, none created twice");
    StreamTestSupport.assertEveryRowOnceSucceeded(StreamTestSupport.read(spark, EMU, path), N);
    FaultSupport.assertJobExactlyOnce(EMU, spark, path, N);
  }

  private Optional<JobManifest> manifest(String path) {
    return JobManifest.read(path, HadoopConfs.forSession(spark));
  }
}
