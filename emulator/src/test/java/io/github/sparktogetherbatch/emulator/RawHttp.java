package io.github.sparktogetherbatch.emulator;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Socket-level HTTP for what java.net.http cannot express or observe (no Content-Length, short
 * reads).
 */
final class RawHttp implements AutoCloseable {
  final Socket socket;
  final InputStream in;
  final OutputStream out;

  RawHttp(int port) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout(10_000);
    in = new BufferedInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  /** A parsed response; the body is what arrived before the end of stream or Content-Length. */
  static final class Response {
    int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    byte[] body;
    long contentLength = -1;
    boolean shortRead;

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  void write(String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  void write(byte[] b) throws IOException {
    out.write(b);
    out.flush();
  }

  String readLine() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      if (c != '\r') {
        b.write(c);
      }
    }
    if (c < 0 && b.size() == 0) {
      return null;
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  /** Reads one response (status line, headers, Content-Length body, tolerating short reads). */
  Response read() throws IOException {
    Response r = new Response();
    String status = readLine();
    if (status == null) {
      throw new java.io.EOFException("connection closed before a response");
    }
    r.status = Integer.parseInt(status.split(" ")[1]);
    String line;
    while ((line = readLine()) != null && !line.isEmpty()) {
      int colon = line.indexOf(':');
      r.headers.put(
          line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim());
    }
    String cl = r.header("content-length");
    if (r.status == 100) {
      r.body = new byte[0];
      return r;
    }
    if (cl != null) {
      r.contentLength = Long.parseLong(cl);
      byte[] body = in.readNBytes((int) r.contentLength);
      r.shortRead = body.length < r.contentLength;
      r.body = body;
    } else {
      r.body = in.readAllBytes();
    }
    return r;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
