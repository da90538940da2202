package io.github.sparktogetherbatch.emulator.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The MD5 of an upload (S3's ETag of a single PUT), computed on a second thread while the
 * connection's thread reads the next chunk from the socket and writes it to disk. MD5 runs at about
 * 300–600 MB/s on one core of the 2-core machine the benchmarks run on, and the rest of an upload
 * (socket, disk, counting lines) at about as much again: in line, one upload took their sum; here
 * it takes the longer of the two. The digest is the same as in line. Chunks go round a few fixed
 * buffers, so memory per upload stays bounded ({@value #BUFFERS} × the chunk size). Not
 * thread-safe: one per upload, used by the connection's thread.
 */
final class PipelinedMd5 implements AutoCloseable {
  private static final int BUFFERS = 4;
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ExecutorService HASHERS =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "together-emulator-md5-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  /** A filled buffer; a negative length ends the stream. */
  private record Chunk(byte[] buf, int length) {}

  private static final Chunk END = new Chunk(new byte[0], -1);

  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
  private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(BUFFERS + 1);
  private final CompletableFuture<String> digest = new CompletableFuture<>();
  private boolean ended;

  PipelinedMd5(int chunkSize) {
    for (int i = 0; i < BUFFERS; i++) {
      free.add(new byte[chunkSize]);
    }
    HASHERS.execute(this::hash);
  }

  /** A buffer to fill, waiting while the hasher holds all of them. */
  byte[] buffer() throws InterruptedException {
    return free.take();
  }

  /** Hands {@code buf[0, length)} to the hasher; the buffer comes back through {@link #buffer}. */
  void hashAndRecycle(byte[] buf, int length) throws InterruptedException {
    full.put(new Chunk(buf, length));
  }

  /** Returns a buffer that was not filled. */
  void recycle(byte[] buf) {
    free.offer(buf);
  }

  /** The hex MD5 of every chunk handed over, once the hasher has caught up. */
  String finish() throws InterruptedException {
    end();
    try {
      return digest.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("MD5 of an upload failed", e.getCause());
    }
  }

  private void end() throws InterruptedException {
    if (!ended) {
      ended = true;
      full.put(END);
    }
  }

  private void hash() {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      while (true) {
        Chunk c = full.take();
        if (c.length < 0) {
          break;
        }
        md5.update(c.buf, 0, c.length);
        free.offer(c.buf);
      }
      digest.complete(HexFormat.of().formatHex(md5.digest()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      digest.completeExceptionally(e);
    } catch (NoSuchAlgorithmException | RuntimeException e) {
      digest.completeExceptionally(e);
    }
  }

  /** Stops the hasher (after a failed upload too); the digest is then discarded. */
  @Override
  public void close() {
    if (!ended) {
      ended = true;
      full.clear();
      if (!full.offer(END)) {
        // cannot happen: the queue holds one more than there are buffers
        digest.cancel(true);
      }
    }
  }
}
