package io.github.sparktogetherbatch.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Format version 3: a streaming query's last epoch and each entry's query and epoch survive a write
 * and a read; a job without them is still written as version 2 (older connectors read it).
 */
class ManifestStreamsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private int formatVersionOnDisk(JobManifest m) throws Exception {
    return JSON.readTree(Files.readString(tmp.resolve(ManifestFiles.fileName(m.version()))))
        .path("formatVersion")
        .asInt();
  }

  @Test
  void epochsSurviveAWriteAndOnlyStreamedJobsAreVersion3() throws Exception {
    String path = tmp.toString();
    Configuration conf = new Configuration();
    JobManifest batch =
        JobManifest.newJob("/v1/chat/completions", "m")
            .withBatch(new BatchEntry("b0", "f0", 5, 50, Instant.now(), "w0"))
            .commit(path, conf);
    assertEquals(2, formatVersionOnDisk(batch));
    assertEquals(-1, batch.lastEpoch("q"));

    StreamEpoch e3 = new StreamEpoch("q", 3);
    JobManifest m =
        batch
            .withPendingFiles(List.of(new PendingFile("f1", 10, 100, "q-1", null).withStream(e3)))
            .withEpoch(e3)
            .commit(path, conf);
    assertEquals(3, formatVersionOnDisk(m));
    m =
        m.withBatch(BatchEntry.forPending(m.pendingFiles().get(0), "b1", Instant.now()))
            .withEpoch(new StreamEpoch("q", 2)) // an older epoch never lowers the record
            .commit(path, conf);

    JobManifest read = JobManifest.read(path, conf).orElseThrow();
    assertEquals(Map.of("q", 3L), read.streams());
    assertEquals(3, read.lastEpoch("q"));
    assertNull(read.batches().get(0).stream());
    assertEquals(e3, read.batches().get(1).stream());
    assertTrue(read.pendingFiles().isEmpty());
    // a change that is not about epochs keeps them
    JobManifest more = read.withWriteOptions(Map.of("idColumn", "id")).commit(path, conf);
    assertEquals(3, JobManifest.read(path, conf).orElseThrow().lastEpoch("q"));
    assertFalse(Files.readString(tmp.resolve(ManifestFiles.fileName(more.version()))).isEmpty());
  }
}
