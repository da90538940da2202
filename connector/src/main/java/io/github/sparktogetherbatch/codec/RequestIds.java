package io.github.sparktogetherbatch.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.InputStream;

/**
 * The one reader of request ids: streams a batch input file (JSONL requests, as staged, uploaded or
 * downloaded), one request at a time, giving each request's {@code custom_id} and skipping its body
 * without materialising it: only Jackson's buffer is held, whatever the size of a line. Not
 * thread-safe.
 */
public final class RequestIds implements IdStream {
  /** Read limits for request lines: one line may be as large as a batch input file. */
  static final StreamReadConstraints LARGE_INPUT =
      StreamReadConstraints.builder()
          .maxStringLength(Integer.MAX_VALUE)
          .maxNumberLength(100_000)
          .build();

  private static final JsonFactory JSON = new JsonFactory().setStreamReadConstraints(LARGE_INPUT);

  private final JsonParser parser;
  private long requests;
  private String id;

  public RequestIds(InputStream in) throws IOException {
    this.parser = JSON.createParser(in);
  }

  /**
   * Moves to the next request.
   *
   * @return false at the end of the file
   * @throws IOException on a read error or a line that is not a JSON object
   */
  @Override
  public boolean next() throws IOException {
    JsonToken t = parser.nextToken();
    if (t == null) {
      return false;
    }
    if (t != JsonToken.START_OBJECT) {
      throw new IOException("request " + (requests + 1) + " is not a JSON object");
    }
    String found = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken v = parser.nextToken();
      if ("custom_id".equals(name)) {
        found = scalarText(parser, v);
      } else {
        parser.skipChildren();
      }
    }
    requests++;
    id = found;
    return true;
  }

  /** The current request's custom_id, or null when it has none. */
  @Override
  public String id() {
    return id;
  }

  /** Requests read so far. */
  public long requests() {
    return requests;
  }

  /** The text of a scalar (numbers too), null for null and for objects/arrays (skipped). */
  private static String scalarText(JsonParser p, JsonToken t) throws IOException {
    if (t == null || t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t.isScalarValue()) {
      return p.getText();
    }
    p.skipChildren();
    return null;
  }

  @Override
  public void close() throws IOException {
    parser.close();
  }
}
