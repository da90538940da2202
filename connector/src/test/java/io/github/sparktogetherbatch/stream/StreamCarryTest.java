package io.github.sparktogetherbatch.stream;

import static io.github.sparktogetherbatch.stream.StreamTestSupport.addJsonFile;
import static io.github.sparktogetherbatch.stream.StreamTestSupport.assertEveryRowOnceSucceeded;
import static io.github.sparktogetherbatch.stream.StreamTestSupport.assertNoOrphanNoDouble;
import static io.github.sparktogetherbatch.stream.StreamTestSupport.jsonStream;
import static io.github.sparktogetherbatch.stream.StreamTestSupport.read;
import static io.github.sparktogetherbatch.stream.StreamTestSupport.sink;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.manifest.JobFolder;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import io.github.sparktogetherbatch.testing.WriteTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small epochs share batches (option {@code maxCarryDelay}): an epoch under {@code
 * minRequestsPerBatch} is carried at the job path and submitted with later epochs, when the pool
 * reaches the threshold, when the delay is up (by the scheduled flush, or by the next epoch of any
 * run), or by an append of an empty DataFrame; nothing is submitted twice, nothing is lost.
 */
class StreamCarryTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  private void run(Path input, String path, String checkpoint, String min, String delay)
      throws Exception {
    StreamingQuery q =
        StreamTestSupport.options(
                sink(jsonStream(spark, input), EMU, checkpoint),
                "minRequestsPerBatch",
                min,
                "maxCarryDelay",
                delay)
            .trigger(Trigger.AvailableNow())
            .start(path);
    q.awaitTermination();
    assertTrue(q.exception().isEmpty(), () -> String.valueOf(q.exception()));
  }

  private void appendEmpty(String path) {
    WriteTestSupport.writer(spark.createDataFrame(List.<Row>of(), StreamTestSupport.SCHEMA), EMU)
        .mode("append")
        .save(path);
  }

  private static long carriedFilesOnDisk(String path) throws Exception {
    Path dir = Path.of(path, JobFolder.CARRIED_DIR);
    if (!Files.exists(dir)) {
      return 0;
    }
    try (var s = Files.list(dir)) {
      return s.filter(p -> !p.getFileName().toString().startsWith(".")).count();
    }
  }

  @Test
  void threeSmallEpochsMakeOneBatchWhenThePoolReachesTheThreshold() throws Exception {
    Path input = tmp.resolve("in");
    String path = tmp.resolve("job").toString();
    String checkpoint = tmp.resolve("checkpoint").toString();

    addJsonFile(input, "part-1.json", 0, 30);
    run(input, path, checkpoint, "90", "1h");
    JobManifest one = StreamTestSupport.manifest(spark, path);
    assertEquals(0, StreamTestSupport.uploads(EMU), "a carried epoch uploads nothing");
    assertEquals(0, StreamTestSupport.creates(EMU));
    assertEquals(1, one.carried().size());
    assertEquals(30, one.carriedRequests());
    String queryId = one.streams().keySet().iterator().next();
    assertEquals(one.lastEpoch(queryId), one.carried().get(0).stream().epoch());
    assertEquals(2, carriedFilesOnDisk(path), "the carried file and its custom_id record");

    addJsonFile(input, "part-2.json", 30, 60);
    run(input, path, checkpoint, "90", "1h");
    JobManifest two = StreamTestSupport.manifest(spark, path);
    assertEquals(0, StreamTestSupport.creates(EMU));
    assertEquals(2, two.carried().size());
    assertEquals(60, two.carriedRequests());
    assertTrue(two.lastEpoch(queryId) > one.lastEpoch(queryId));

    addJsonFile(input, "part-3.json", 60, 90);
    run(input, path, checkpoint, "90", "1h");
    JobManifest three = StreamTestSupport.manifest(spark, path);
    assertEquals(1, StreamTestSupport.uploads(EMU));
    assertEquals(1, StreamTestSupport.creates(EMU));
    assertEquals(1, three.batches().size());
    assertEquals(90, three.batches().get(0).requests());
    assertEquals(three.lastEpoch(queryId), three.batches().get(0).stream().epoch());
    assertTrue(three.carried().isEmpty());
    assertTrue(three.pendingFiles().isEmpty());
    assertEquals(0, carriedFilesOnDisk(path), "the carried files are deleted once submitted");

    assertEveryRowOnceSucceeded(read(spark, EMU, path), 90);
    assertNoOrphanNoDouble(EMU, three.batchIds());
  }

  @Test
  void theScheduledFlushSubmitsWhenTheDelayIsUpWithoutANewEpoch() throws Exception {
    Path input = tmp.resolve("in");
    String path = tmp.resolve("job").toString();
    addJsonFile(input, "part-1.json", 0, 30);
    Instant start = Instant.now();
    run(input, path, tmp.resolve("checkpoint").toString(), "1000", "2s");

    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (StreamTestSupport.creates(EMU) == 0 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertEquals(
        1, StreamTestSupport.creates(EMU), "the flush created the batch, no new epoch came");
    JobManifest m = StreamTestSupport.manifest(spark, path);
    // the flush commits under the job path's lock: once the batch exists, wait for the manifest
    while (m.batches().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
      m = StreamTestSupport.manifest(spark, path);
    }
    assertEquals(1, m.batches().size());
    assertEquals(30, m.batches().get(0).requests());
    assertTrue(m.carried().isEmpty());
    assertFalse(
        Duration.between(start, m.batches().get(0).createdAt()).minusSeconds(2).isNegative(),
        "not before the delay: " + start + " vs " + m.batches().get(0).createdAt());
    boolean wasCarried = false;
    try (var s = Files.list(Path.of(path))) {
      for (Path p : s.filter(p -> p.getFileName().toString().startsWith("manifest-")).toList()) {
        wasCarried |= Files.readString(p).contains("\"carried\"");
      }
    }
    assertTrue(wasCarried, "the epoch's rows were carried first");
    assertEveryRowOnceSucceeded(read(spark, EMU, path), 30);
    assertNoOrphanNoDouble(EMU, m.batchIds());
  }

  @Test
  void carriedRowsOfAStoppedQueryAreSubmittedByAnAppendOfAnEmptyDataFrame() throws Exception {
    Path input = tmp.resolve("in");
    String path = tmp.resolve("job").toString();
    addJsonFile(input, "part-1.json", 0, 30);
    run(input, path, tmp.resolve("checkpoint").toString(), "1000", "1h");
    assertEquals(30, StreamTestSupport.manifest(spark, path).carriedRequests());

    List<Row> view =
        spark
            .read()
            .format("together-batch")
            .option("apiKey", EmulatorExtension.TEST_API_KEY)
            .option("baseUrl", EMU.baseUrl())
            .option("view", "batches")
            .load(path)
            .collectAsList();
    assertEquals(1, view.size());
    assertEquals("carried", view.get(0).getAs("status"));
    assertNull(view.get(0).getAs("batch_id"));
    assertEquals(30L, (long) view.get(0).<Long>getAs("requests"));
    assertTrue(read(spark, EMU, path).isEmpty(), "carried rows are not part of a read");

    appendEmpty(path);
    JobManifest m = StreamTestSupport.manifest(spark, path);
    assertEquals(1, StreamTestSupport.creates(EMU));
    assertEquals(1, m.batches().size());
    assertEquals(30, m.batches().get(0).requests());
    assertTrue(m.carried().isEmpty());
    assertEquals(0, carriedFilesOnDisk(path));
    assertEveryRowOnceSucceeded(read(spark, EMU, path), 30);
    assertNoOrphanNoDouble(EMU, m.batchIds());
  }

  @Test
  void anOverwriteDropsTheCarriedRows() throws Exception {
    Path input = tmp.resolve("in");
    String path = tmp.resolve("job").toString();
    addJsonFile(input, "part-1.json", 0, 30);
    run(input, path, tmp.resolve("checkpoint").toString(), "1000", "1h");
    assertEquals(2, carriedFilesOnDisk(path));

    Path other = tmp.resolve("other");
    addJsonFile(other, "part-1.json", 0, 5);
    WriteTestSupport.writer(
            spark.read().schema(StreamTestSupport.SCHEMA).json(other.toString()), EMU)
        .mode("overwrite")
        .save(path);
    JobManifest m = StreamTestSupport.manifest(spark, path);
    assertTrue(m.carried().isEmpty());
    assertEquals(1, StreamTestSupport.creates(EMU), "only the overwrite's rows were submitted");
    assertEquals(5, m.batches().get(0).requests());
    assertEquals(0, carriedFilesOnDisk(path), "the dropped rows' files are deleted");
    assertEveryRowOnceSucceeded(read(spark, EMU, path), 5);
    assertNoOrphanNoDouble(EMU, m.batchIds());
  }

  @Test
  void theNextRunsFirstEpochSubmitsCarriedRowsWhoseDelayIsUp() throws Exception {
    Path input = tmp.resolve("in");
    String path = tmp.resolve("job").toString();
    String checkpoint = tmp.resolve("checkpoint").toString();
    addJsonFile(input, "part-1.json", 0, 30);
    // this run's flush is due in an hour: as if its driver had ended before
    run(input, path, checkpoint, "1000", "1h");
    Instant carriedAt = StreamTestSupport.manifest(spark, path).carried().get(0).carriedAt();
    while (!Instant.now().isAfter(carriedAt.plusSeconds(1))) {
      Thread.sleep(50);
    }
    addJsonFile(input, "part-2.json", 30, 50);
    run(input, path, checkpoint, "1000", "1s");
    JobManifest m = StreamTestSupport.manifest(spark, path);
    assertEquals(
        1, StreamTestSupport.creates(EMU), "the carried rows and the epoch's in one batch");
    assertEquals(50, m.batches().get(0).requests());
    assertTrue(m.carried().isEmpty());
    assertEveryRowOnceSucceeded(read(spark, EMU, path), 50);
    assertNoOrphanNoDouble(EMU, m.batchIds());
  }

  /**
   * A replayed epoch that the job records as carried adds nothing; a carried file of the query that
   * the manifest does not name (a driver that died before recording it) is swept.
   */
  @Test
  void aReplayedCarriedEpochAddsNothingAndUnnamedCarriedFilesAreSwept() throws Exception {
    Path input = tmp.resolve("in");
    String path = tmp.resolve("job").toString();
    Path checkpoint = tmp.resolve("checkpoint");
    addJsonFile(input, "part-1.json", 0, 30);
    run(input, path, checkpoint.toString(), "1000", "1h");
    JobManifest before = StreamTestSupport.manifest(spark, path);
    String queryId = before.streams().keySet().iterator().next();
    Path orphan = Path.of(path, JobFolder.CARRIED_DIR, queryId + "-deadbeef.jsonl");
    Files.writeString(orphan, "{\"custom_id\":\"x\"}\n");
    Files.writeString(Path.of(orphan + ".ids.gz"), "");

    Path commits = checkpoint.resolve("commits");
    List<Path> logged;
    try (var s = Files.list(commits)) {
      logged = s.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
    }
    assertEquals(1, logged.size(), logged.toString());
    Files.delete(logged.get(0));
    Files.deleteIfExists(commits.resolve("." + logged.get(0).getFileName() + ".crc"));

    run(input, path, checkpoint.toString(), "1000", "1h");
    assertTrue(Files.exists(logged.get(0)), "the replayed epoch is in the commit log again");
    JobManifest after = StreamTestSupport.manifest(spark, path);
    assertEquals(before.carried(), after.carried(), "the replay carried nothing more");
    assertEquals(0, StreamTestSupport.uploads(EMU));
    assertFalse(Files.exists(orphan), "the unnamed carried file is swept");
    assertEquals(2, carriedFilesOnDisk(path));

    appendEmpty(path);
    JobManifest m = StreamTestSupport.manifest(spark, path);
    assertEquals(1, StreamTestSupport.creates(EMU));
    assertEquals(30, m.batches().get(0).requests());
    assertEveryRowOnceSucceeded(read(spark, EMU, path), 30);
    assertNoOrphanNoDouble(EMU, m.batchIds());
  }

  /** One input file must not hold a custom_id twice: ids met again are packed apart. */
  @Test
  void anIdCarriedAndSentAgainGoesToAnotherBatch() throws Exception {
    Path input = tmp.resolve("in");
    String path = tmp.resolve("job").toString();
    String checkpoint = tmp.resolve("checkpoint").toString();
    addJsonFile(input, "part-1.json", 0, 30);
    run(input, path, checkpoint, "1000", "1h");
    addJsonFile(input, "part-2.json", 20, 40);
    run(input, path, checkpoint, "1000", "1h");
    JobManifest m = StreamTestSupport.manifest(spark, path);
    assertTrue(m.carried().isEmpty(), "nothing carried when ids meet");
    assertEquals(2, m.batches().size());
    assertEquals(30, m.batches().get(0).requests());
    assertEquals(20, m.batches().get(1).requests());
    assertEquals(50, read(spark, EMU, path).size());
    assertNoOrphanNoDouble(EMU, m.batchIds());
  }
}
