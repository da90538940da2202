package io.github.sparktogetherbatch.client;

import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLSocket;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.io.DefaultBHttpClientConnection;
import org.apache.hc.core5.http.impl.io.SocketHolder;
import org.apache.hc.core5.http.io.HttpConnectionFactory;
import org.apache.hc.core5.util.Timeout;

/**
 * An HTTP/1.1 client connection without HttpClient's header and wire logging. HttpClient's own
 * connection logs every request header, {@code Authorization} included, to its {@code headers} and
 * {@code wire} loggers at DEBUG; with this one, the API key reaches no logger at any level.
 */
final class QuietConnection extends DefaultBHttpClientConnection
    implements ManagedHttpClientConnection {
  private volatile Timeout socketTimeout;

  QuietConnection() {
    super(Http1Config.DEFAULT);
  }

  /** Creates {@link QuietConnection}s for a connection pool. */
  static final class Factory implements HttpConnectionFactory<ManagedHttpClientConnection> {
    static final Factory INSTANCE = new Factory();

    @Override
    public ManagedHttpClientConnection createConnection(Socket socket) throws IOException {
      QuietConnection c = new QuietConnection();
      if (socket != null) {
        c.bind(socket);
      }
      return c;
    }

    @Override
    public ManagedHttpClientConnection createConnection(SSLSocket sslSocket, Socket socket)
        throws IOException {
      QuietConnection c = new QuietConnection();
      if (sslSocket != null) {
        c.bind(sslSocket, socket);
      } else if (socket != null) {
        c.bind(socket);
      }
      return c;
    }
  }

  @Override
  public void bind(Socket socket) throws IOException {
    super.bind(socket);
    socketTimeout = Timeout.ofMilliseconds(socket.getSoTimeout());
  }

  @Override
  public void bind(SSLSocket sslSocket, Socket socket) throws IOException {
    super.bind(sslSocket, socket);
    socketTimeout = Timeout.ofMilliseconds(sslSocket.getSoTimeout());
  }

  @Override
  public Socket getSocket() {
    SocketHolder holder = getSocketHolder();
    return holder == null ? null : holder.getSocket();
  }

  @Override
  public void setSocketTimeout(Timeout timeout) {
    super.setSocketTimeout(timeout);
    socketTimeout = timeout;
  }

  @Override
  public void passivate() {
    super.setSocketTimeout(Timeout.ZERO_MILLISECONDS);
  }

  @Override
  public void activate() {
    Timeout t = socketTimeout;
    if (t != null) {
      super.setSocketTimeout(t);
    }
  }
}
