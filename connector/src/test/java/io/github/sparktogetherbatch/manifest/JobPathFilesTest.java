package io.github.sparktogetherbatch.manifest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobPathFilesTest {
  @TempDir java.nio.file.Path tmp;

  private static FileSystem local(String umask) throws Exception {
    Configuration conf = new Configuration(false);
    conf.set("fs.permissions.umask-mode", umask);
    conf.setBoolean("fs.file.impl.disable.cache", true);
    return FileSystem.getLocal(conf);
  }

  private static void assertMode(String expected, java.nio.file.Path p) throws Exception {
    assertEquals(expected, PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
  }

  @Test
  void localFilesAndFoldersGetHadoopsPermissionsUnderItsUmask() throws Exception {
    FileSystem fs = local("077");
    Path file = new Path(tmp.toUri().toString() + "/a/b/c.json");
    try (OutputStream out = JobPathFiles.create(fs, file, false)) {
      out.write("{}".getBytes(StandardCharsets.UTF_8));
    }
    java.nio.file.Path f = tmp.resolve("a/b/c.json");
    assertMode("rw-------", f);
    assertMode("rwx------", tmp.resolve("a"));
    assertMode("rwx------", tmp.resolve("a/b"));
    assertEquals("{}", Files.readString(f));

    FileSystem defaults = local("022");
    Path other = new Path(tmp.toUri().toString() + "/d/e.bin");
    JobPathFiles.create(defaults, other, true).close();
    assertMode("rw-r--r--", tmp.resolve("d/e.bin"));
    assertMode("rwxr-xr-x", tmp.resolve("d"));
  }

  @Test
  void withoutOverwriteAnExistingFileFailsAsHadoopsCreateDoes() throws Exception {
    FileSystem fs = local("022");
    Path file = new Path(tmp.toUri().toString() + "/m.json");
    JobPathFiles.create(fs, file, false).close();
    assertThrows(FileAlreadyExistsException.class, () -> JobPathFiles.create(fs, file, false));
    assertThrows(
        FileAlreadyExistsException.class, () -> fs.create(file, false), "Hadoop's own call agrees");
  }

  @Test
  void overwritingAFileHadoopWroteDropsItsChecksumSoHadoopReadsTheNewContent() throws Exception {
    FileSystem fs = local("022");
    Path file = new Path(tmp.toUri().toString() + "/r.txt");
    try (OutputStream out = fs.create(file, true)) {
      out.write("written by Hadoop, with a checksum file".getBytes(StandardCharsets.UTF_8));
    }
    assertTrue(Files.exists(tmp.resolve(".r.txt.crc")));
    try (OutputStream out = JobPathFiles.create(fs, file, true)) {
      out.write("new".getBytes(StandardCharsets.UTF_8));
    }
    assertFalse(Files.exists(tmp.resolve(".r.txt.crc")));
    try (InputStream in = fs.open(file)) {
      assertArrayEquals("new".getBytes(StandardCharsets.UTF_8), in.readAllBytes());
    }
    assertTrue(fs.delete(file, false));
    assertFalse(Files.exists(tmp.resolve("r.txt")));
  }

  @Test
  void mkdirsMakesEveryMissingFolderAndAcceptsAnExistingOne() throws Exception {
    FileSystem fs = local("022");
    Path dir = new Path(tmp.toUri().toString() + "/x/y/z");
    assertTrue(JobPathFiles.mkdirs(fs, dir));
    assertTrue(Files.isDirectory(tmp.resolve("x/y/z")));
    assertTrue(JobPathFiles.mkdirs(fs, dir));
    Files.writeString(tmp.resolve("plain"), "a file");
    assertThrows(
        java.io.IOException.class,
        () -> JobPathFiles.mkdirs(fs, new Path(tmp.toUri().toString() + "/plain/sub")));
  }

  @Test
  void modeBitsMapToPosixPermissions() {
    assertEquals("rwxr-x--x", PosixFilePermissions.toString(JobPathFiles.posix((short) 0751)));
    assertEquals("---------", PosixFilePermissions.toString(JobPathFiles.posix((short) 0)));
  }
}
