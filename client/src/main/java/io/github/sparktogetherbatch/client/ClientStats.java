package io.github.sparktogetherbatch.client;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of one {@link TogetherClient}: what it sent, retried and moved. Thread-safe. */
public final class ClientStats {
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong bytesUploaded = new AtomicLong();
  private final AtomicLong bytesDownloaded = new AtomicLong();
  private final AtomicLong downloadResumes = new AtomicLong();
  private final AtomicLong uploadRestarts = new AtomicLong();

  void request() {
    requests.incrementAndGet();
  }

  void retry() {
    retries.incrementAndGet();
  }

  void uploaded(long n) {
    bytesUploaded.addAndGet(n);
  }

  void downloaded(long n) {
    bytesDownloaded.addAndGet(n);
  }

  void resume() {
    downloadResumes.incrementAndGet();
  }

  void uploadRestart() {
    uploadRestarts.incrementAndGet();
  }

  /** HTTP requests sent, retries included. */
  public long requests() {
    return requests.get();
  }

  /** Requests repeated after a transient fault (429, 5xx, timeout, reset). */
  public long retries() {
    return retries.get();
  }

  public long bytesUploaded() {
    return bytesUploaded.get();
  }

  public long bytesDownloaded() {
    return bytesDownloaded.get();
  }

  /** Downloads continued with a Range request after a broken connection. */
  public long downloadResumes() {
    return downloadResumes.get();
  }

  /** Uploads started again from {@code POST /files} because the signed URL was refused. */
  public long uploadRestarts() {
    return uploadRestarts.get();
  }

  @Override
  public String toString() {
    return "ClientStats{requests="
        + requests
        + ", retries="
        + retries
        + ", bytesUploaded="
        + bytesUploaded
        + ", bytesDownloaded="
        + bytesDownloaded
        + ", downloadResumes="
        + downloadResumes
        + ", uploadRestarts="
        + uploadRestarts
        + "}";
  }
}
