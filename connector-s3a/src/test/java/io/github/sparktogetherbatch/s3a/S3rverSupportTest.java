package io.github.sparktogetherbatch.s3a;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.IOUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What S3A asks of the store, checked on s3rver before the round trips rely on it: HEAD and list v2
 * (exists, listStatus, listFiles), a multipart upload (a file over {@code fs.s3a.multipart.size}),
 * ranged GETs (seek), copy (rename), multi-object delete (recursive delete), and {@code
 * create(overwrite=false)} refusing an existing object.
 */
class S3rverSupportTest {
  @RegisterExtension static final S3rverExtension S3 = new S3rverExtension();

  @Test
  void s3aOperationsWork() throws Exception {
    Configuration conf = new Configuration();
    S3.configure(conf);
    conf.set("fs.s3a.multipart.size", "5M");
    conf.set("fs.s3a.multipart.threshold", "5M");
    conf.setBoolean("fs.s3a.impl.disable.cache", true);
    Path dir = new Path("s3a://bucket/support-check");
    try (FileSystem fs = dir.getFileSystem(conf)) {
      byte[] big = new byte[12 * 1024 * 1024];
      new Random(1).nextBytes(big);
      Path a = new Path(dir, "a/big.bin");
      try (OutputStream out = fs.create(a, false)) {
        out.write(big);
      }
      assertEquals(big.length, fs.getFileStatus(a).getLen());
      byte[] back = new byte[big.length];
      try (InputStream in = fs.open(a)) {
        IOUtils.readFully(in, back, 0, back.length);
      }
      assertArrayEquals(big, back);
      byte[] tail = new byte[16];
      try (org.apache.hadoop.fs.FSDataInputStream in = fs.open(a)) {
        in.readFully(big.length - 16, tail);
      }
      assertArrayEquals(java.util.Arrays.copyOfRange(big, big.length - 16, big.length), tail);

      assertThrows(FileAlreadyExistsException.class, () -> fs.create(a, false).close());

      Path b = new Path(dir, "b/big.bin");
      assertTrue(fs.rename(a, b));
      assertFalse(fs.exists(a));
      assertEquals(big.length, fs.getFileStatus(b).getLen());
      for (int i = 0; i < 5; i++) {
        fs.create(new Path(dir, "b/small-" + i), false).close();
      }
      assertEquals(6, fs.listStatus(new Path(dir, "b")).length);
      assertTrue(fs.delete(dir, true));
      assertFalse(fs.exists(dir));
    }
  }
}
