package io.github.sparktogetherbatch.emulator.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * Files on disk under the data directory; ids are mapped to generated names, never used as paths.
 */
public final class FileStore {
  private static final int IO_BUFFER = 256 * 1024;

  /** Uploads from this size on are hashed on a second thread. */
  static final long PIPELINE_FROM = 1024 * 1024;

  /**
   * The chunks a large upload is read in and handed to the hashing thread: 1 MB rather than 256 KB
   * took E2's median upload from 457 to 489 MB/s (15 uploads each, alternating, 2026-12-07): fewer
   * reads from the socket and hand-overs on the receiving core.
   */
  private static final int PIPELINE_CHUNK = 1024 * 1024;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final Path filesDir;
  private final Path tmpDir;
  private final AtomicLong seq = new AtomicLong();
  private final ConcurrentHashMap<String, FileRecord> byId = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, FileRecord> byUploadKey = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final boolean md5ETags;

  /**
   * A store under {@code dataDir}; {@code md5ETags} true makes an upload's ETag its MD5, false a
   * checksum of its bytes ({@link #writeTemp}).
   */
  public FileStore(Path dataDir, boolean md5ETags) throws IOException {
    this.md5ETags = md5ETags;
    this.filesDir = Files.createDirectories(dataDir.resolve("files"));
    this.tmpDir = Files.createDirectories(dataDir.resolve("tmp"));
  }

  /** A new empty file in the store's temp directory. */
  public Path newTempFile(String prefix) throws IOException {
    return Files.createTempFile(tmpDir, prefix, ".part");
  }

  /** Registers a new, not yet uploaded file and returns it. */
  public FileRecord create(String filename, String purpose, String fileType) {
    long n = seq.incrementAndGet();
    String id = "file-" + UUID.randomUUID();
    byte[] key = new byte[16];
    random.nextBytes(key);
    FileRecord r =
        new FileRecord(
            id,
            n,
            filename,
            purpose,
            fileType,
            System.currentTimeMillis() / 1000,
            filesDir.resolve("f" + n + ".bin"),
            HexFormat.of().formatHex(key));
    byId.put(id, r);
    byUploadKey.put(r.uploadKey, r);
    return r;
  }

  /** The file with this id, or null. */
  public FileRecord get(String id) {
    return id == null ? null : byId.get(id);
  }

  /** The file with this upload key, or null. */
  public FileRecord byUploadKey(String key) {
    return key == null ? null : byUploadKey.get(key);
  }

  /** Every file, oldest first. */
  public List<FileRecord> list() {
    List<FileRecord> out = new ArrayList<>(byId.values());
    out.sort(Comparator.comparingLong(r -> r.seq));
    return out;
  }

  /** Deletes a file and its content; false if there is no such file. */
  public boolean delete(String id) {
    FileRecord r = id == null ? null : byId.remove(id);
    if (r == null) {
      return false;
    }
    byUploadKey.remove(r.uploadKey);
    try {
      Files.deleteIfExists(r.path);
    } catch (IOException ignored) {
      // best effort; the data directory is removed on close
    }
    return true;
  }

  /** Deletes every file. */
  public void clear() {
    for (String id : new ArrayList<>(byId.keySet())) {
      delete(id);
    }
  }

  /** Content written to a temp file, not yet attached to a file record. */
  public static final class Content {
    public final Path path;
    final long bytes;
    final long lines;
    final String etag;

    Content(Path path, long bytes, long lines, String etag) {
      this.path = path;
      this.bytes = bytes;
      this.lines = lines;
      this.etag = etag;
    }
  }

