package io.github.sparktogetherbatch.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The strict UTF-8 check (with its eight-bytes-at-a-time ASCII path) agrees with the JDK's decoder.
 */
class Utf8ValidationTest {
  private static boolean jdkValid(byte[] b, int off, int len) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b, off, len));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  @Test
  void agreesWithTheJdkDecoderOnAsciiRunsAndBrokenSequences() {
    Random rnd = new Random(3);
    byte[][] pieces = {
      "plain ascii text ".getBytes(StandardCharsets.UTF_8),
      "é".getBytes(StandardCharsets.UTF_8),
      "€".getBytes(StandardCharsets.UTF_8),
      "😀".getBytes(StandardCharsets.UTF_8),
      {(byte) 0xc3},
      {(byte) 0x80},
      {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
      {(byte) 0xc0, (byte) 0xaf},
      {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
      {(byte) 0xff},
      {'x'}
    };
    for (int round = 0; round < 20_000; round++) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      for (int k = rnd.nextInt(8); k > 0; k--) {
        byte[] p = pieces[rnd.nextInt(pieces.length)];
        out.write(p, 0, p.length);
      }
      byte[] b = out.toByteArray();
      int off = b.length == 0 ? 0 : rnd.nextInt(b.length);
      int len = rnd.nextInt(b.length - off + 1);
      assertEquals(
          jdkValid(b, off, len), JsonValueWriter.isValidUtf8(b, off, len), "round " + round);
    }
  }
}
