package io.github.sparktogetherbatch.write;

import io.github.sparktogetherbatch.codec.CustomIdRecord;
import io.github.sparktogetherbatch.codec.RequestEncoder;
import io.github.sparktogetherbatch.codec.UnsyncBufferedOutput;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's rolling local JSONL files: lines go into the current file through a buffer, and a new
 * file starts whenever the next line would take the current one past the request or byte limit of
 * one batch. Each file becomes one batch input file. Beside each, a record of its custom_ids
 * ({@link CustomIdRecord}, {@code <name>.ids.gz}) is written as the lines are. Files are named
 * {@code <prefix>-NNN.jsonl} ({@link WriteFileNames}; the same name is used for the upload, so a
 * write's files can be found in the account).
 */
final class StagingFiles implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(StagingFiles.class);
  private static final int BUFFER = 256 * 1024;

  /** One finished staged file, and the record of its custom_ids ({@link CustomIdRecord}). */
  record Staged(Path path, Path ids, String fileName, long requests, long bytes) {}

  private final Path dir;
  private final String prefix;
  private final int maxRequests;
  private final long maxBytes;
  private final List<Staged> finished = new ArrayList<>();
  private OutputStream out;
  private OutputStream idsOut;
  private Path current;
  private Path currentIds;
  private String currentName;
  private long requests;
  private long bytes;
  private boolean closed;
  private int opened;
  private long totalBytes;

  StagingFiles(Path dir, String prefix, int maxRequests, long maxBytes) {
    this.dir = dir;
    this.prefix = prefix;
    this.maxRequests = maxRequests;
    this.maxBytes = maxBytes;
  }

  /** Whether a line of {@code lineBytes} fits an empty file at all. */
  boolean fits(long lineBytes) {
    return lineBytes <= maxBytes;
  }

  /** Appends the encoder's current line, first starting a new file if the limits require it. */
  void append(RequestEncoder encoder) throws IOException {
    if (closed) {
      throw new IllegalStateException("staging is closed");
    }
    int len = encoder.lineLength();
    if (out != null && (requests + 1 > maxRequests || bytes + len > maxBytes)) {
      roll();
    }
    if (out == null) {
      open();
    }
    encoder.writeLine(out);
    encoder.writeIdRecord(idsOut);
    requests++;
    bytes += len;
    totalBytes += len;
  }

  /** Files started so far (each becomes one upload). */
  int filesStarted() {
    return opened;
  }

  /** Files so far with at least {@code minRequests} requests (each uploaded by the task). */
  int filesToUpload(int minRequests) {
    int n = out != null && requests >= minRequests ? 1 : 0;
    for (Staged s : finished) {
      n += s.requests() >= minRequests ? 1 : 0;
    }
    return n;
  }

  /** Bytes so far in files with at least {@code minRequests} requests. */
  long bytesToUpload(int minRequests) {
    long n = out != null && requests >= minRequests ? bytes : 0;
    for (Staged s : finished) {
      n += s.requests() >= minRequests ? s.bytes() : 0;
    }
    return n;
  }

  /** Bytes staged so far, over all files. */
  long bytesStaged() {
    return totalBytes;
  }

  private void open() throws IOException {
    Files.createDirectories(dir);
    currentName = WriteFileNames.stagedFile(prefix, finished.size());
    current = dir.resolve(currentName);
    out =
        new UnsyncBufferedOutput(
            Files.newOutputStream(
                current,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE),
            BUFFER);
    currentIds = dir.resolve(currentName + CustomIdRecord.SUFFIX);
    idsOut =
        CustomIdRecord.writer(
            Files.newOutputStream(
                currentIds,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE));
    requests = 0;
    bytes = 0;
    opened++;
  }

  private void roll() throws IOException {
    out.close();
    out = null;
    idsOut.close();
    idsOut = null;
    finished.add(new Staged(current, currentIds, currentName, requests, bytes));
    LOG.debug("Staged {} ({} requests, {} bytes)", currentName, requests, bytes);
    current = null;
    currentIds = null;
  }

  /** Closes the current file and returns every staged file, in order. */
  List<Staged> finish() throws IOException {
    if (out != null) {
      roll();
    }
    return Collections.unmodifiableList(new ArrayList<>(finished));
  }

  /** Deletes every staged file (finished or not); never throws. */
  void deleteAll() {
    for (OutputStream o : new OutputStream[] {out, idsOut}) {
      if (o != null) {
        try {
          o.close();
        } catch (IOException ignored) {
          // deleting anyway
        }
      }
    }
    out = null;
    idsOut = null;
    List<Path> paths = new ArrayList<>();
    for (Staged s : finished) {
      paths.add(s.path());
      paths.add(s.ids());
    }
    if (current != null) {
      paths.add(current);
      paths.add(currentIds);
    }
    for (Path p : paths) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException | RuntimeException e) {
        LOG.warn("Could not delete staged file {}: {}", p, e.getMessage());
      }
    }
    finished.clear();
    current = null;
    currentIds = null;
  }

  @Override
  public void close() {
    deleteAll();
    closed = true;
  }
}
