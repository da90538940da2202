package io.github.sparktogetherbatch.emulator.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStoreTest {
  @TempDir Path dir;

  /** Hands out a few bytes at a time, as a socket does. */
  private static InputStream trickle(byte[] data) {
    return new ByteArrayInputStream(data) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 1 + (pos % 7919) * 7));
      }
    };
  }

  @Test
  void etagIsTheMd5OfTheContentAtEverySizeAndLinesAreCounted() throws Exception {
    FileStore store = new FileStore(dir, true);
    Random rnd = new Random(7);
    // below and above the size from which the MD5 is computed on a second thread
    for (int size : new int[] {0, 1, 1000, (int) FileStore.PIPELINE_FROM - 1, 3_300_001}) {
      byte[] data = new byte[size];
      rnd.nextBytes(data);
      long newlines = 0;
      for (byte b : data) {
        newlines += b == '\n' ? 1 : 0;
      }
      String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
      for (long length : new long[] {size, -1}) {
        FileStore.Content c = store.writeTemp(trickle(data), length);
        assertEquals(md5, c.etag, size + " bytes, length " + length);
        assertEquals(size, c.bytes);
        long lines = newlines + (size > 0 && data[size - 1] != '\n' ? 1 : 0);
        assertEquals(lines, c.lines);
        assertEquals(size, Files.size(c.path));
        Files.delete(c.path);
      }
    }
  }

  @Test
  void byDefaultTheEtagIsAChecksumTheSameForTheSameBytesOnly() throws Exception {
    FileStore store = new FileStore(dir, false);
    Random rnd = new Random(11);
    for (int size : new int[] {0, 1, 1000, 3_300_001}) {
      byte[] data = new byte[size];
      rnd.nextBytes(data);
      java.util.zip.CRC32C c32c = new java.util.zip.CRC32C();
      c32c.update(data);
      java.util.zip.CRC32 c32 = new java.util.zip.CRC32();
      c32.update(data);
      String expected = FileStore.checksumETag(c32c.getValue(), c32.getValue(), size);
      assertTrue(expected.matches("[0-9a-f]{32}"), expected);
      for (long length : new long[] {size, -1}) {
        FileStore.Content c = store.writeTemp(trickle(data), length);
        assertEquals(expected, c.etag, size + " bytes, length " + length);
        Files.delete(c.path);
      }
      if (size > 0) {
        data[size / 2] ^= 1;
        FileStore.Content changed = store.writeTemp(trickle(data), size);
        assertNotEquals(expected, changed.etag, "one bit changed, " + size + " bytes");
        Files.delete(changed.path);
      }
    }
  }

  @Test
  void aShortUploadFailsAndLeavesNoTempFile() throws IOException {
    FileStore store = new FileStore(dir, true);
    byte[] data = new byte[2_000_000];
    assertThrows(EOFException.class, () -> store.writeTemp(trickle(data), data.length + 1L));
    try (var s = Files.list(dir.resolve("tmp"))) {
      assertEquals(0, s.count());
    }
  }

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
