package io.github.sparktogetherbatch.emulator;

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
                b[i] = (byte) (pick == 0 ? '\n' : pick == 1 ? 0x0B : pick == 2 ? 0x09 : pick == 3 ? 0x8A
                        : pick == 4 ? 0 : rnd.nextInt(256));
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

    @Test
    void contentHashDependsOnTheBytesNotOnHowTheyArrive() {
        Random rnd = new Random(9);
        for (int round = 0; round < 200; round++) {
            byte[] content = new byte[rnd.nextInt(100)];
            rnd.nextBytes(content);
            FileStore.ContentHash whole = new FileStore.ContentHash();
            whole.update(content, content.length);
            FileStore.ContentHash pieces = new FileStore.ContentHash();
            int i = 0;
            while (i < content.length) {
                int n = Math.min(content.length - i, 1 + rnd.nextInt(11));
                pieces.update(java.util.Arrays.copyOfRange(content, i, i + n), n);
                i += n;
            }
            assertEquals(whole.hex(), pieces.hex(), "round " + round);
            assertEquals(32, whole.hex().length());
        }
        FileStore.ContentHash a = new FileStore.ContentHash();
        a.update(new byte[] {1, 2, 3}, 3);
        FileStore.ContentHash b = new FileStore.ContentHash();
        b.update(new byte[] {1, 2, 4}, 3);
        org.junit.jupiter.api.Assertions.assertNotEquals(a.hex(), b.hex());
    }
}
