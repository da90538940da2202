package io.github.sparktogetherbatch.ids;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class IdDigestTest {
  @Test
  void radixSortSortsLikeArraysSort() {
    Random rnd = new Random(5);
    for (int n : new int[] {0, 1, 9_999, 10_000, 10_001, 123_457}) {
      long[] a = new long[n];
      for (int i = 0; i < n; i++) {
        int kind = rnd.nextInt(10);
        a[i] =
            kind == 0
                ? Long.MIN_VALUE
                : kind == 1
                    ? Long.MAX_VALUE
                    : kind == 2 ? -1 : kind == 3 ? rnd.nextInt(100) - 50 : rnd.nextLong();
      }
      long[] expected = a.clone();
      java.util.Arrays.sort(expected);
      long[] out = new long[n];
      IdDigest.radixSort(a, out, n);
      assertArrayEquals(expected, out, "n=" + n);
    }
  }

  @Test
  void repeatedAcrossIsRepeatedOfEverythingSorted() throws Exception {
    Random rnd = new Random(8);
    for (int round = 0; round < 300; round++) {
      java.util.List<long[]> arrays = new java.util.ArrayList<>();
      java.util.List<Long> all = new java.util.ArrayList<>();
      for (int k = rnd.nextInt(6); k > 0; k--) {
        long[] a = new long[rnd.nextInt(50)];
        for (int i = 0; i < a.length; i++) {
          a[i] = rnd.nextInt(round % 3 == 0 ? 1000 : 60) - 30;
          all.add(a[i]);
        }
        java.util.Arrays.sort(a);
        arrays.add(a);
      }
      long[] everything = all.stream().mapToLong(Long::longValue).sorted().toArray();
      java.util.List<DigestCursor> cursors = new java.util.ArrayList<>();
      for (long[] a : arrays) {
        cursors.add(DigestCursor.of(a));
      }
      assertArrayEquals(
          IdDigest.repeated(everything), IdDigest.repeatedAcross(cursors), "round " + round);
      long[] merged = new long[everything.length];
      int[] n = {0};
      cursors.clear();
      for (long[] a : arrays) {
        cursors.add(DigestCursor.of(a));
      }
      IdDigest.mergeSorted(cursors, v -> merged[n[0]++] = v);
      assertArrayEquals(everything, merged, "round " + round);
    }
  }

  @Test
  void digests() {
    long[] sorted = {1, 2, 2, 3, 5, 5, 5, 8};
    assertArrayEquals(new long[] {2, 5}, IdDigest.repeated(sorted));
    assertNotEquals(IdDigest.of("a"), IdDigest.of("b"));
  }
}
