package io.github.sparktogetherbatch.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manifest keeps resubmissions (attempt, retryOf) and the write options across a write. */
class ManifestAttemptsTest {
  @TempDir Path tmp;

  @Test
  void attemptsRetryOfAndWriteOptionsSurviveAWriteAndFirstSubmissionsReadAsBefore()
      throws Exception {
    String path = tmp.toString();
    Configuration conf = new Configuration();
    JobManifest m =
        JobManifest.newJob("/v1/chat/completions", "m")
            .withWriteOptions(Map.of("idColumn", "id", "body.max_tokens", "20"))
            .withBatch(new BatchEntry("b1", "f1", 10, 100, Instant.now(), "w"))
            .withPendingFiles(List.of(new PendingFile("f2", 3, 30, "r", 2, List.of("b1"))))
            .commit(path, conf);
    m =
        m.withBatch(BatchEntry.forPending(m.pendingFiles().get(0), "b2", Instant.now()))
            .commit(path, conf);

    JobManifest read = JobManifest.read(path, conf).orElseThrow();
    assertEquals(Map.of("idColumn", "id", "body.max_tokens", "20"), read.writeOptions());
    assertTrue(read.pendingFiles().isEmpty());
    assertEquals(1, read.batches().get(0).attempt());
    assertEquals(List.of(), read.batches().get(0).retryOf());
    assertEquals(2, read.batches().get(1).attempt());
    assertEquals(List.of("b1"), read.batches().get(1).retryOf());

    String json = Files.readString(tmp.resolve(ManifestFiles.fileName(read.version())));
    assertEquals(1, json.split("\"attempt\"", -1).length - 1, "only the resubmission: " + json);
    assertFalse(json.toLowerCase().contains("apikey"));
  }

  @Test
  void resubmittedIdsAreKeptPerInputFile() {
    Configuration conf = new Configuration();
    List<String> ids = List.of("a", "b\nwith a line break", "ü \"quoted\"");
    ResubmittedIds.write(tmp.toString(), "file-1", ids, conf);
    assertEquals(ids, ResubmittedIds.read(tmp.toString(), "file-1", conf));
    assertNull(ResubmittedIds.read(tmp.toString(), "file-2", conf));
  }
}
