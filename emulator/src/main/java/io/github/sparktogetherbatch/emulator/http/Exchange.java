package io.github.sparktogetherbatch.emulator.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

/**
 * One request/response exchange on a connection. Writes exactly one response, or breaks the
 * connection on purpose (fault injection): a clean close mid-body ("truncate") or a TCP reset.
 */
public final class Exchange {
  private static final byte[] CONTINUE =
      "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
  private static final int IO_BUFFER = 256 * 1024;

  /**
   * Unread request bodies up to this size are drained to keep the connection; beyond, it closes.
   */
  private static final long MAX_DRAIN = 256L * 1024 * 1024;

  public final HttpRequest request;
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private boolean continueSent;
  private boolean responded;
  private boolean connectionDone;

  Exchange(HttpRequest request, Socket socket, InputStream in, OutputStream out) {
    this.request = request;
    this.socket = socket;
    this.in = in;
    this.out = out;
    request.body = new RequestBody(in, request.contentLength, request.chunked, this::sendContinue);
  }

  boolean responded() {
    return responded;
  }

  /** True once the connection must not carry another request. */
  boolean connectionDone() {
    return connectionDone;
  }

  private void sendContinue() {
    if (request.expectContinue && !continueSent && !responded) {
      continueSent = true;
      try {
        out.write(CONTINUE);
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Sends the response; closes the connection after it unless kept alive. */
  public void send(HttpResponse r) throws IOException {
    write(r, -1);
    if (connectionDone) {
      lingeringClose();
    }
  }

  /** Sends the head with the full Content-Length and only part of the body, then closes cleanly. */
  public void sendTruncated(HttpResponse r, long bodyBytes) throws IOException {
    connectionDone = true;
    write(r, Math.max(0, Math.min(bodyBytes, r.bodyLength())));
    lingeringClose();
  }

  /** Sends the head and part of the body, then resets the connection (TCP RST). */
  public void sendThenReset(HttpResponse r, long bodyBytes) throws IOException {
    connectionDone = true;
    try {
      if (r.bodyLength() == 0) {
        // nothing to cut short in the body: cut the head instead
        byte[] head = head(r);
        out.write(head, 0, head.length / 2);
        out.flush();
      } else {
        write(r, Math.max(0, Math.min(bodyBytes, r.bodyLength() - 1)));
      }
    } finally {
      resetNow();
    }
  }

  /** Reads up to the given number of request body bytes, then resets the connection. */
  public void readThenReset(long bodyBytes) throws IOException {
    connectionDone = true;
    try {
      byte[] buf = new byte[64 * 1024];
      long left = bodyBytes;
      while (left > 0) {
        int n = request.body.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          break;
        }
        left -= n;
      }
    } finally {
      resetNow();
    }
  }

  /** Aborts the connection with a TCP RST. */
  private void resetNow() {
    responded = true;
    connectionDone = true;
    try {
      out.flush();
    } catch (IOException ignored) {
      // resetting anyway
    }
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException ignored) {
      // best effort
    }
    try {
      socket.close();
    } catch (IOException ignored) {
      // already gone
    }
  }

  private void write(HttpResponse r, long bodyLimit) throws IOException {
    byte[] head = head(r);
    long length = r.bodyLength();
    out.write(head);
    long toSend = bodyLimit < 0 ? length : Math.min(bodyLimit, length);
    if (!request.method.equals("HEAD") && toSend > 0) {
      writeBody(r, toSend);
    }
    out.flush();
  }

  /** Marks the response sent, decides keep-alive, and renders the status line and headers. */
  private byte[] head(HttpResponse r) {
    if (responded) {
      throw new IllegalStateException("response already sent");
    }
    boolean keepAlive = !connectionDone && request.keepAliveRequested && prepareForNextRequest();
    responded = true;
    if (!keepAlive) {
      connectionDone = true;
    }
    StringBuilder head = new StringBuilder(256);
    head.append("HTTP/1.1 ")
        .append(r.status)
        .append(' ')
        .append(HttpResponse.reason(r.status))
        .append("\r\n");
    head.append("Date: ")
        .append(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)))
        .append("\r\n");
    for (String[] h : r.headers) {
      if (h[0].equalsIgnoreCase("Content-Length")
          || h[0].equalsIgnoreCase("Connection")
          || h[0].equalsIgnoreCase("Transfer-Encoding")) {
        continue;
      }
      head.append(h[0]).append(": ").append(h[1]).append("\r\n");
    }
    head.append("Content-Length: ").append(r.bodyLength()).append("\r\n");
    head.append("Connection: ").append(keepAlive ? "keep-alive" : "close").append("\r\n\r\n");
    return head.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private void writeBody(HttpResponse r, long toSend) throws IOException {
    if (r.file != null) {
      try (FileChannel ch = FileChannel.open(r.file, StandardOpenOption.READ)) {
        ByteBuffer buf = ByteBuffer.allocate(IO_BUFFER);
        long pos = r.fileOffset;
        long left = toSend;
        while (left > 0) {
          buf.clear();
          if (left < buf.capacity()) {
            buf.limit((int) left);
          }
          int n = ch.read(buf, pos);
          if (n < 0) {
            throw new IOException("file shorter than announced");
          }
          out.write(buf.array(), 0, n);
          pos += n;
          left -= n;
        }
      }
    } else if (r.fillLength >= 0) {
      byte[] fill = new byte[(int) Math.min(IO_BUFFER, toSend)];
      Arrays.fill(fill, (byte) 'x');
      long left = toSend;
      while (left > 0) {
        int n = (int) Math.min(fill.length, left);
        out.write(fill, 0, n);
        left -= n;
      }
    } else {
      out.write(r.body, 0, (int) toSend);
    }
  }

  /** Makes sure the request body is out of the way; false if the connection cannot be reused. */
  private boolean prepareForNextRequest() {
    RequestBody body = request.body;
    if (body.isFullyConsumed()) {
      return true;
    }
    if (request.expectContinue && !body.started()) {
      // the client waits for 100 Continue that will never come; it must not send the body
      return false;
    }
    try {
      return body.drain(MAX_DRAIN);
    } catch (IOException | UncheckedIOException e) {
      return false;
    }
  }

  /** Half-closes, discards what the client still sends for a moment, then closes. */
  private void lingeringClose() {
    try {
      out.flush();
      socket.shutdownOutput();
      socket.setSoTimeout(500);
      byte[] buf = new byte[64 * 1024];
      long deadline = System.nanoTime() + 2_000_000_000L;
      while (System.nanoTime() < deadline) {
        if (in.read(buf) < 0) {
          break;
        }
      }
    } catch (IOException ignored) {
      // closing anyway
    } finally {
      try {
        socket.close();
      } catch (IOException ignored) {
        // gone
      }
    }
  }
}
