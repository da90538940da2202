package io.github.sparktogetherbatch.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IdDigestTest {
  private static byte[] jackson(String s) {
    byte[] body = JsonStringEncoder.getInstance().quoteAsUTF8(s);
    byte[] out = new byte[body.length + 2];
    out[0] = '"';
    System.arraycopy(body, 0, out, 1, body.length);
    out[out.length - 1] = '"';
    return out;
  }

  @Test
  void quotedIsJacksonsStringLiteral() {
    String[] fixed = {
      "",
      "0",
      "-17",
      "id-42",
      "a\"b",
      "back\\slash",
      "tab\there",
      "nl\n",
      "\u0000",
      "\u007f",
      "\u00e9t\u00e9",
      "\u4e2d",
      "\ud83d\ude00",
      "/slash"
    };
    for (String s : fixed) {
      assertArrayEquals(jackson(s), IdDigest.quoted(s), s);
    }
    // A lone surrogate has no UTF-8 form: both refuse it.
    assertThrows(IllegalArgumentException.class, () -> jackson("\ud800"));
    assertThrows(IllegalArgumentException.class, () -> IdDigest.quoted("\ud800"));
    Random rnd = new Random(3);
    for (int i = 0; i < 10_000; i++) {
      StringBuilder sb = new StringBuilder();
      for (int j = rnd.nextInt(12); j > 0; j--) {
        sb.append((char) (rnd.nextInt(4) == 0 ? rnd.nextInt(0x3000) : rnd.nextInt(0x80)));
      }
      assertArrayEquals(jackson(sb.toString()), IdDigest.quoted(sb.toString()), sb.toString());
    }
  }

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
}
