package io.github.sparktogetherbatch.jobs;

import static io.github.sparktogetherbatch.jobs.OpsSupport.byId;
import static io.github.sparktogetherbatch.jobs.OpsSupport.connection;
import static io.github.sparktogetherbatch.jobs.OpsSupport.input;
import static io.github.sparktogetherbatch.jobs.OpsSupport.manifest;
import static io.github.sparktogetherbatch.jobs.OpsSupport.reader;
import static io.github.sparktogetherbatch.jobs.OpsSupport.writer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@link TogetherBatchJobs#cancel}: cancels what runs, and a read then gives every row once. */
class CancelTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  @Test
  void cancelThenReadGivesFinishedRowsAndBatchCancelled() {
    String path = tmp.resolve("cancel").toString();
    // A first batch that finishes at once, then a second one that the emulator runs slowly.
    writer(input(spark, 10, 1), EMU).save(path);
    assertEquals(10, reader(spark, EMU).load(path).count());
    EMU.emulator().setRequestsPerSecond(1);
    writer(input(spark, 40, 1).selectExpr("concat('s', custom_id) AS custom_id", "prompt"), EMU)
        .mode("append")
        .save(path);
    JobManifest m = manifest(spark, path);
    assertEquals(2, m.batches().size());

    assertEquals(1, TogetherBatchJobs.cancel(spark, path, connection(EMU)));
    // A second call finds nothing left to cancel.
    assertEquals(0, TogetherBatchJobs.cancel(spark, path, connection(EMU)));

    List<Row> rows = reader(spark, EMU).load(path).collectAsList();
    Map<String, Row> got = byId(rows);
    assertEquals(50, got.size());
    long cancelled = 0;
    for (Row r : rows) {
      String id = r.getAs("custom_id");
      if (id.startsWith("r-")) {
        assertEquals("succeeded", r.getAs("status"), id);
        assertEquals(m.batchIds().get(0), r.getAs("batch_id"));
      } else if (!"succeeded".equals(r.getAs("status"))) {
        assertEquals("missing", r.getAs("status"), id);
        assertEquals("batch_cancelled", r.getAs("error_code"), id);
        assertEquals(m.batchIds().get(1), r.getAs("batch_id"));
        assertNull(r.getAs("content"));
        cancelled++;
      }
    }
    assertTrue(cancelled > 0, "some requests of the slow batch were cancelled");
  }
}
