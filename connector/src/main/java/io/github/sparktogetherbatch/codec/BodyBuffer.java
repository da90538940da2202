package io.github.sparktogetherbatch.codec;

import java.io.OutputStream;
import java.util.Arrays;

/** A growable byte buffer one request body is written into; reused from row to row. */
final class BodyBuffer extends OutputStream {
  byte[] buf = new byte[8192];
  int size;

  @Override
  public void write(int b) {
    ensure(1);
    buf[size++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, buf, size, len);
    size += len;
  }

  private void ensure(int n) {
    if (size + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
    }
  }

  void reset() {
    size = 0;
  }
}
