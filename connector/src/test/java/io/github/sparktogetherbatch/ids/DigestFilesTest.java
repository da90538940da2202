package io.github.sparktogetherbatch.ids;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DigestFilesTest {
  @TempDir Path tmp;

  @Test
  void aResumeDeletesTheInterruptedWritesFoldersAlsoWhenAPendingFileHasNoWriteId()
      throws Exception {
    Path temp = tmp.resolve("job").resolve(DigestFiles.TEMP_DIR);
    Files.createDirectories(temp.resolve("w1"));
    Files.write(temp.resolve("w1").resolve("p0.bin"), new byte[8]);
    Files.createDirectories(temp.resolve("w2"));
    // A manifest written before pending files carried their write's id gives null here.
    Set<String> writeIds = new HashSet<>(List.of("w1", "w2"));
    writeIds.add(null);

    DigestFiles.deleteFoldersOf(new Configuration(), tmp.resolve("job").toString(), writeIds);

    assertFalse(Files.exists(temp.resolve("w1")));
    assertFalse(Files.exists(temp.resolve("w2")));
    assertFalse(Files.exists(temp));
  }
}
