package io.github.sparktogetherbatch.write;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A task's uploads at commit, at most {@code uploadsPerTask} at once on pooled daemon threads of
 * the executor's JVM ({@link TogetherDataWriter}). An upload into storage mostly waits (on the
 * network, on storage hashing what it received), so a task that sent its files one after the other
 * left its core idle; with a few at once it waits about once per few files. They start only at
 * commit, after the task's rows were all checked (a task finds bad rows and duplicate custom_ids
 * before it uploads anything).
 *
 * <p>The first failure stops new uploads and is rethrown by {@link #submit} or {@link #awaitAll};
 * uploads in flight run to their end, so that {@link #cancelAndAwait} (from {@code abort()} and
 * {@code close()}) returns only when every file this task uploaded is known and can be deleted.
 * With one upload at a time everything runs on the task's own thread, as before. Not thread-safe:
 * used by the task's thread.
 */
final class TaskUploads {
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ExecutorService POOL =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "stb-upload-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  /** One upload: a staged file sent, its record copied; what it did is recorded by itself. */
  @FunctionalInterface
  interface Upload {
    void run() throws IOException;
  }

  private final int limit;
  private final Semaphore slots;
  private volatile Throwable failure;
  private boolean cancelled;

  TaskUploads(int limit) {
    this.limit = Math.max(1, limit);
    this.slots = new Semaphore(this.limit);
  }

  /**
   * Starts {@code upload}, first waiting while {@code limit} are under way. Throws the failure of
   * an earlier upload instead of starting it, and {@link InterruptedIOException} when the task is
   * interrupted (killed) while it waits.
   */
  void submit(Upload upload) throws IOException {
    if (cancelled) {
      throw new IllegalStateException("uploads were cancelled");
    }
    rethrowFailure();
    if (limit == 1) {
      upload.run();
      return;
    }
    acquire(1);
    if (failure != null) {
      slots.release();
      rethrowFailure();
    }
    try {
      POOL.execute(
          () -> {
            try {
              upload.run();
            } catch (Throwable t) {
              fail(t);
            } finally {
              slots.release();
            }
          });
    } catch (RuntimeException e) {
      slots.release();
      throw e;
    }
  }

  /** Waits for every upload started; rethrows the first failure. */
  void awaitAll() throws IOException {
    if (limit > 1) {
      acquire(limit);
      slots.release(limit);
    }
    rethrowFailure();
  }

  /**
   * Starts no more uploads and waits for those in flight to end, however they end and even when the
   * thread is interrupted (an upload ends within the client's retry deadline), so that the caller
   * can delete all of them. Idempotent.
   */
  void cancelAndAwait() {
    if (cancelled) {
      return;
    }
    cancelled = true;
    if (limit > 1) {
      slots.acquireUninterruptibly(limit);
      slots.release(limit);
    }
  }

  private void acquire(int n) throws InterruptedIOException {
    try {
      slots.acquire(n);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while uploading the task's staged files");
    }
  }

  private synchronized void fail(Throwable t) {
    if (failure == null) {
      failure = t;
    } else if (failure != t) {
      failure.addSuppressed(t);
    }
  }

  private void rethrowFailure() throws IOException {
    Throwable t = failure;
    if (t == null) {
      return;
    }
    if (t instanceof IOException io) {
      throw io;
    }
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new IOException(t);
  }
}
