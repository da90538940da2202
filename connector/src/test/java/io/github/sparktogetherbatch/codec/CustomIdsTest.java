package io.github.sparktogetherbatch.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CustomIdsTest {
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
      assertArrayEquals(jackson(s), CustomIds.quoted(s), s);
    }
    // A lone surrogate has no UTF-8 form: both refuse it.
    assertThrows(IllegalArgumentException.class, () -> jackson("\ud800"));
    assertThrows(IllegalArgumentException.class, () -> CustomIds.quoted("\ud800"));
    Random rnd = new Random(3);
    for (int i = 0; i < 10_000; i++) {
      StringBuilder sb = new StringBuilder();
      for (int j = rnd.nextInt(12); j > 0; j--) {
        sb.append((char) (rnd.nextInt(4) == 0 ? rnd.nextInt(0x3000) : rnd.nextInt(0x80)));
      }
      assertArrayEquals(jackson(sb.toString()), CustomIds.quoted(sb.toString()), sb.toString());
    }
  }
}
