package io.github.sparktogetherbatch.read;

import static io.github.sparktogetherbatch.testing.WriteTestSupport.writer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.client.BatchJob;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A person waiting on a read with the log at WARN (as in spark-shell and pyspark) sees the progress
 * line on the console; the thread's job description shows the wait and is restored.
 */
class WaitProgressReadTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  @TempDir Path tmp;

  private final SparkSession spark = SparkTestSession.get();
  private Level rootLevel;
  private PrintStream err;
  private ByteArrayOutputStream captured;

  @BeforeEach
  void quietLogsAndCaptureTheConsole() {
    rootLevel = LogManager.getRootLogger().getLevel();
    Configurator.setRootLevel(Level.WARN);
    err = System.err;
    captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setErr(err);
    Configurator.setRootLevel(rootLevel);
    EMU.emulator().setRequestsPerSecond(0);
  }

  private String writeJob(int rows) {
    String path = tmp.resolve("job").toString();
    writer(
            spark
                .range(0, rows, 1, 1)
                .selectExpr("concat('r', id) AS custom_id", "concat('question ', id) AS prompt"),
            EMU)
        .save(path);
    return path;
  }

  private Row[] read(String path, String progress) {
    return (Row[])
        spark
            .read()
            .format("together-batch")
            .option("baseUrl", EMU.baseUrl())
            .option("apiKey", EmulatorExtension.TEST_API_KEY)
            .option("pollInterval", "100ms")
            .option("progress", progress)
            .load(path)
            .select("custom_id", "status")
            .collect();
  }

  @Test
  void theProgressLineReachesTheConsoleWithTheLogAtWarn() throws Exception {
    EMU.emulator().setRequestsPerSecond(1); // the batch stays unfinished until the line is seen
    String path = writeJob(40);
    // The read runs in a thread of its own, which inherits the description set here.
    spark.sparkContext().setJobDescription("my own description");
    AtomicReference<String> descriptionAfter = new AtomicReference<>();
    FutureTask<Row[]> rows =
        new FutureTask<>(
            () -> {
              Row[] r = read(path, "console");
              descriptionAfter.set(
                  spark.sparkContext().getLocalProperty(SparkUiProgress.JOB_DESCRIPTION));
              return r;
            });
    try {
      new Thread(rows, "wait-progress-read").start();
    } finally {
      spark.sparkContext().setJobDescription(null);
    }
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!captured.toString(StandardCharsets.UTF_8).contains("0/1 batches finished")
        && System.nanoTime() < deadline
        && !rows.isDone()) {
      Thread.sleep(50);
    }
    EMU.emulator().setRequestsPerSecond(0); // unlimited: the batch finishes
    assertEquals(40, rows.get(2, TimeUnit.MINUTES).length);
    assertEquals("my own description", descriptionAfter.get());
    String out = captured.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("0/1 batches finished"), "a line while it waited: " + out);
    assertTrue(
        out.contains(
            "Together batches of job at "
                + path
                + ": 1/1 batches finished, 40/40 requests (100.0%)"),
        out);
  }

  @Test
  void whileItWaitsTheJobDescriptionIsTheProgressLineAndAfterwardsTheUsersOwn() {
    SparkUiProgress ui =
        new SparkUiProgress(spark.sparkContext(), new ProgressLine("job at /j", Map.of()));
    Map<String, BatchJob> state = new LinkedHashMap<>();
    state.put(
        "b1", io.github.sparktogetherbatch.testing.TestBatches.batch("b1", "f", "IN_PROGRESS", 40));
    ui.update(state, 1_000, false);
    assertEquals(
        "Waiting: Together batches of job at /j: 0/1 batches finished (40.0%), 1.0s elapsed",
        spark.sparkContext().getLocalProperty(SparkUiProgress.JOB_DESCRIPTION));
    ui.restore();
    assertNull(spark.sparkContext().getLocalProperty(SparkUiProgress.JOB_DESCRIPTION));
  }

  @Test
  void withProgressLogNothingReachesTheConsole() {
    String path = writeJob(5);
    assertEquals(5, read(path, "log").length);
    assertFalse(
        captured.toString(StandardCharsets.UTF_8).contains("Together batches of"),
        captured.toString(StandardCharsets.UTF_8));
  }
}
