package io.github.sparktogetherbatch.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Carried entries survive a write and a read; the field is written only when not empty. */
class ManifestCarriedTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private JsonNode onDisk(JobManifest m) throws Exception {
    return JSON.readTree(Files.readString(tmp.resolve(ManifestFiles.fileName(m.version()))));
  }

  @Test
  void carriedEntriesRoundTripAndLeaveWhenSubmitted() throws Exception {
    String path = tmp.toString();
    Configuration conf = new Configuration();
    StreamEpoch e4 = new StreamEpoch("q", 4);
    StreamEpoch e5 = new StreamEpoch("q", 5);
    CarriedFile a =
        new CarriedFile(
            "_stb_carried/q-1.jsonl",
            "_stb_carried/q-1.jsonl.ids.gz",
            30,
            3000,
            "q-1",
            e4,
            Instant.parse("2026-12-07T00:00:00.123Z"));
    CarriedFile b =
        new CarriedFile(
            "_stb_carried/q-2.jsonl",
            "_stb_carried/q-2.jsonl.ids.gz",
            12,
            1200,
            "q-2",
            e5,
            Instant.parse("2026-12-07T00:00:05Z"));
    JobManifest m =
        JobManifest.newJob("/v1/chat/completions", "m")
            .withCarried(a)
            .withEpoch(e4)
            .commit(path, conf)
            .withCarried(b)
            .withEpoch(e5)
            .commit(path, conf);
    JsonNode json = onDisk(m);
    assertEquals(3, json.path("formatVersion").asInt());
    assertEquals(2, json.path("carried").size());
    assertEquals("_stb_carried/q-1.jsonl", json.path("carried").get(0).path("file").asText());
    assertEquals(4, json.path("carried").get(0).path("epoch").asLong());

    JobManifest read = JobManifest.read(path, conf).orElseThrow();
    assertEquals(List.of(a, b), read.carried());
    assertEquals(42, read.carriedRequests());
    assertEquals(e4, read.carried().get(0).stream());

    JobManifest submitted =
        read.withPendingFiles(List.of(new PendingFile("f1", 42, 4200, "q-3", "r").withStream(e5)))
            .withoutCarried(List.of(a, b))
            .commit(path, conf);
    assertFalse(onDisk(submitted).has("carried"), "no field when nothing is carried");
    assertTrue(JobManifest.read(path, conf).orElseThrow().carried().isEmpty());
    assertEquals(1, JobManifest.read(path, conf).orElseThrow().pendingFiles().size());

    // a manifest without the field (every job before) reads with nothing carried
    JobManifest batchOnly = JobManifest.newJob("/v1/chat/completions", "m").commit(path, conf);
    assertFalse(onDisk(batchOnly).has("carried"));
    assertEquals(2, onDisk(batchOnly).path("formatVersion").asInt());
    assertTrue(JobManifest.read(path, conf).orElseThrow().carried().isEmpty());
  }
}
