package io.github.sparktogetherbatch.stream;

import static io.github.sparktogetherbatch.stream.StreamTestSupport.addJsonFile;
import static io.github.sparktogetherbatch.stream.StreamTestSupport.assertEveryRowOnceSucceeded;
import static io.github.sparktogetherbatch.stream.StreamTestSupport.assertNoOrphanNoDouble;
import static io.github.sparktogetherbatch.stream.StreamTestSupport.jsonStream;
import static io.github.sparktogetherbatch.stream.StreamTestSupport.read;
import static io.github.sparktogetherbatch.stream.StreamTestSupport.sink;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import io.github.sparktogetherbatch.manifest.BatchEntry;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import io.github.sparktogetherbatch.testing.WriteTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming sink against the emulator: scheduled AvailableNow runs over a growing folder submit
 * only the new rows, epochs are recorded in the job, a replayed epoch creates nothing, and the
 * batch read of the path returns every epoch's rows once.
 */
class StreamSinkTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  private void runAvailableNow(Path input, String path, String checkpoint) throws Exception {
    runAvailableNow(input, path, checkpoint, "1000");
  }

  private void runAvailableNow(
      Path input, String path, String checkpoint, String minRequestsPerBatch) throws Exception {
    StreamingQuery q =
        StreamTestSupport.options(
                sink(jsonStream(spark, input), EMU, checkpoint),
                "minRequestsPerBatch",
                minRequestsPerBatch)
            .trigger(Trigger.AvailableNow())
            .start(path);
    q.awaitTermination();
    assertTrue(q.exception().isEmpty(), () -> String.valueOf(q.exception()));
  }

  @Test
  void threeAvailableNowRunsOverAGrowingFolderSubmitOnlyTheNewRows() throws Exception {
    Path input = tmp.resolve("in");
    String path = tmp.resolve("job").toString();
    String checkpoint = tmp.resolve("checkpoint").toString();
    addJsonFile(input, "part-1.json", 0, 60);
    addJsonFile(input, "part-2.json", 60, 100);

    // run 1: the 100 rows, in one packed batch (small task files share a batch)
    runAvailableNow(input, path, checkpoint);
    JobManifest one = StreamTestSupport.manifest(spark, path);
    assertEquals(100, one.totalRequests());
    assertEquals(1, one.batches().size());
    assertEquals(1, StreamTestSupport.uploads(EMU));
    assertEquals(1, StreamTestSupport.creates(EMU));
    assertEquals(1, one.streams().size(), "one streaming query wrote to the job");
    String queryId = one.streams().keySet().iterator().next();
    long firstEpoch = one.lastEpoch(queryId);
    BatchEntry b = one.batches().get(0);
    assertNotNull(b.stream());
    assertEquals(queryId, b.stream().queryId());
    assertEquals(firstEpoch, b.stream().epoch());

    // run 2: nothing new: no upload, no batch, the manifest untouched
    runAvailableNow(input, path, checkpoint);
    assertEquals(1, StreamTestSupport.uploads(EMU));
    assertEquals(1, StreamTestSupport.creates(EMU));
    assertEquals(one.version(), StreamTestSupport.manifest(spark, path).version());

    // run 3: only the 30 new rows
    addJsonFile(input, "part-3.json", 100, 130);
    runAvailableNow(input, path, checkpoint);
    JobManifest three = StreamTestSupport.manifest(spark, path);
    assertEquals(2, three.batches().size());
    assertEquals(30, three.batches().get(1).requests());
    assertEquals(2, StreamTestSupport.uploads(EMU));
    assertEquals(2, StreamTestSupport.creates(EMU));
    assertEquals(Set.of(queryId), three.streams().keySet(), "the same query id across runs");
    assertTrue(three.lastEpoch(queryId) > firstEpoch);
    assertEquals(three.lastEpoch(queryId), three.batches().get(1).stream().epoch());

    assertEveryRowOnceSucceeded(read(spark, EMU, path), 130);
    List<Row> view =
        spark
            .read()
            .format("together-batch")
            .option("apiKey", EmulatorExtension.TEST_API_KEY)
            .option("baseUrl", EMU.baseUrl())
            .option("view", "batches")
            .load(path)
            .orderBy("epoch")
            .collectAsList();
    assertEquals(2, view.size());
    assertEquals(firstEpoch, (long) view.get(0).<Long>getAs("epoch"));
    assertEquals(three.lastEpoch(queryId), (long) view.get(1).<Long>getAs("epoch"));
    assertNoOrphanNoDouble(EMU, three.batchIds());
  }

  /**
   * The crash Spark replays: the job recorded the epoch, but the checkpoint's commit log did not
   * (deleted here, as a driver killed between the two would leave it). The restarted query runs the
   * epoch again; its commit creates nothing and deletes what the replay uploaded.
   */
  @Test
  void aReplayedEpochCreatesNoBatchAndLeavesNoUploadedFile() throws Exception {
    Path input = tmp.resolve("in");
    String path = tmp.resolve("job").toString();
    Path checkpoint = tmp.resolve("checkpoint");
    addJsonFile(input, "part-1.json", 0, 40);
    // every task uploads its own file (no packing), so the replay has uploads to delete
    runAvailableNow(input, path, checkpoint.toString(), "1");
    JobManifest before = StreamTestSupport.manifest(spark, path);
    long uploadsBefore = StreamTestSupport.uploads(EMU);

    Path commits = checkpoint.resolve("commits");
    List<Path> logged;
    try (var s = Files.list(commits)) {
      logged = s.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
    }
    assertEquals(1, logged.size(), logged.toString());
    Files.delete(logged.get(0));
    Files.deleteIfExists(commits.resolve("." + logged.get(0).getFileName() + ".crc"));

    runAvailableNow(input, path, checkpoint.toString(), "1");
    assertTrue(Files.exists(logged.get(0)), "the replayed epoch is in the commit log again");
    JobManifest after = StreamTestSupport.manifest(spark, path);
    assertTrue(StreamTestSupport.uploads(EMU) > uploadsBefore, "the replay ran its tasks again");
    assertEquals(1, StreamTestSupport.creates(EMU), "no second batch");
    assertEquals(before.batchIds(), after.batchIds());
    assertEveryRowOnceSucceeded(read(spark, EMU, path), 40);
    assertNoOrphanNoDouble(EMU, after.batchIds());
  }

  @Test
  void aBadRowFailsTheQueryBeforeAnyUploadWithTheBatchWritesError() throws Exception {
    Path input = tmp.resolve("in");
    String path = tmp.resolve("job").toString();
    addJsonFile(input, "part-1.json", 0, 10);
    StreamTestSupport.write(input, "part-2.json", "{\"custom_id\":\"bad-1\",\"prompt\":null}\n");

    StreamingQuery q =
        sink(jsonStream(spark, input), EMU, tmp.resolve("checkpoint").toString())
            .trigger(Trigger.AvailableNow())
            .start(path);
    Exception e = assertThrows(Exception.class, q::awaitTermination);
    var streamError =
        WriteTestSupport.causeOf(
            e, io.github.sparktogetherbatch.exceptions.TogetherDataException.class);
    WriteTestSupport.awaitNoRunningTasks(spark);
    assertFalse(
        WriteTestSupport.messages(e).contains(EmulatorExtension.TEST_API_KEY),
        "the failed query's message (with its plan and options) hides the key");
    assertEquals(0, StreamTestSupport.uploads(EMU), "nothing uploaded");
    assertEquals(0, StreamTestSupport.creates(EMU));
    assertFalse(
        JobManifest.exists(
            path, io.github.sparktogetherbatch.manifest.HadoopConfs.forSession(spark)));

    // the batch write of the same rows fails with the same message
    Exception batch =
        assertThrows(
            Exception.class,
            () ->
                WriteTestSupport.writer(
                        spark.read().schema(StreamTestSupport.SCHEMA).json(input.toString()), EMU)
                    .save(tmp.resolve("batch-job").toString()));
    assertEquals(
        WriteTestSupport.causeOf(
                batch, io.github.sparktogetherbatch.exceptions.TogetherDataException.class)
            .getMessage(),
        streamError.getMessage());
  }

  @Test
  void onceAndProcessingTimeTriggersSubmitEachEpoch() throws Exception {
    Path input = tmp.resolve("in");
    String path = tmp.resolve("job").toString();
    String checkpoint = tmp.resolve("checkpoint").toString();
    addJsonFile(input, "part-1.json", 0, 20);

    @SuppressWarnings("deprecation")
    Trigger once = Trigger.Once();
    StreamingQuery q = sink(jsonStream(spark, input), EMU, checkpoint).trigger(once).start(path);
    q.awaitTermination();
    assertEquals(20, StreamTestSupport.manifest(spark, path).totalRequests());

    StreamingQuery p =
        sink(jsonStream(spark, input), EMU, checkpoint)
            .trigger(Trigger.ProcessingTime("100 milliseconds"))
            .start(path);
    try {
      addJsonFile(input, "part-2.json", 20, 35);
      p.processAllAvailable();
      addJsonFile(input, "part-3.json", 35, 50);
      p.processAllAvailable();
    } finally {
      p.stop();
    }
    JobManifest m = StreamTestSupport.manifest(spark, path);
    assertEquals(50, m.totalRequests());
    Set<Long> epochs = new HashSet<>();
    for (BatchEntry b : m.batches()) {
      epochs.add(b.stream().epoch());
    }
    assertEquals(m.batches().size(), epochs.size(), "one batch per epoch");
    assertTrue(m.batches().size() >= 3, m.toString());
    assertEveryRowOnceSucceeded(read(spark, EMU, path), 50);
  }

  @Test
  void theContinuousTriggerIsRefusedBeforeAnyUpload() throws Exception {
    String path = tmp.resolve("job").toString();
    Exception e =
        assertThrows(
            Exception.class,
            () -> {
              StreamingQuery q =
                  sink(
                          spark
                              .readStream()
                              .format("rate")
                              .load()
                              .selectExpr(
                                  "concat('r-', value) AS custom_id",
                                  "concat('question ', value) AS prompt"),
                          EMU,
                          tmp.resolve("checkpoint").toString())
                      .trigger(Trigger.Continuous("1 second"))
                      .start(path);
              try {
                q.awaitTermination(30_000);
              } finally {
                q.stop();
              }
              throw new TimeoutException("the continuous query ran");
            });
    assertFalse(e instanceof TimeoutException, WriteTestSupport.messages(e));
    WriteTestSupport.causeOf(e, TogetherConfigException.class);
    WriteTestSupport.awaitNoRunningTasks(spark);
    assertEquals(0, StreamTestSupport.uploads(EMU));
    assertFalse(
        JobManifest.exists(
            path, io.github.sparktogetherbatch.manifest.HadoopConfs.forSession(spark)));
  }

  /** Complete output mode would replace the job at every micro-batch: refused before any task. */
  @Test
  void completeOutputModeIsRefused() throws Exception {
    Path input = tmp.resolve("in");
    String path = tmp.resolve("job").toString();
    addJsonFile(input, "part-1.json", 0, 10);
    StreamingQuery q =
        sink(
                jsonStream(spark, input)
                    .groupBy("prompt")
                    .count()
                    .selectExpr("prompt AS custom_id", "prompt"),
                EMU,
                tmp.resolve("checkpoint").toString())
            .outputMode("complete")
            .trigger(Trigger.AvailableNow())
            .start(path);
    Exception e = assertThrows(Exception.class, q::awaitTermination);
    WriteTestSupport.causeOf(e, TogetherConfigException.class);
    assertEquals(0, StreamTestSupport.uploads(EMU));
    assertFalse(
        JobManifest.exists(
            path, io.github.sparktogetherbatch.manifest.HadoopConfs.forSession(spark)));
  }

  /**
   * custom_ids are unique within an epoch (as within a batch write); across epochs, as across
   * appends, they are not checked: each request still reads back as one row, with its batch.
   */
  @Test
  void theSameCustomIdInTwoEpochsReadsBackOncePerRequest() throws Exception {
    Path input = tmp.resolve("in");
    String path = tmp.resolve("job").toString();
    String checkpoint = tmp.resolve("checkpoint").toString();
    addJsonFile(input, "part-1.json", 0, 10);
    runAvailableNow(input, path, checkpoint);
    addJsonFile(input, "part-2.json", 5, 12);
    runAvailableNow(input, path, checkpoint);
    List<Row> rows = read(spark, EMU, path);
    assertEquals(17, rows.size());
    JobManifest m = StreamTestSupport.manifest(spark, path);
    assertEquals(2, m.batches().size());
    for (long i = 5; i < 10; i++) {
      Set<String> batches = new HashSet<>();
      for (Row r : rows) {
        if (("r-" + i).equals(r.getAs("custom_id"))) {
          assertEquals(StreamTestSupport.expectedContent(i), r.getAs("content"));
          batches.add(r.getAs("batch_id"));
        }
      }
      assertEquals(new HashSet<>(m.batchIds()), batches, "r-" + i + " once per epoch's batch");
    }
  }
}
