package io.github.sparktogetherbatch.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The record of one batch input file's custom_ids, kept at the job path so that a read reconciles
 * without downloading the input file (Together does not promise to serve {@code batch-api} files
 * back): the ids in file order, each as a JSON string literal on its own line, gzip-compressed as
 * one gzip member. To join records (the driver's packs of small files), {@link #content} gives a
 * record's lines to copy into a new {@link #writer}: concatenated gzip members would read back only
 * as far as the input stream's {@code available()} lets {@link GZIPInputStream} see.
 */
public final class CustomIdRecord {
  /** The suffix of a record's file name: {@code <input file name>.ids.gz}. */
  public static final String SUFFIX = ".ids.gz";

  private static final JsonFactory JSON =
      new JsonFactory().setStreamReadConstraints(RequestIds.LARGE_INPUT);
  private static final int BUFFER = 64 * 1024;

  private CustomIdRecord() {}

  /**
   * A gzip stream to write a record to ({@link RequestEncoder#writeIdRecord} per request), at
   * {@link Deflater#BEST_SPEED}, behind a buffer: each write into a {@link GZIPOutputStream} is a
   * call into zlib and a CRC update, and a record takes two tiny writes per request. Unbuffered at
   * the default level, this was a fifth of the CPU samples of a 1,000,000-row write (JFR,
   * 2026-12-06); ids compress about as well at level 1.
   */
  public static OutputStream writer(OutputStream out) throws IOException {
    return new UnsyncBufferedOutput(new FastGzip(out), BUFFER);
  }

  /** A gzip stream at {@link Deflater#BEST_SPEED}. */
  private static final class FastGzip extends GZIPOutputStream {
    FastGzip(OutputStream out) throws IOException {
      super(out, BUFFER);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }

  /** Reads a record back, one custom_id at a time. */
  public static IdStream reader(InputStream in) throws IOException {
    return new Reader(JSON.createParser(content(in)));
  }

  /** A record's lines, uncompressed (to copy into another record). */
  public static InputStream content(InputStream in) throws IOException {
    return new GZIPInputStream(in, BUFFER);
  }

  private static final class Reader implements IdStream {
    private final JsonParser parser;
    private String id;

    Reader(JsonParser parser) {
      this.parser = parser;
    }

    @Override
    public boolean next() throws IOException {
      JsonToken t = parser.nextToken();
      if (t == null) {
        return false;
      }
      if (t != JsonToken.VALUE_STRING) {
        throw new IOException("a custom_id record holds " + t + " where a string was expected");
      }
      id = parser.getText();
      return true;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public void close() throws IOException {
      parser.close();
    }
  }
}
