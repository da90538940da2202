package io.github.sparktogetherbatch.emulator.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FileStoreTest {
  @Test
  void countsNewlinesLikeAByteLoop() {
    Random rnd = new Random(42);
    for (int round = 0; round < 2000; round++) {
      byte[] b = new byte[rnd.nextInt(70)];
      for (int i = 0; i < b.length; i++) {
        // newlines, their neighbours in value, high bytes and zeros
        int pick = rnd.nextInt(6);
        b[i] =
            (byte)
                (pick == 0
                    ? '\n'
                    : pick == 1
                        ? 0x0B
                        : pick == 2 ? 0x09 : pick == 3 ? 0x8A : pick == 4 ? 0 : rnd.nextInt(256));
      }
      int n = b.length == 0 ? 0 : rnd.nextInt(b.length + 1);
      int expected = 0;
      for (int i = 0; i < n; i++) {
        expected += b[i] == '\n' ? 1 : 0;
      }
      assertEquals(expected, FileStore.countNewlines(b, n), "round " + round);
    }
    byte[] all = new byte[64];
    java.util.Arrays.fill(all, (byte) '\n');
    assertEquals(64, FileStore.countNewlines(all, 64));
    assertEquals(63, FileStore.countNewlines(all, 63));
  }
}
