package io.github.sparktogetherbatch.emulator.http;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A small HTTP/1.1 server: one thread per connection from a cached pool, keep-alive. */
public final class HttpServerCore implements Closeable {
  private static final System.Logger LOG = System.getLogger(HttpServerCore.class.getName());
  private static final int IDLE_TIMEOUT_MILLIS = 120_000;
  private static final int STREAM_BUFFER = 128 * 1024;

  /**
   * Connections the kernel queues before accept (Linux caps it at {@code net.core.somaxconn}, 4096
   * by default). With 512, a burst of 1,000 clients connecting at once (the benchmarks' E2)
   * overflowed the queue: the kernel dropped SYNs and clients connected only after retransmitting
   * them, one to three seconds later.
   */
  private static final int BACKLOG = 4096;

  /** Handles one exchange; must send a response or break the connection. */
  public interface Handler {
    void handle(Exchange exchange) throws IOException;
  }

  private final ServerSocket server;
  private final Handler handler;
  private final ExecutorService pool;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final Thread acceptThread;
  private volatile boolean closed;

  /** Binds the port (0: a free one); {@link #start()} accepts connections. */
  public HttpServerCore(String host, int port, Handler handler) throws IOException {
    this.handler = handler;
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getByName(host), port), BACKLOG);
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "together-emulator-conn-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.acceptThread =
        new Thread(this::acceptLoop, "together-emulator-accept-" + server.getLocalPort());
    acceptThread.setDaemon(true);
  }

  /** Starts accepting connections. */
  public void start() {
    acceptThread.start();
  }

  /** The bound port. */
  public int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.log(Level.WARNING, "accept failed", e);
          try {
            Thread.sleep(50);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        continue;
      }
      sockets.add(s);
      try {
        pool.execute(() -> serve(s));
      } catch (RuntimeException e) {
        sockets.remove(s);
        closeQuietly(s);
      }
    }
  }

  private void serve(Socket s) {
    try {
      s.setTcpNoDelay(true);
      s.setSoTimeout(IDLE_TIMEOUT_MILLIS);
      s.setSendBufferSize(STREAM_BUFFER * 2);
      InputStream in = new BufferedInputStream(s.getInputStream(), STREAM_BUFFER);
      OutputStream out = new BufferedOutputStream(s.getOutputStream(), STREAM_BUFFER);
      while (!closed && !s.isClosed()) {
        HttpRequest req;
        try {
          req = HttpRequest.readHead(in);
        } catch (HttpRequest.BadRequest e) {
          writeRawError(out, e.status, e.getMessage());
          break;
        }
        if (req == null) {
          break;
        }
        Exchange ex = new Exchange(req, s, in, out);
        try {
          handler.handle(ex);
        } catch (HttpRequest.BadRequest e) {
          if (!ex.responded()) {
            ex.send(HttpResponse.text(e.status, "text/plain; charset=utf-8", e.getMessage()));
          }
          break;
        } catch (RuntimeException e) {
          LOG.log(Level.ERROR, "handler failed for " + req.method + " " + req.rawPath, e);
          if (!ex.responded()) {
            ex.send(HttpResponse.text(500, "text/plain; charset=utf-8", "Internal server error"));
          }
        }
        if (!ex.responded()) {
          ex.send(HttpResponse.text(500, "text/plain; charset=utf-8", "No response"));
        }
        if (ex.connectionDone()) {
          break;
        }
      }
    } catch (SocketException e) {
      // client went away, or we reset on purpose
    } catch (IOException e) {
      // timeouts, broken pipes: drop the connection
    } finally {
      sockets.remove(s);
      closeQuietly(s);
    }
  }

  private static void writeRawError(OutputStream out, int status, String message) {
    try {
      byte[] body = message.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      String head =
          "HTTP/1.1 "
              + status
              + " "
              + HttpResponse.reason(status)
              + "\r\n"
              + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: "
              + body.length
              + "\r\nConnection: close\r\n\r\n";
      out.write(head.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
    } catch (IOException ignored) {
      // gone
    }
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(server);
    for (Socket s : sockets) {
      closeQuietly(s);
    }
    pool.shutdownNow();
    try {
      acceptThread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
