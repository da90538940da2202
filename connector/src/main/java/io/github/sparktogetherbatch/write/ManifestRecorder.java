package io.github.sparktogetherbatch.write;

import io.github.sparktogetherbatch.manifest.JobManifest;
import org.apache.hadoop.conf.Configuration;

/**
 * Writes the job manifest on its own thread while the driver creates batches, so that creating
 * does not wait for the file system. Each {@link #record} replaces the state to write; the thread
 * always writes the latest one, so a version the thread had no time for is folded into the next
 * (on a slow API every batch gets its own version at once; on a fast one with a slow file system,
 * several batches share one). A batch created but not yet written stays safe: its input file is
 * pending in the manifest already, and a resume finds the batch by that file.
 */
final class ManifestRecorder implements AutoCloseable {
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

  /** Queues {@code m} as the state to write; throws if an earlier write failed. */
  synchronized void record(JobManifest m) {
    if (failure != null) {
      throw failure;
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
    if (failure != null) {
      throw failure;
    }
    return written;
  }

  private void run() {
    while (true) {
      JobManifest m;
      long seq;
      synchronized (this) {
        while (done == submitted && !closed) {
          try {
            wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (done == submitted) {
          return;
        }
        m = latest;
        seq = submitted;
      }
      try {
        JobManifest w = m.commit(path, conf);
        synchronized (this) {
          written = w;
          done = seq;
          notifyAll();
        }
      } catch (RuntimeException e) {
        synchronized (this) {
          failure = e;
          notifyAll();
        }
        return;
      }
    }
  }

  /** Stops the thread once it has written what was recorded (use {@link #flush} to wait). */
  @Override
  public synchronized void close() {
    closed = true;
    notifyAll();
  }
}
