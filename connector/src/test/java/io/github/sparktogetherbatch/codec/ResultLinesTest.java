package io.github.sparktogetherbatch.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ResultLinesTest {
  /** A stream that hands out at most {@code max} bytes per read. */
  private static InputStream trickle(byte[] b, int max) {
    return new FilterInputStream(new ByteArrayInputStream(b)) {
      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        return super.read(buf, off, Math.min(len, max));
      }
    };
  }

  private static List<String> lines(byte[] b, int max) throws IOException {
    List<String> out = new ArrayList<>();
    try (ResultLines l = new ResultLines(trickle(b, max))) {
      while (l.next()) {
        out.add(l.asString());
      }
    }
    return out;
  }

  private static List<String> readLines(String s) throws IOException {
    List<String> out = new ArrayList<>();
    BufferedReader r = new BufferedReader(new StringReader(s));
    String line;
    while ((line = r.readLine()) != null) {
      out.add(line);
    }
    return out;
  }

  @Test
  void splitsLinesAsBufferedReaderDoes() throws IOException {
    String[] cases = {
      "",
      "a",
      "a\n",
      "a\nb",
      "a\r\nb\r\n",
      "a\rb\r",
      "\n\n",
      "\r\n\r\n",
      "a\r\r\nb",
      "\u00e9\u4e2d\n\ud83d\ude00\r\nx",
      "{\"a\":1}\n{\"b\":2}\n"
    };
    for (String c : cases) {
      for (int max : new int[] {1, 2, 3, 100}) {
        assertEquals(
            readLines(c),
            lines(c.getBytes(StandardCharsets.UTF_8), max),
            "'" + c + "' read " + max + " bytes at a time");
      }
    }
  }

  @Test
  void randomInputsAndLinesLongerThanTheBuffer() throws IOException {
    Random rnd = new Random(7);
    char[] alphabet = {'a', 'b', '\n', '\r', ' ', '\u00e9', '{'};
    for (int round = 0; round < 200; round++) {
      StringBuilder sb = new StringBuilder();
      int n = rnd.nextInt(round % 10 == 0 ? 300_000 : 200);
      for (int i = 0; i < n; i++) {
        sb.append(
            round % 10 == 0 && rnd.nextInt(50_000) != 0
                ? 'x'
                : alphabet[rnd.nextInt(alphabet.length)]);
      }
      String s = sb.toString();
      assertEquals(
          readLines(s),
          lines(s.getBytes(StandardCharsets.UTF_8), 1 + rnd.nextInt(70_000)),
          "round " + round);
    }
  }

  @Test
  void blankMeansWhatStringIsBlankSays() throws IOException {
    String s = "  \t\n\u3000 \nx\n \u00a0\n\u000b\f\n";
    List<Boolean> got = new ArrayList<>();
    try (ResultLines l =
        new ResultLines(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)))) {
      while (l.next()) {
        got.add(l.isBlank());
      }
    }
    List<Boolean> expected = new ArrayList<>();
    for (String line : readLines(s)) {
      expected.add(line.isBlank());
    }
    assertEquals(expected, got);
    assertTrue(got.get(0));
    assertFalse(got.get(2));
  }

  @Test
  void malformedUtf8DecodesLikeAReader() throws IOException {
    byte[] b = {'a', (byte) 0xff, 'b', '\n', (byte) 0xe2, (byte) 0x82, '\n', 'c'};
    List<String> expected = new ArrayList<>();
    BufferedReader r =
        new BufferedReader(
            new InputStreamReader(new ByteArrayInputStream(b), StandardCharsets.UTF_8));
    String line;
    while ((line = r.readLine()) != null) {
      expected.add(line);
    }
    assertEquals(expected, lines(b, 3));
  }
}
