package io.github.sparktogetherbatch.s3a;

import static io.github.sparktogetherbatch.stream.StreamTestSupport.addJsonFile;
import static io.github.sparktogetherbatch.stream.StreamTestSupport.assertEveryRowOnceSucceeded;
import static io.github.sparktogetherbatch.stream.StreamTestSupport.assertNoOrphanNoDouble;
import static io.github.sparktogetherbatch.stream.StreamTestSupport.jsonStream;
import static io.github.sparktogetherbatch.stream.StreamTestSupport.read;
import static io.github.sparktogetherbatch.stream.StreamTestSupport.sink;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import io.github.sparktogetherbatch.testing.WriteTestSupport;
import java.nio.file.Path;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming sink with both the job path and the checkpoint on S3A (Spark's default checkpoint
 * file manager): an AvailableNow run, a restart from the checkpoint that submits only the new rows,
 * and the batch read of the job.
 */
class S3aStreamTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();
  @RegisterExtension static final S3rverExtension S3 = new S3rverExtension();

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  @BeforeEach
  void s3a() {
    S3.configure(spark.sparkContext().hadoopConfiguration());
  }

  private void runAvailableNow(Path input, String path, String checkpoint) throws Exception {
    StreamingQuery q =
        sink(jsonStream(spark, input), EMU, checkpoint).trigger(Trigger.AvailableNow()).start(path);
    q.awaitTermination();
    assertTrue(q.exception().isEmpty(), () -> String.valueOf(q.exception()));
  }

  @Test
  void anAvailableNowRunARestartAndTheBatchReadWithJobAndCheckpointOnS3a() throws Exception {
    String base = "s3a://bucket/streams/" + UUID.randomUUID();
    String path = base + "/job";
    String checkpoint = base + "/checkpoint";
    Path input = tmp.resolve("in");
    addJsonFile(input, "part-1.json", 0, 50);

    runAvailableNow(input, path, checkpoint);
    JobManifest one = WriteTestSupport.manifest(spark, path).orElseThrow();
    assertEquals(50, one.totalRequests());

    // a new query from the same checkpoint: only the new file's rows
    addJsonFile(input, "part-2.json", 50, 80);
    runAvailableNow(input, path, checkpoint);
    JobManifest two = WriteTestSupport.manifest(spark, path).orElseThrow();
    assertEquals(80, two.totalRequests());
    assertEquals(one.batches().size() + 1, two.batches().size());
    assertEquals(1, two.streams().size(), "one query across the restart");

    org.apache.hadoop.fs.Path commits = new org.apache.hadoop.fs.Path(checkpoint, "commits");
    FileSystem fs = commits.getFileSystem(spark.sparkContext().hadoopConfiguration());
    assertTrue(fs.listStatus(commits).length >= 2, "the checkpoint's commit log is on S3A");

    assertEveryRowOnceSucceeded(read(spark, EMU, path), 80);
    assertNoOrphanNoDouble(EMU, two.batchIds());
  }
}
