package io.github.sparktogetherbatch.ids;

import io.github.sparktogetherbatch.codec.CustomIds;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * 64-bit digests of {@code custom_id}s, to find duplicates across a whole write without holding the
 * ids themselves: each task sorts one {@code long} per row in bounded memory ({@link TaskDigests})
 * and hands them to the driver, which merges every task's sorted digests. Equal digests are only
 * candidates; an exact check re-reads the ids from the JSONL (the staged file on the executor, the
 * uploaded file on the driver) before anything is reported, so a digest collision never fails a
 * write. A dry run keeps no files to re-read: it reports digests repeated across tasks as
 * duplicates, which for n ids is wrong with odds of about n²/2⁶⁵ (one in 37 for a billion ids, one
 * in 3,700 for a hundred million).
 */
final class IdDigest {
  private IdDigest() {}

  private static final int RADIX_BITS = 13;
  private static final int RADIX_PASSES = 5; // 5 x 13 bits cover 64 bits

  /**
   * Sorts {@code a[0, n)} into {@code out[0, n)} in the signed order of {@link
   * Arrays#sort(long[])}; {@code a} is overwritten. A least-significant-digit radix sort: digests
   * are uniformly spread, and quicksort of a task's 500,000 digests was a tenth of the writer's CPU
   * time. The passes go a → out → a → out → a → out, so the result ends in {@code out}.
   */
  static void radixSort(long[] a, long[] out, int n) {
    long[] src = a;
    long[] dst = out;
    int[] count = new int[(1 << RADIX_BITS) + 1];
    int mask = (1 << RADIX_BITS) - 1;
    for (int pass = 0; pass < RADIX_PASSES; pass++) {
      int shift = pass * RADIX_BITS;
      Arrays.fill(count, 0);
      for (int i = 0; i < n; i++) {
        count[(int) (((src[i] ^ Long.MIN_VALUE) >>> shift) & mask) + 1]++;
      }
      for (int d = 0; d < mask + 1; d++) {
        count[d + 1] += count[d];
      }
      for (int i = 0; i < n; i++) {
        long v = src[i];
        dst[count[(int) (((v ^ Long.MIN_VALUE) >>> shift) & mask)]++] = v;
      }
      long[] t = src;
      src = dst;
      dst = t;
    }
  }

  /** Receives merged digests. */
  interface LongSink {
    void accept(long v) throws IOException;
  }

  /** At most this many repeated digests are collected; more mean real duplicates anyway. */
  static final int MAX_REPEATED = 100_000;

  /**
   * What {@link #repeated} says of all the cursors' digests together, each cursor sorted: a k-way
   * merge, so that nobody holds every digest of a write (8 bytes per row) or sorts them. Closes the
   * cursors.
   */
  static long[] repeatedAcross(List<DigestCursor> cursors) throws IOException {
    return mergeSorted(cursors, null);
  }

  /**
   * Merges sorted cursors into {@code sink} (if not null) in sorted order and returns the values
   * that occur more than once, each once, sorted (at most {@link #MAX_REPEATED}). Closes the
   * cursors.
   */
  static long[] mergeSorted(List<DigestCursor> cursors, LongSink sink) throws IOException {
    Throwable failed = null;
    try {
      int k = cursors.size();
      DigestCursor[] live = new DigestCursor[k];
      long[] head = new long[k];
      // A binary min-heap of the cursors not yet exhausted, keyed by their current value.
      int[] heap = new int[k];
      int h = 0;
      for (int i = 0; i < k; i++) {
        live[i] = cursors.get(i);
        if (live[i].next()) {
          head[i] = live[i].value();
          heap[h++] = i;
        }
      }
      for (int i = h / 2 - 1; i >= 0; i--) {
        siftDown(heap, h, i, head);
      }
      long[] out = new long[0];
      int n = 0;
      boolean havePrev = false;
      long prev = 0;
      while (h > 0) {
        int a = heap[0];
        long v = head[a];
        if (live[a].next()) {
          head[a] = live[a].value();
        } else {
          heap[0] = heap[--h];
        }
        siftDown(heap, h, 0, head);
        if (sink != null) {
          sink.accept(v);
        }
        if (havePrev && v == prev && (n == 0 || out[n - 1] != v) && n < MAX_REPEATED) {
          if (n == out.length) {
            out = Arrays.copyOf(out, Math.max(4, n * 2));
          }
          out[n++] = v;
        }
        prev = v;
        havePrev = true;
      }
      return Arrays.copyOf(out, n);
    } catch (IOException | RuntimeException | Error e) {
      failed = e;
      throw e;
    } finally {
      IOException first = null;
      for (DigestCursor c : cursors) {
        try {
          c.close();
        } catch (IOException e) {
          first = first == null ? e : first;
        }
      }
      if (first != null) {
        if (failed == null) {
          throw first;
        }
        failed.addSuppressed(first); // the merge's own failure is the one to report
      }
    }
  }

  private static void siftDown(int[] heap, int h, int i, long[] head) {
    while (true) {
      int l = 2 * i + 1;
      if (l >= h) {
        return;
      }
      int c = l + 1 < h && head[heap[l + 1]] < head[heap[l]] ? l + 1 : l;
      if (head[heap[c]] >= head[heap[i]]) {
        return;
      }
      int t = heap[i];
      heap[i] = heap[c];
      heap[c] = t;
      i = c;
    }
  }

  /** Whether a cursor's sorted digests share a value with a sorted array. Closes the cursor. */
  static boolean intersects(DigestCursor c, long[] sorted) throws IOException {
    try (c) {
      int j = 0;
      while (j < sorted.length && c.next()) {
        long v = c.value();
        while (j < sorted.length && sorted[j] < v) {
          j++;
        }
        if (j < sorted.length && sorted[j] == v) {
          return true;
        }
      }
      return false;
    }
  }

  /** The digest of one custom_id: the hash of its JSON string literal's UTF-8 bytes. */
  static long of(String customId) {
    return CustomIds.digest(customId);
  }

  /** Values that occur more than once in a sorted array, each once, sorted. */
  static long[] repeated(long[] sorted) {
    long[] out = new long[0];
    int n = 0;
    for (int i = 1; i < sorted.length; i++) {
      if (sorted[i] == sorted[i - 1] && (n == 0 || out[n - 1] != sorted[i])) {
        if (n == out.length) {
          out = Arrays.copyOf(out, Math.max(4, n * 2));
        }
        out[n++] = sorted[i];
      }
    }
    return Arrays.copyOf(out, n);
  }

  /** Whether a sorted array holds {@code v}. */
  static boolean contains(long[] sorted, long v) {
    return Arrays.binarySearch(sorted, v) >= 0;
  }
}
