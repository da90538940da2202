package io.github.sparktogetherbatch.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.codec.InputMapping;
import io.github.sparktogetherbatch.codec.RequestEncoder;
import io.github.sparktogetherbatch.testing.WriteFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task's rolling staging files; no Spark job, no server. */
class StagingFilesTest {
  @Test
  void stagingRollsByRequestsAndBytes(@TempDir Path dir) throws IOException {
    InputMapping m =
        InputMapping.resolve(
            WriteFixtures.schema("prompt STRING"), WriteFixtures.config("model", "m"));
    RequestEncoder e = new RequestEncoder(m, 0);
    e.encode(WriteFixtures.row("p"), 0);
    int len = e.lineLength();
    try (StagingFiles s = new StagingFiles(dir, "t", 3, 2L * len + len / 2)) {
      for (int i = 0; i < 7; i++) {
        e.encode(WriteFixtures.row("p"), 0);
        s.append(e);
      }
      List<StagingFiles.Staged> files = s.finish();
      assertEquals(4, files.size()); // 2 per file by bytes
      long total = 0;
      for (StagingFiles.Staged f : files) {
        assertEquals(Files.size(f.path()), f.bytes());
        assertTrue(f.bytes() <= 2L * len + len / 2);
        total += f.requests();
      }
      assertEquals(7, total);
    }
    try (StagingFiles s = new StagingFiles(dir, "u", 3, 1_000_000)) {
      for (int i = 0; i < 7; i++) {
        e.encode(WriteFixtures.row("p"), 0);
        s.append(e);
      }
      List<StagingFiles.Staged> files = s.finish();
      assertEquals(List.of(3L, 3L, 1L), files.stream().map(StagingFiles.Staged::requests).toList());
    }
    try (java.util.stream.Stream<Path> left = Files.list(dir)) {
      assertEquals(0, left.count(), "close() deletes the staging");
    }
  }
}
