package io.github.sparktogetherbatch.client;

import io.github.sparktogetherbatch.exceptions.TogetherApiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file's content as one stream that survives broken connections: when a read fails (a reset, a
 * body shorter than its Content-Length), it asks again with {@code Range: bytes=N-} from the first
 * byte not yet delivered. A server that ignores Range (answers 200) is handled by skipping what was
 * already read. Only a bounded buffer is held.
 */
final class ResumingDownload extends InputStream {
  private static final Logger LOG = LoggerFactory.getLogger(ResumingDownload.class);

  /** How often one download may resume after a broken connection. */
  private static final int MAX_RESUMES = 20;

  /** Opens the file's content from a byte offset on, retries included. */
  @FunctionalInterface
  interface ContentOpener {
    /** An open response: 206 from {@code offset}, 200 from byte 0, or 416 past the end. */
    ClassicHttpResponse openAt(long offset);
  }

  private final String fileId;
  private final ContentOpener opener;
  private final RetryPolicy policy;
  private final ClientStats stats;
  private ClassicHttpResponse response;
  private InputStream in;
  private long position;
  private long expectedTotal = -1;
  private int resumes;
  private boolean eof;
  private boolean closed;

  ResumingDownload(String fileId, ContentOpener opener, RetryPolicy policy, ClientStats stats) {
    this.fileId = fileId;
    this.opener = opener;
    this.policy = policy;
    this.stats = stats;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    if (len == 0) {
      return 0;
    }
    while (true) {
      if (eof) {
        return -1;
      }
      try {
        if (in == null) {
          open();
          if (eof) {
            return -1;
          }
        }
        int n = in.read(b, off, len);
        if (n < 0) {
          if (expectedTotal >= 0 && position < expectedTotal) {
            throw new IOException("download ended at byte " + position + " of " + expectedTotal);
          }
          eof = true;
          release();
          return -1;
        }
        position += n;
        stats.downloaded(n);
        return n;
      } catch (TogetherApiException e) {
        release();
        throw new IOException(e.getMessage(), e);
      } catch (IOException e) {
        release();
        if (++resumes > MAX_RESUMES) {
          throw new IOException(
              "Download of file "
                  + fileId
                  + " broke "
                  + resumes
                  + " times; giving up at byte "
                  + position
                  + ": "
                  + e.getMessage(),
              e);
        }
        stats.resume();
        LOG.info(
            "Download of file {} broke at byte {} ({}); resuming with a Range request",
            fileId,
            position,
            e.toString());
        sleep(policy.delayMillis(resumes, -1));
      }
    }
  }

  private void open() throws IOException {
    ClassicHttpResponse r = opener.openAt(position);
    int code = r.getCode();
    HttpEntity entity = r.getEntity();
    if (code == 416) {
      // Past the end: everything was read already.
      r.close();
      eof = true;
      return;
    }
    InputStream stream = entity == null ? InputStream.nullInputStream() : entity.getContent();
    long length = entity == null ? 0 : entity.getContentLength();
    if (code == 206) {
      long start = rangeStart(r.getFirstHeader("Content-Range"));
      if (start >= 0 && start != position) {
        r.close();
        throw new IOException("server resumed at byte " + start + " instead of " + position);
      }
      long total = rangeTotal(r.getFirstHeader("Content-Range"));
      if (total >= 0) {
        expectedTotal = total;
      } else if (length >= 0) {
        expectedTotal = position + length;
      }
    } else {
      // 200: the whole file from byte 0, whatever we asked.
      if (length >= 0) {
        expectedTotal = length;
      }
      long toSkip = position;
      while (toSkip > 0) {
        long skipped = stream.skip(toSkip);
        if (skipped <= 0) {
          if (stream.read() < 0) {
            r.close();
            throw new IOException("server's full response is shorter than the bytes already read");
          }
          skipped = 1;
        }
        toSkip -= skipped;
      }
    }
    this.response = r;
    this.in = stream;
  }

  private static long rangeStart(Header h) {
    if (h == null) {
      return -1;
    }
    // bytes 100-199/200
    String v = h.getValue().trim();
    int sp = v.indexOf(' ');
    int dash = v.indexOf('-');
    if (sp < 0 || dash < sp) {
      return -1;
    }
    try {
      return Long.parseLong(v.substring(sp + 1, dash).trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static long rangeTotal(Header h) {
    if (h == null) {
      return -1;
    }
    String v = h.getValue();
    int slash = v.lastIndexOf('/');
    if (slash < 0) {
      return -1;
    }
    try {
      return Long.parseLong(v.substring(slash + 1).trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private void release() {
    if (response != null) {
      if (eof) {
        try {
          response.close();
        } catch (IOException ignored) {
          // the connection is discarded
        }
      } else {
        // Not read to the end: drop the connection instead of draining the rest of the body.
        HttpTransport.abort(response, in);
      }
    }
    response = null;
    in = null;
  }

  private static void sleep(long ms) throws IOException {
    try {
      Thread.sleep(Math.max(0, Math.min(ms, 5000)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while resuming a download");
    }
  }

  @Override
  public void close() {
    closed = true;
    release();
  }
}
