package io.github.sparktogetherbatch.jobs;

import static io.github.sparktogetherbatch.jobs.OpsSupport.input;
import static io.github.sparktogetherbatch.jobs.OpsSupport.manifest;
import static io.github.sparktogetherbatch.jobs.OpsSupport.reader;
import static io.github.sparktogetherbatch.jobs.OpsSupport.writer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.manifest.BatchEntry;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The batch view ({@code view=batches}): one row per batch, a snapshot without waiting. */
class BatchViewTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  @Test
  void aRunningJobShowsEveryBatchUnfinishedWithoutWaiting() {
    EMU.emulator().setRequestsPerSecond(2);
    String path = tmp.resolve("running").toString();
    writer(input(spark, 40, 2), EMU).option("maxRequestsPerBatch", "20").save(path);
    JobManifest m = manifest(spark, path);

    List<Row> rows = reader(spark, EMU).option("view", "batches").load(path).collectAsList();

    assertEquals(2, rows.size());
    for (int i = 0; i < 2; i++) {
      Row r = rows.get(i);
      BatchEntry b = m.batches().get(i);
      assertEquals(b.batchId(), r.getAs("batch_id"));
      assertTrue(
          Set.of("VALIDATING", "IN_PROGRESS").contains((String) r.getAs("status")),
          (String) r.getAs("status"));
      assertEquals(20L, (long) r.getAs("requests"));
      assertEquals(1, (int) r.getAs("attempt"));
      assertNotNull(r.getAs("created_at"));
      assertNull(r.getAs("completed_at"));
      assertEquals(b.inputFileId(), r.getAs("input_file_id"));
      assertNull(r.getAs("output_file_id"));
      assertTrue((double) r.getAs("progress") < 100.0);
    }
  }

  @Test
  void aFinishedJobShowsItsFilesAndInSql() {
    String path = tmp.resolve("finished").toString();
    writer(input(spark, 30, 3), EMU).option("maxRequestsPerBatch", "10").save(path);
    assertEquals(30, reader(spark, EMU).load(path).count());

    spark.sql(
        "CREATE OR REPLACE TEMPORARY VIEW ops_batches USING `together-batch` OPTIONS (path '"
            + path
            + "', view 'batches', apiKey '"
            + EmulatorExtension.TEST_API_KEY
            + "', baseUrl '"
            + EMU.baseUrl()
            + "')");
    List<Row> rows =
        spark
            .sql(
                "SELECT batch_id, status, progress, requests, attempt, created_at, completed_at,"
                    + " output_file_id, error FROM ops_batches")
            .collectAsList();

    assertEquals(3, rows.size());
    Set<String> ids = Set.copyOf(manifest(spark, path).batchIds());
    for (Row r : rows) {
      assertTrue(ids.contains(r.getString(0)), r.getString(0));
      assertEquals("COMPLETED", r.getString(1));
      assertEquals(100.0, r.getDouble(2));
      assertEquals(10L, r.getLong(3));
      assertEquals(1, r.getInt(4));
      assertNotNull(r.getTimestamp(5));
      assertNotNull(r.getTimestamp(6));
      assertTrue(!r.getTimestamp(6).before(r.getTimestamp(5)));
      assertNotNull(r.getString(7));
      assertNull(r.get(8));
    }
  }
}
