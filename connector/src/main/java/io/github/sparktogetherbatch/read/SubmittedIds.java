package io.github.sparktogetherbatch.read;

import java.util.Arrays;

/**
 * The custom_ids of a batch's input file, in file order and each once, with whether each has a row
 * yet: what a {@code LinkedHashMap<String, Boolean>} did, in a few flat arrays (the ids' chars back
 * to back, their offsets and hashes, an open-addressing table, a bit set), about 30 bytes per id
 * instead of 100–150 bytes in four objects. The map of a 50,000-request batch lived for the whole
 * partition, so it was promoted to the old generation and died there: with 80 batches in a read
 * that churn made the JVM's heap, and so its RSS, grow with the number of rows. Not thread-safe.
 */
final class SubmittedIds {
  private char[] chars = new char[16 * 1024];
  private int used;

  /** Id {@code i} is {@code chars[starts[i], starts[i + 1])}; {@code starts[count] == used}. */
  private int[] starts = new int[1025];

  private int[] hashes = new int[1024];
  private long[] hasRow = new long[16];
  private int count;

  /** Open addressing: id index + 1, or 0 for an empty slot; at most half full. */
  private int[] table = new int[2048];

  /** The index after the one {@link #indexOf} found last: where an in-order lookup lands. */
  private int expected;

  /** Number of distinct ids. */
  int size() {
    return count;
  }

  /** Adds an id unless it is there already; returns its index either way. */
  int add(String id) {
    int h = id.hashCode();
    int mask = table.length - 1;
    int slot = spread(h) & mask;
    while (table[slot] != 0) {
      int i = table[slot] - 1;
      if (hashes[i] == h && equalsAt(i, id)) {
        return i;
      }
      slot = (slot + 1) & mask;
    }
    int i = count;
    append(id, h);
    table[slot] = i + 1;
    if (2 * count > table.length) {
      rehash(table.length * 2);
    }
    return i;
  }

  /**
   * The index of an id, or -1. Result files list their lines in input order (Together's and the
   * emulator's do, as far as seen), so the id after the last one found is tried first: a hash-table
   * probe is a cache miss on a table of a few hundred KB, and was 7% of a read's CPU samples (JFR,
   * 2026-12-06); the next id in order sits beside the last in memory.
   */
  int indexOf(String id) {
    int h = id.hashCode();
    int next = expected;
    if (next < count && hashes[next] == h && equalsAt(next, id)) {
      expected = next + 1;
      return next;
    }
    int i = probe(id, h);
    if (i >= 0) {
      expected = i + 1;
    }
    return i;
  }

  private int probe(String id, int h) {
    int mask = table.length - 1;
    int slot = spread(h) & mask;
    while (table[slot] != 0) {
      int i = table[slot] - 1;
      if (hashes[i] == h && equalsAt(i, id)) {
        return i;
      }
      slot = (slot + 1) & mask;
    }
    return -1;
  }

  boolean hasRow(int i) {
    return (hasRow[i >>> 6] & (1L << i)) != 0;
  }

  void markRow(int i) {
    hasRow[i >>> 6] |= 1L << i;
  }

  /** Id number {@code i} (0-based, in file order). */
  String id(int i) {
    return new String(chars, starts[i], starts[i + 1] - starts[i]);
  }

  private void append(String id, int h) {
    int n = id.length();
    if (used + n > chars.length) {
      chars = Arrays.copyOf(chars, Math.max(chars.length * 2, used + n));
    }
    id.getChars(0, n, chars, used);
    used += n;
    if (count == hashes.length) {
      hashes = Arrays.copyOf(hashes, hashes.length * 2);
      starts = Arrays.copyOf(starts, hashes.length + 1);
    }
    if ((count >>> 6) >= hasRow.length) {
      hasRow = Arrays.copyOf(hasRow, hasRow.length * 2);
    }
    hashes[count] = h;
    count++;
    starts[count] = used;
  }

  private boolean equalsAt(int i, String id) {
    int start = starts[i];
    int n = starts[i + 1] - start;
    if (n != id.length()) {
      return false;
    }
    for (int k = 0; k < n; k++) {
      if (chars[start + k] != id.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private void rehash(int capacity) {
    int[] t = new int[capacity];
    int mask = capacity - 1;
    for (int i = 0; i < count; i++) {
      int slot = spread(hashes[i]) & mask;
      while (t[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      t[slot] = i + 1;
    }
    table = t;
  }

  /** String hashes of similar ids (digits) differ in their low bits only a little: mix them. */
  private static int spread(int h) {
    int x = h * 0x9E3779B9;
    return x ^ (x >>> 16);
  }
}
