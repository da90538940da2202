package io.github.sparktogetherbatch.write;

import io.github.sparktogetherbatch.manifest.JobFolder;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Copies of custom_id records to the job path, each on a pooled daemon thread of the executor's
 * JVM, so that a task copies a file's record while it uploads the file ({@link
 * TogetherDataWriter}). A copy is short (a record is about 1% of its input file); the pool has as
 * many threads as tasks copy at once.
 */
final class RecordCopies {
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ExecutorService POOL =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "stb-record-copy-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  private RecordCopies() {}

  /** One copy under way. */
  static final class Copy {
    private final CompletableFuture<Void> done;

    private Copy(CompletableFuture<Void> done) {
      this.done = done;
    }

    /** Waits for the copy; rethrows its failure. */
    void await() throws IOException {
      boolean interrupted = false;
      try {
        while (true) {
          try {
            done.get();
            break;
          } catch (InterruptedException e) {
            interrupted = true; // the copy is short: let it end, then report the interrupt
          }
        }
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof UncheckedIOException u) {
          throw u.getCause();
        }
        if (c instanceof RuntimeException r) {
          throw r;
        }
        throw new IOException(c);
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
      if (interrupted) {
        throw new InterruptedIOException("interrupted while copying a custom_id record");
      }
    }

    /** Waits for the copy, ignoring how it ended. */
    void awaitQuietly() {
      try {
        await();
      } catch (IOException | RuntimeException ignored) {
        // the caller is failing already
      }
    }
  }

  /** Starts copying the local record {@code ids} to {@code target} (an absolute job-path file). */
  static Copy start(JobFolder folder, Path ids, String target) {
    return new Copy(
        CompletableFuture.runAsync(
            () -> {
              try {
                folder.copyFromLocal(ids, target);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            POOL));
  }
}
