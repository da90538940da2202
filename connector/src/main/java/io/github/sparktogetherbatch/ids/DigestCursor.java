package io.github.sparktogetherbatch.ids;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;

/** A forward-only reader of sorted {@link IdDigest}s: an array, a spilled run, or a file. */
interface DigestCursor extends Closeable {
  /** Moves to the next digest; false at the end. */
  boolean next() throws IOException;

  /** The current digest (after {@link #next} returned true). */
  long value();

  @Override
  void close() throws IOException;

  static DigestCursor of(long[] sorted) {
    return new DigestCursor() {
      private int i = -1;

      @Override
      public boolean next() {
        return ++i < sorted.length;
      }

      @Override
      public long value() {
        return sorted[i];
      }

      @Override
      public void close() {}
    };
  }

  static DigestCursor ofChannelRange(FileChannel ch, long offset, long count) {
    return new TaskDigests.ChannelRange(ch, offset, count);
  }

  /** {@code count} big-endian longs from a stream, which the cursor closes. */
  static DigestCursor ofStream(InputStream in, long count) {
    DataInputStream data = new DataInputStream(new BufferedInputStream(in, 64 * 1024));
    return new DigestCursor() {
      private long left = count;
      private long value;

      @Override
      public boolean next() throws IOException {
        if (left == 0) {
          return false;
        }
        try {
          value = data.readLong();
        } catch (EOFException e) {
          throw new IOException("the digest file ended " + left + " value(s) early", e);
        }
        left--;
        return true;
      }

      @Override
      public long value() {
        return value;
      }

      @Override
      public void close() throws IOException {
        data.close();
      }
    };
  }
}
