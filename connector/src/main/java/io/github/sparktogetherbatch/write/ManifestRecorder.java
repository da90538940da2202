package io.github.sparktogetherbatch.write;

import io.github.sparktogetherbatch.exceptions.TogetherBatchException;
import io.github.sparktogetherbatch.manifest.JobManifest;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the job manifest on its own thread while the driver creates batches, so that creating does
 * not wait for the file system. Each {@link #record} replaces the state to write; the thread always
 * writes the latest one, so a version the thread had no time for is folded into the next (on a slow
 * API every batch gets its own version at once; on a fast one with a slow file system, several
 * batches share one). A batch created but not yet written stays safe: its input file is pending in
 * the manifest already, and a resume finds the batch by that file.
 *
 * <p>Whatever stops the thread (an exception, an {@link Error}, an interrupt) is kept and thrown by
 * the next {@link #record} or {@link #flush}, so the driver never waits for a thread that is gone.
 * {@link #close} waits for the thread to end, so no write of it races a later one.
 */
final class ManifestRecorder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ManifestRecorder.class);

  /** How long {@link #close} waits for a write under way (a file system call) to end. */
  static final long CLOSE_WAIT_MILLIS = 60_000;

  private final String path;
  private final Configuration conf;
  private final Thread thread;
  private JobManifest latest;
  private JobManifest written;
  private long submitted;
  private long done;
  private RuntimeException failure;
  private boolean closed;

  ManifestRecorder(String path, Configuration conf, JobManifest current, String name) {
    this.path = path;
    this.conf = conf;
    this.written = current;
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues {@code m} as the state to write; throws if the writer has failed. */
  synchronized void record(JobManifest m) {
    throwIfFailed();
    if (closed) {
      throw new IllegalStateException("the manifest recorder for " + path + " is closed");
    }
    latest = m;
    submitted++;
    notifyAll();
  }

  /** Waits until the last state recorded is written; returns it as written. */
  synchronized JobManifest flush() {
    boolean interrupted = false;
    while (done < submitted && failure == null) {
      try {
        wait();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    throwIfFailed();
    return written;
  }

  /** Whether the writer has stopped on a failure (only a write on another thread helps then). */
  synchronized boolean failed() {
    return failure != null;
  }

  /** The manifest as last written by this recorder (or as given, before its first write). */
  synchronized JobManifest written() {
    return written;
  }

  /** The writer's failure, as a new exception so that its trace shows the caller too. */
  private void throwIfFailed() {
    if (failure != null) {
      throw new TogetherBatchException(failure.getMessage(), failure);
    }
  }

  private void run() {
    try {
      while (true) {
        JobManifest m;
        long seq;
        synchronized (this) {
          while (done == submitted && !closed) {
            wait();
          }
          if (done == submitted) {
            return;
          }
          m = latest;
          seq = submitted;
        }
        JobManifest w = m.commit(path, conf);
        synchronized (this) {
          written = w;
          done = seq;
          notifyAll();
        }
      }
    } catch (RuntimeException e) {
      fail(e);
    } catch (InterruptedException e) {
      fail(
          new TogetherBatchException(
              "The writer of the job manifest at " + path + " was interrupted"));
    } catch (Error e) {
      fail(new TogetherBatchException("Writing the job manifest at " + path + " failed: " + e, e));
      throw e;
    }
  }

  private synchronized void fail(RuntimeException e) {
    failure = e;
    notifyAll();
  }

  /**
   * Stops the thread once it has written what was recorded (use {@link #flush} to wait for that and
   * see its failure), and waits for it to end.
   */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    try {
      thread.join(CLOSE_WAIT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn(
          "The writer of the job manifest at {} did not end within {} s",
          path,
          CLOSE_WAIT_MILLIS / 1000);
    }
  }
}
