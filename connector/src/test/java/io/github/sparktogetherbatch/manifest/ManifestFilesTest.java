package io.github.sparktogetherbatch.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.exceptions.TogetherBatchException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manifest's versions are written under their final names (no rename, as on object stores): a
 * crash mid-write leaves a newest file that does not parse, which readers skip and the next writer
 * numbers past.
 */
class ManifestFilesTest {
  @TempDir Path tmp;

  private final Configuration conf = new Configuration();

  private static JobManifest withBatches(JobManifest m, String... ids) {
    for (String id : ids) {
      m = m.withBatch(new BatchEntry(id, "file-" + id, 10, 100, Instant.now(), "w"));
    }
    return m;
  }

  private List<String> fileNames() throws Exception {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void versionsAreWrittenUnderTheirFinalNamesWithNoOtherFileLeft() throws Exception {
    String path = tmp.toString();
    JobManifest m =
        withBatches(JobManifest.newJob("/v1/chat/completions", "m"), "b1").commit(path, conf);
    m = withBatches(m, "b2").commit(path, conf);

    assertEquals(2, m.version());
    assertEquals(List.of(ManifestFiles.fileName(1), ManifestFiles.fileName(2)), fileNames());
    assertEquals(List.of("b1", "b2"), JobManifest.read(path, conf).orElseThrow().batchIds());
  }

  @Test
  void aNewestFileCutShortByACrashIsSkippedAndTheNextVersionNumbersPastIt() throws Exception {
    String path = tmp.toString();
    JobManifest m =
        withBatches(JobManifest.newJob("/v1/chat/completions", "m"), "b1").commit(path, conf);
    m = withBatches(m, "b2").commit(path, conf);
    // A writer that died half-way through version 3: the first half of what it would have written.
    String whole = Files.readString(tmp.resolve(ManifestFiles.fileName(2)), StandardCharsets.UTF_8);
    Files.writeString(
        tmp.resolve(ManifestFiles.fileName(3)), whole.substring(0, whole.length() / 2));
    // ...and one that died before writing a byte of version 4.
    Files.createFile(tmp.resolve(ManifestFiles.fileName(4)));

    JobManifest read = JobManifest.read(path, conf).orElseThrow();
    assertEquals(2, read.version(), "the newest version that parses");
    assertEquals(List.of("b1", "b2"), read.batchIds());
    assertTrue(JobManifest.exists(path, conf));

    JobManifest next = withBatches(read, "b3").commit(path, conf);
    assertEquals(5, next.version(), "past the highest existing version, parsed or not");
    JobManifest again = JobManifest.read(path, conf).orElseThrow();
    assertEquals(5, again.version());
    assertEquals(List.of("b1", "b2", "b3"), again.batchIds());
  }

  @Test
  void aVersionThatExistsAlreadyIsNeverReplaced() throws Exception {
    String path = tmp.toString();
    JobManifest first =
        withBatches(JobManifest.newJob("/v1/chat/completions", "m"), "b1").commit(path, conf);
    withBatches(first, "b2").commit(path, conf);
    byte[] v2 = Files.readAllBytes(tmp.resolve(ManifestFiles.fileName(2)));
    // A second writer that listed the versions before version 2 appeared numbers its own as 2 too.
    JobManifest racing = withBatches(first, "other");
    TogetherBatchException e =
        assertThrows(
            TogetherBatchException.class, () -> ManifestFiles.writeAs(racing, 2, path, conf));
    assertTrue(e.getMessage().contains(ManifestFiles.fileName(2)), e.getMessage());
    assertEquals(
        new String(v2, StandardCharsets.UTF_8),
        Files.readString(tmp.resolve(ManifestFiles.fileName(2))),
        "version 2 unchanged");
  }
}
