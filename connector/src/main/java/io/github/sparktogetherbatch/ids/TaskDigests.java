package io.github.sparktogetherbatch.ids;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One task's custom_id {@link IdDigest}s in bounded memory. Digests collect in a fixed-size chunk;
 * a full chunk is sorted and appended to a local spill file as a sorted run. At the end, a task
 * with at most {@link #MESSAGE_LIMIT} digests hands them over as a sorted array (they travel in the
 * commit message, which the driver holds until the job commits); a larger one merges them into one
 * sorted stream ({@link #mergeTo}), which the writer stores next to the job for the driver. The
 * merge reads at most {@link #MAX_FAN_IN} runs at a time (in passes, for a partition of more than
 * {@code MAX_FAN_IN} chunks), so the task holds two chunks and {@code MAX_FAN_IN} small buffers at
 * most, whatever the partition's size.
 */
final class TaskDigests implements Closeable {
  /** Digests per chunk (8 bytes each, plus as much scratch space for the sort). */
  static final int DEFAULT_CHUNK = 1 << 17;

  /**
   * The most digests a commit message carries (64 KB): the driver holds every task's message, so
   * more would grow the driver's memory with the rows of the write.
   */
  static final int MESSAGE_LIMIT = 8192;

  /** The most sorted streams merged at once, here and on the driver (each with a small buffer). */
  static final int MAX_FAN_IN = 64;

  /**
   * Tests lower this to make small writes spill and go through the file path: in this JVM directly,
   * in executor JVMs with {@code -Dio.github.sparktogetherbatch.digestChunk=<n>}.
   */
  static volatile int chunkSize =
      Integer.getInteger("io.github.sparktogetherbatch.digestChunk", DEFAULT_CHUNK);

  private final Path spillFile;
  private final long[] chunk;
  private long[] scratch;
  private int n;
  private long total;
  private final List<long[]> runs = new ArrayList<>(); // {offset in bytes, count}
  private final List<Path> passFiles = new ArrayList<>(); // a merge's intermediate files
  private LongWriter spill;
  private long spilledBytes;
  private boolean finished;

  TaskDigests(Path spillFile) {
    this.spillFile = spillFile;
    this.chunk = new long[Math.max(2, chunkSize)];
  }

  void add(long digest) throws IOException {
    if (finished) {
      throw new IllegalStateException("digests were already finished");
    }
    if (n == chunk.length) {
      spillChunk();
    }
    chunk[n++] = digest;
    total++;
  }

  long count() {
    return total;
  }

  /**
   * Whether the digests go in the commit message ({@link #sortedInMemory}), not {@link #mergeTo}.
   */
  boolean fitMessage() {
    return runs.isEmpty() && n <= MESSAGE_LIMIT;
  }

  /** The digests, sorted, when they {@link #fitMessage}; the task may add nothing afterwards. */
  long[] sortedInMemory() {
    if (!fitMessage()) {
      throw new IllegalStateException("too many digests for a commit message: use mergeTo");
    }
    finished = true;
    long[] out = Arrays.copyOf(sortChunk(), n);
    n = 0;
    return out;
  }

  /**
   * Merges every digest (spilled runs and the last chunk) in sorted order into {@code out}, as
   * 8-byte big-endian values, and returns the values that occur more than once, each once, sorted.
   */
  long[] mergeTo(OutputStream out) throws IOException {
    finished = true;
    if (n > 0) {
      spillChunk();
    }
    if (spill != null) {
      spill.close();
      spill = null;
    }
    scratch = null;
    Path from = spillFile;
    List<long[]> fromRuns = runs;
    for (int pass = 1; fromRuns.size() > MAX_FAN_IN; pass++) {
      // Too many runs to read at once: merge them MAX_FAN_IN at a time into fewer, longer runs.
      Path to = spillFile.resolveSibling(spillFile.getFileName() + ".pass" + pass);
      passFiles.add(to);
      List<long[]> toRuns = new ArrayList<>();
      try (FileChannel ch = FileChannel.open(from, StandardOpenOption.READ);
          LongWriter w = new LongWriter(Files.newOutputStream(to))) {
        long offset = 0;
        for (int i = 0; i < fromRuns.size(); i += MAX_FAN_IN) {
          List<long[]> group = fromRuns.subList(i, Math.min(fromRuns.size(), i + MAX_FAN_IN));
          long count = 0;
          for (long[] r : group) {
            count += r[1];
          }
          IdDigest.mergeSorted(cursors(ch, group), w);
          toRuns.add(new long[] {offset, count});
          offset += 8 * count;
        }
      }
      if (!from.equals(spillFile)) {
        Files.deleteIfExists(from);
      }
      from = to;
      fromRuns = toRuns;
    }
    if (fromRuns.isEmpty()) {
      return new long[0]; // no rows
    }
    try (FileChannel ch = FileChannel.open(from, StandardOpenOption.READ)) {
      LongWriter data = new LongWriter(out);
      long[] repeated = IdDigest.mergeSorted(cursors(ch, fromRuns), data);
      data.flush();
      return repeated;
    }
  }

  private static List<DigestCursor> cursors(FileChannel ch, List<long[]> runs) {
    List<DigestCursor> cursors = new ArrayList<>(runs.size());
    for (long[] r : runs) {
      cursors.add(DigestCursor.ofChannelRange(ch, r[0], r[1]));
    }
    return cursors;
  }

  private long[] sortChunk() {
    if (scratch == null) {
      scratch = new long[chunk.length];
    }
    if (n < 10_000) {
      System.arraycopy(chunk, 0, scratch, 0, n);
      Arrays.sort(scratch, 0, n);
    } else {
      IdDigest.radixSort(chunk, scratch, n); // ends in scratch; chunk is overwritten
    }
    return scratch;
  }

  private void spillChunk() throws IOException {
    long[] sorted = sortChunk();
    if (spill == null) {
      Files.createDirectories(spillFile.getParent());
      spill =
          new LongWriter(
              Files.newOutputStream(
                  spillFile,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.TRUNCATE_EXISTING,
                  StandardOpenOption.WRITE));
    }
    for (int i = 0; i < n; i++) {
      spill.accept(sorted[i]);
    }
    spill.flush();
    runs.add(new long[] {spilledBytes, n});
    spilledBytes += 8L * n;
    n = 0;
  }

  /** Deletes the spill file. */
  @Override
  public void close() {
    try {
      if (spill != null) {
        spill.close();
      }
    } catch (IOException ignored) {
      // deleting below
    }
    List<Path> files = new ArrayList<>(passFiles);
    files.add(spillFile);
    for (Path f : files) {
      try {
        Files.deleteIfExists(f);
      } catch (IOException ignored) {
        // a temporary file of the task; the staging directory is cleaned with it
      }
    }
  }

  /** Writes big-endian longs through a 64 KB block (one call per block, not per value). */
  static final class LongWriter implements IdDigest.LongSink, Closeable {
    private static final VarHandle BIG_ENDIAN =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private final OutputStream out;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;

    LongWriter(OutputStream out) {
      this.out = out;
    }

    @Override
    public void accept(long v) throws IOException {
      if (pos == buf.length) {
        flushBlock();
      }
      BIG_ENDIAN.set(buf, pos, v);
      pos += 8;
    }

    private void flushBlock() throws IOException {
      out.write(buf, 0, pos);
      pos = 0;
    }

    void flush() throws IOException {
      flushBlock();
      out.flush();
    }

    @Override
    public void close() throws IOException {
      flush();
      out.close();
    }
  }

  /** Reads big-endian longs from a range of a channel through a small buffer. */
  static final class ChannelRange implements DigestCursor {
    private final FileChannel ch;
    private final ByteBuffer buf = ByteBuffer.allocate(32 * 1024);
    private long pos;
    private long left;
    private long value;

    ChannelRange(FileChannel ch, long offset, long count) {
      this.ch = ch;
      this.pos = offset;
      this.left = count;
      buf.limit(0);
    }

    @Override
    public boolean next() throws IOException {
      if (left == 0) {
        return false;
      }
      if (buf.remaining() < 8) {
        buf.compact();
        while (buf.position() < 8) {
          int r = ch.read(buf, pos);
          if (r < 0) {
            throw new IOException("digest spill file ended early");
          }
          pos += r;
        }
        buf.flip();
      }
      left--;
      value = buf.getLong();
      return true;
    }

    @Override
    public long value() {
      return value;
    }

    @Override
    public void close() {}
  }
}