  /**
   * Streams exactly {@code length} bytes (all of the stream when negative) into a temp file,
   * counting lines and computing the upload's ETag on the way. By default the ETag is a checksum of
   * the bytes: CRC-32C, CRC-32 and the length in 32 hex digits, so the same bytes always get the
   * same ETag and other bytes another, as storage answers for an encrypted (SSE-KMS) or multipart
   * object, whose ETag is not an MD5; both checksums run on the CPU's own instructions, about 20
   * times the speed of MD5. With MD5 ETags on it is the MD5, as S3 answers a plain PUT: on a second
   * thread ({@link PipelinedMd5}) for uploads of {@value #PIPELINE_FROM} bytes or more, in line for
   * smaller ones.
   */
  public Content writeTemp(InputStream in, long length) throws IOException {
    Path tmp = newTempFile("up");
    boolean ok = false;
    PipelinedMd5 pipelined =
        md5ETags && (length < 0 || length >= PIPELINE_FROM)
            ? new PipelinedMd5(PIPELINE_CHUNK)
            : null;
    try {
      MessageDigest md5 = md5ETags && pipelined == null ? digest("MD5") : null;
      CRC32C crc32c = md5ETags ? null : new CRC32C();
      CRC32 crc32 = md5ETags ? null : new CRC32();
      long lines = 0;
      long total = 0;
      byte last = '\n';
      byte[] buf = pipelined == null ? new byte[IO_BUFFER] : null;
      try (OutputStream out = Files.newOutputStream(tmp)) {
        while (length < 0 || total < length) {
          if (pipelined != null) {
            buf = pipelined.buffer();
          }
          int want = length < 0 ? buf.length : (int) Math.min(buf.length, length - total);
          int n = fill(in, buf, want);
          if (n < want && length >= 0) {
            throw new java.io.EOFException("upload ended early");
          }
          if (n == 0) {
            if (pipelined != null) {
              pipelined.recycle(buf);
            }
            break; // the end of a stream of unknown length
          }
          out.write(buf, 0, n);
          lines += countNewlines(buf, n);
          last = buf[n - 1];
          total += n;
          if (pipelined != null) {
            pipelined.hashAndRecycle(buf, n);
          } else if (md5 != null) {
            md5.update(buf, 0, n);
          } else {
            crc32c.update(buf, 0, n);
            crc32.update(buf, 0, n);
          }
        }
      }
      if (total > 0 && last != '\n') {
        lines++;
      }
      String etag =
          pipelined != null
              ? pipelined.finish()
              : md5 != null
                  ? HexFormat.of().formatHex(md5.digest())
                  : checksumETag(crc32c.getValue(), crc32.getValue(), total);
      ok = true;
      return new Content(tmp, total, lines, etag);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("upload interrupted");
    } finally {
      if (pipelined != null) {
        pipelined.close();
      }
      if (!ok) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** Reads until {@code buf[0, want)} is full or the stream ends; returns the bytes read. */
  private static int fill(InputStream in, byte[] buf, int want) throws IOException {
    int n = 0;
    while (n < want) {
      int r = in.read(buf, n, want - n);
      if (r < 0) {
        break;
      }
      n += r;
    }
    return n;
  }

  /**
   * Newlines in {@code buf[0..n)}, eight bytes at a time (the exact zero-byte test of "Bit
   * Twiddling Hacks" on {@code word ^ 0x0A0A...}, then a popcount). A byte-at-a-time loop inside
   * {@link #writeTemp} was the emulator's top cost on uploads (about 100 MB/s on a busy 2-core
   * machine); this is several times faster.
   */
  static int countNewlines(byte[] buf, int n) {
    int lines = 0;
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      long x = (long) LONGS.get(buf, i) ^ 0x0A0A0A0A0A0A0A0AL;
      long y = (x & 0x7F7F7F7F7F7F7F7FL) + 0x7F7F7F7F7F7F7F7FL;
      lines += Long.bitCount(~(y | x | 0x7F7F7F7F7F7F7F7FL));
    }
    for (; i < n; i++) {
      lines += buf[i] == '\n' ? 1 : 0;
    }
    return lines;
  }

  /** The default ETag: CRC-32C, CRC-32 and the length, 32 hex digits like an MD5. */
  static String checksumETag(long crc32c, long crc32, long length) {
    return String.format("%08x%08x%016x", crc32c, crc32, length);
  }

  /** Makes written content the file's content, replacing any earlier content. */
  public void commit(FileRecord r, Content c) throws IOException {
    try {
      synchronized (r) {
        Files.move(
            c.path, r.path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        r.bytes = c.bytes;
        r.lines = c.lines;
        r.etag = c.etag;
        r.sha256 = null;
        r.uploaded = true;
      }
    } finally {
      Files.deleteIfExists(c.path);
    }
  }

  /** Streams an upload into the file: an interrupted upload leaves the previous content. */
  public void storeUpload(FileRecord r, InputStream in, long length) throws IOException {
    commit(r, writeTemp(in, length));
  }

  /** Registers generated content (a batch output or error file), moving it into the store. */
  public FileRecord registerGenerated(Path content, String filename, long lines)
      throws IOException {
    FileRecord r = create(filename, "batch-generated", "jsonl");
    Files.move(
        content, r.path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    r.bytes = Files.size(r.path);
    r.lines = lines;
    r.uploaded = true;
    r.processed = true;
    byUploadKey.remove(r.uploadKey);
    return r;
  }

  /** An uploaded file whose SHA-256 (hex, case-insensitive) matches, or null. Hashes lazily. */
  public FileRecord findBySha256(String hex) throws IOException {
    for (FileRecord r : list()) {
      if (!r.uploaded) {
        continue;
      }
      String h = r.sha256;
      if (h == null) {
        h = sha256(r);
      }
      if (h != null && h.equalsIgnoreCase(hex)) {
        return r;
      }
    }
    return null;
  }

  private String sha256(FileRecord r) throws IOException {
    synchronized (r) {
      if (r.sha256 != null) {
        return r.sha256;
      }
      MessageDigest sha = digest("SHA-256");
      byte[] buf = new byte[IO_BUFFER];
      try (InputStream in = Files.newInputStream(r.path)) {
        int n;
        while ((n = in.read(buf)) > 0) {
          sha.update(buf, 0, n);
        }
      } catch (java.nio.file.NoSuchFileException e) {
        return null;
      }
      r.sha256 = HexFormat.of().formatHex(sha.digest());
      return r.sha256;
    }
  }

  private static MessageDigest digest(String alg) {
    try {
      return MessageDigest.getInstance(alg);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
