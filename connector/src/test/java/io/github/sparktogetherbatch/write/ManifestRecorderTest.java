package io.github.sparktogetherbatch.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.exceptions.TogetherBatchException;
import io.github.sparktogetherbatch.manifest.BatchEntry;
import io.github.sparktogetherbatch.manifest.JobManifest;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manifest written in the background: the last state recorded always lands, failures surface.
 */
class ManifestRecorderTest {
  @TempDir Path tmp;

  private static BatchEntry batch(int i) {
    return new BatchEntry("batch-" + i, "file-" + i, 10, 100, Instant.now(), "w");
  }

  @Test
  void flushReturnsTheLastStateRecordedAsWritten() {
    String path = tmp.resolve("job").toString();
    Configuration conf = new Configuration();
    JobManifest m = JobManifest.newJob("/v1/chat/completions", "m").commit(path, conf);
    try (ManifestRecorder r = new ManifestRecorder(path, conf, m, "test-recorder")) {
      for (int i = 0; i < 50; i++) {
        m = m.withBatch(batch(i));
        r.record(m);
      }
      JobManifest written = r.flush();
      assertEquals(50, written.batches().size());
      assertTrue(written.version() >= 2 && written.version() <= 51, "versions fold together");
      assertEquals(50, JobManifest.read(path, conf).orElseThrow().batches().size());
      // nothing recorded since: flush returns at once with the same state
      assertEquals(written.version(), r.flush().version());
    }
  }

  @Test
  void aFailedWriteSurfacesOnTheNextRecordOrFlush() throws Exception {
    Path file = tmp.resolve("not-a-folder");
    Files.writeString(file, "x");
    String path = file.resolve("job").toString(); // under a regular file: cannot be created
    Configuration conf = new Configuration();
    JobManifest m = JobManifest.newJob("/v1/chat/completions", "m");
    try (ManifestRecorder r = new ManifestRecorder(path, conf, m, "test-recorder")) {
      r.record(m.withBatch(batch(1)));
      assertThrows(TogetherBatchException.class, r::flush);
      assertThrows(TogetherBatchException.class, () -> r.record(m.withBatch(batch(2))));
    }
  }

  /** A file system that fails with an {@link Error}, as a class that cannot load would. */
  public static final class ErrorFs extends RawLocalFileSystem {
    @Override
    public void initialize(URI uri, Configuration conf) {
      throw new NoClassDefFoundError("simulated: a file system class that cannot load");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void anErrorInTheWriterFailsFlushInsteadOfHangingIt() {
    Configuration conf = new Configuration();
    conf.set("fs.broken.impl", ErrorFs.class.getName());
    conf.setBoolean("fs.broken.impl.disable.cache", true);
    String path = "broken:///job";
    JobManifest m = JobManifest.newJob("/v1/chat/completions", "m");
    ManifestRecorder r = new ManifestRecorder(path, conf, m, "test-recorder");
    try {
      r.record(m.withBatch(batch(1)));
      TogetherBatchException e = assertThrows(TogetherBatchException.class, r::flush);
      assertTrue(e.getMessage().contains("broken:///job"), e.getMessage());
      assertTrue(r.failed());
      assertEquals(m.version(), r.written().version(), "nothing was written");
      assertThrows(TogetherBatchException.class, () -> r.record(m.withBatch(batch(2))));
    } finally {
      r.close();
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void closeWaitsForTheWriterAndLaterRecordsAreRefused() throws Exception {
    String path = tmp.resolve("job").toString();
    Configuration conf = new Configuration();
    JobManifest m = JobManifest.newJob("/v1/chat/completions", "m").commit(path, conf);
    ManifestRecorder r = new ManifestRecorder(path, conf, m, "test-recorder-close");
    r.record(m.withBatch(batch(1)));
    r.close(); // without a flush: what was recorded is still written before the thread ends
    assertTrue(
        Thread.getAllStackTraces().keySet().stream()
            .noneMatch(t -> t.getName().equals("test-recorder-close")),
        "the writer thread ended");
    assertEquals(1, JobManifest.read(path, conf).orElseThrow().batches().size());
    assertThrows(IllegalStateException.class, () -> r.record(m.withBatch(batch(2))));
  }
}
