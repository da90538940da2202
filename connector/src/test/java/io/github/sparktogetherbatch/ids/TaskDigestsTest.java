package io.github.sparktogetherbatch.ids;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task's digests: in memory up to one chunk, sorted runs on local disk beyond, merged at the end.
 */
class TaskDigestsTest {
  @TempDir Path tmp;

  @AfterEach
  void restore() {
    TaskDigests.chunkSize = TaskDigests.DEFAULT_CHUNK;
  }

  @Test
  void oneChunkStaysInMemory() throws Exception {
    TaskDigests.chunkSize = 100;
    Path spill = tmp.resolve("d.bin");
    try (TaskDigests d = new TaskDigests(spill)) {
      long[] v = {5, -3, 5, 9, Long.MIN_VALUE};
      for (long x : v) {
        d.add(x);
      }
      assertTrue(d.fitMessage());
      assertEquals(5, d.count());
      long[] sorted = v.clone();
      Arrays.sort(sorted);
      assertArrayEquals(sorted, d.sortedInMemory());
      assertThrows(IllegalStateException.class, () -> d.add(1));
      assertFalse(Files.exists(spill));
    }
  }

  @Test
  void manyChunksSpillAndMergeSortedWithTheirRepeats() throws Exception {
    Random rnd = new Random(11);
    for (int chunk : new int[] {2, 7, 1000, 20_000}) {
      TaskDigests.chunkSize = chunk;
      for (int n : new int[] {chunk + 1, 3 * chunk, 50_001}) {
        Path spill = tmp.resolve("d-" + chunk + "-" + n + ".bin");
        long[] all = new long[n];
        try (TaskDigests d = new TaskDigests(spill)) {
          for (int i = 0; i < n; i++) {
            all[i] = rnd.nextInt(4) == 0 ? rnd.nextInt(n) : rnd.nextLong();
            d.add(all[i]);
          }
          assertFalse(d.fitMessage(), "chunk " + chunk + ", n " + n);
          assertTrue(Files.exists(spill));
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          long[] repeated = d.mergeTo(out);
          Arrays.sort(all);
          assertArrayEquals(IdDigest.repeated(all), repeated, "chunk " + chunk + ", n " + n);
          long[] merged = new long[n];
          try (DataInputStream in =
              new DataInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            for (int i = 0; i < n; i++) {
              merged[i] = in.readLong();
            }
            assertEquals(-1, in.read(), "nothing after the digests");
          }
          assertArrayEquals(all, merged, "chunk " + chunk + ", n " + n);
        }
        assertFalse(Files.exists(spill), "close deletes the spill file");
        try (var left = Files.list(tmp)) {
          assertEquals(0, left.count(), "close deletes the merge passes' files too");
        }
      }
    }
  }

  @Test
  void moreDigestsThanAMessageTakesGoThroughMergeInOneChunk() throws Exception {
    Random rnd = new Random(5);
    int n = TaskDigests.MESSAGE_LIMIT + 1;
    long[] all = new long[n];
    Path spill = tmp.resolve("m.bin");
    try (TaskDigests d = new TaskDigests(spill)) {
      for (int i = 0; i < n; i++) {
        all[i] = i == n - 1 ? all[7] : rnd.nextLong();
        d.add(all[i]);
      }
      assertFalse(d.fitMessage());
      assertFalse(Files.exists(spill), "one chunk: nothing spilled yet");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertArrayEquals(new long[] {all[7]}, d.mergeTo(out));
      assertEquals(8L * n, out.size());
      assertThrows(IllegalStateException.class, d::sortedInMemory);
    }
    assertFalse(Files.exists(spill));
  }

  @Test
  void streamCursorReadsWhatMergeWrote() throws Exception {
    TaskDigests.chunkSize = 3;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TaskDigests d = new TaskDigests(tmp.resolve("s.bin"))) {
      for (long x : new long[] {4, 1, 3, 2, 5, 0, 9}) {
        d.add(x);
      }
      assertArrayEquals(new long[0], d.mergeTo(out));
    }
    DigestCursor c = DigestCursor.ofStream(new ByteArrayInputStream(out.toByteArray()), 7);
    long[] got = new long[7];
    int i = 0;
    while (c.next()) {
      got[i++] = c.value();
    }
    c.close();
    assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 9}, got);
    DigestCursor shortFile = DigestCursor.ofStream(new ByteArrayInputStream(out.toByteArray()), 8);
    assertThrows(
        java.io.IOException.class,
        () -> {
          while (shortFile.next()) {
            shortFile.value();
          }
        });
    assertTrue(IdDigest.intersects(DigestCursor.of(new long[] {1, 5, 8}), new long[] {2, 8}));
    assertFalse(IdDigest.intersects(DigestCursor.of(new long[] {1, 5, 8}), new long[] {2, 9}));
  }
}
