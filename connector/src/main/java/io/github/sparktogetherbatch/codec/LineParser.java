package io.github.sparktogetherbatch.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.UTF8StreamJsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One Jackson parser for the lines of a result file, one line after the other, for {@link
 * ResultDecoder}. A parser per line cost a parser, its contexts, its symbol table's child and their
 * release for each of a million lines: about 40% of a read's allocation. Jackson cannot point a
 * parser at new bytes, but a parser over a stream reads root values one after another: this one
 * reads from a stream that hands it the current line only, so each line is a root value of its own.
 *
 * <p>Line semantics are those of a parser per line. A line that ended its root object is {@link
 * #finished}: whatever followed the object on the line is dropped, unread, as before. Any other
 * line (not an object, cut short, not JSON, not UTF-8) leaves the parser in an unknown state, or
 * closed at the line's end: it is {@link #discard}ed and the next line gets a new parser. Byte
 * offsets are made relative to the line ({@link #lineOffset}). Not thread-safe.
 */
final class LineParser {
  private static final JsonFactory JSON = JsonFactory.builder().build();

  private static final OutputStream DISCARD = OutputStream.nullOutputStream();

  private final LineInput input = new LineInput();
  private JsonParser parser;

  /** Whether {@link #parser} is Jackson's UTF-8 stream parser, the one that reads line by line. */
  private boolean reusable;

  /** The bytes handed to {@link #parser} before the current line. */
  private long base;

  /** Parsers made so far (for tests). */
  private int made;

  /**
   * A parser positioned before the first token of the line {@code bytes[offset, offset + length)}.
   */
  JsonParser start(byte[] bytes, int offset, int length) throws IOException {
    input.line(bytes, offset, length);
    if (parser == null) {
      input.served = 0;
      // Jackson detects the encoding from the first bytes it reads: UTF-8 for any JSON line. A
      // parser of anything else (a line starting with a UTF-16 mark) serves that line only.
      parser = JSON.createParser(input);
      made++;
      reusable = parser instanceof UTF8StreamJsonParser;
    }
    base = input.served - input.read;
    return parser;
  }

  /** How many parsers this has made: one, plus one after each line that was not a whole object. */
  int parsersMade() {
    return made;
  }

  /** {@code byteOffset}, a parser's location, as an offset in the current line. */
  long lineOffset(long byteOffset) {
    return byteOffset < 0 ? -1 : byteOffset - base;
  }

  /** The current line ended its root object: its rest is dropped, the parser kept for the next. */
  void finished() {
    if (!reusable) {
      discard();
      return;
    }
    try {
      parser.releaseBuffered(DISCARD);
      input.skipRest();
    } catch (IOException e) {
      discard();
    }
  }

  /** The current line did not end its root object: the next line gets a new parser. */
  void discard() {
    if (parser != null) {
      try {
        parser.close();
      } catch (IOException ignored) {
        // nothing held but recycled buffers
      }
      parser = null;
    }
  }

  /** Hands the parser the current line's bytes, then the end of input. */
  private static final class LineInput extends InputStream {
    private byte[] bytes;
    private int pos;
    private int end;

    /** Bytes of the current line handed out so far. */
    int read;

    /** Bytes handed out since the parser was made. */
    long served;

    void line(byte[] b, int offset, int length) {
      bytes = b;
      pos = offset;
      end = offset + length;
      read = 0;
    }

    void skipRest() {
      bytes = null;
      pos = end;
    }

    @Override
    public int read() {
      if (pos >= end) {
        return -1;
      }
      read++;
      served++;
      return bytes[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      int n = Math.min(len, end - pos);
      if (n <= 0) {
        return -1;
      }
      System.arraycopy(bytes, pos, b, off, n);
      pos += n;
      read += n;
      served += n;
      return n;
    }
  }
}
