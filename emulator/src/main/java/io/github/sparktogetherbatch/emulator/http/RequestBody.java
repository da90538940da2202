package io.github.sparktogetherbatch.emulator.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body, fixed length or chunked, with a hook for {@code 100 Continue} before the first
 * read; bounded, and tracks whether it has been fully consumed.
 */
final class RequestBody extends InputStream {
  private final InputStream in;
  private final boolean chunkedMode;
  private long remaining; // fixed-length mode
  private boolean done;
  private boolean started;
  private final Runnable beforeFirstRead;
  // chunked mode state
  private long chunkLeft;
  private final byte[] one = new byte[1];

  RequestBody(InputStream in, long contentLength, boolean chunked, Runnable beforeFirstRead) {
    this.in = in;
    this.chunkedMode = chunked;
    this.remaining = chunked ? 0 : Math.max(0, contentLength);
    this.done = !chunked && this.remaining == 0;
    this.beforeFirstRead = beforeFirstRead;
  }

  boolean isFullyConsumed() {
    return done;
  }

  boolean started() {
    return started;
  }

  private void start() throws IOException {
    if (!started) {
      started = true;
      if (beforeFirstRead != null) {
        try {
          beforeFirstRead.run();
        } catch (java.io.UncheckedIOException e) {
          throw e.getCause();
        }
      }
    }
  }

  @Override
  public int read() throws IOException {
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (done) {
      return -1;
    }
    start();
    if (!chunkedMode) {
      int n = in.read(b, off, (int) Math.min(len, remaining));
      if (n < 0) {
        throw new EOFException("Unexpected end of request body");
      }
      remaining -= n;
      if (remaining == 0) {
        done = true;
      }
      return n;
    }
    if (chunkLeft == 0) {
      chunkLeft = readChunkSize();
      if (chunkLeft == 0) {
        // trailers until an empty line
        while (!HttpRequest.readLine(in, HttpRequest.MAX_LINE, false).isEmpty()) {
          // ignore trailer fields
        }
        done = true;
        return -1;
      }
    }
    int n = in.read(b, off, (int) Math.min(len, chunkLeft));
    if (n < 0) {
      throw new EOFException("Unexpected end of chunked request body");
    }
    chunkLeft -= n;
    if (chunkLeft == 0) {
      String crlf = HttpRequest.readLine(in, 2, false);
      if (!crlf.isEmpty()) {
        throw new HttpRequest.BadRequest(400, "Malformed chunk");
      }
    }
    return n;
  }

  private long readChunkSize() throws IOException {
    String line = HttpRequest.readLine(in, HttpRequest.MAX_LINE, false);
    int semi = line.indexOf(';');
    String hex = (semi < 0 ? line : line.substring(0, semi)).trim();
    try {
      long size = Long.parseLong(hex, 16);
      if (size < 0) {
        throw new NumberFormatException();
      }
      return size;
    } catch (NumberFormatException e) {
      throw new HttpRequest.BadRequest(400, "Malformed chunk size");
    }
  }

  /** Reads and discards up to max bytes; returns true if the body ended. */
  boolean drain(long max) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    while (!done && total <= max) {
      int n = read(buf, 0, buf.length);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return done;
  }

  @Override
  public void close() {
    // never closes the connection stream
  }
}
