package io.github.sparktogetherbatch.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.IOException;
import java.io.Serializable;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * The column {@code parsed}: an answer's content decoded into the struct of the job's {@code
 * responseSchema} ({@link JsonRowDecoder}, Spark's JSON rules). Tolerated around the JSON: leading
 * and trailing white space, one leading {@code <think>...</think>} block, and a Markdown code fence
 * (with or without a language tag). Content that is not one JSON object, or does not fit, makes the
 * result {@code failed} with error_code {@value #INVALID_RESPONSE_FORMAT} and an error_message that
 * names the first field that did not fit and why; the content is kept.
 *
 * <p>Serializable (the schema travels as JSON); the decoder is built on first use, one per
 * partition reader. Not thread-safe.
 */
public final class ParsedContent implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The error_code of an answer that is not JSON of the schema. */
  public static final String INVALID_RESPONSE_FORMAT = "invalid_response_format";

  private static final String PREFIX = "The answer does not fit the responseSchema: ";
  private static final String THINK_OPEN = "<think>";
  private static final String THINK_CLOSE = "</think>";
  private static final String FENCE = "```";

  private final String schemaJson;
  private final String sessionTimeZone;

  private transient StructType schema;
  private transient JsonFactory json;
  private transient JsonRowDecoder decoder;
  private transient char[] buf;
  private transient long decoded;

  /**
   * @param schema the struct of the column {@code parsed}
   * @param sessionTimeZone the zone of timestamps without an offset
   */
  public ParsedContent(StructType schema, String sessionTimeZone) {
    this.schemaJson = schema.json();
    this.sessionTimeZone = sessionTimeZone;
  }

  /** A copy with its own decoder, for one partition reader. */
  public ParsedContent fresh() {
    return new ParsedContent(schema(), sessionTimeZone);
  }

  /** The struct type of the column {@code parsed}. */
  public StructType schema() {
    if (schema == null) {
      schema = (StructType) DataType.fromJson(schemaJson);
    }
    return schema;
  }

  /** How many answers were decoded (for the read's metrics). */
  public long decoded() {
    return decoded;
  }

  /**
   * Decodes the content of a succeeded result into its {@code parsed} value, or turns the result
   * into a failure ({@value #INVALID_RESPONSE_FORMAT}). Failed results are left as they are.
   */
  public void apply(DecodedResult r) {
    r.parsed = null;
    if (r.failed) {
      return;
    }
    decoded++;
    String why = decode(r);
    if (why != null) {
      r.failed = true;
      r.errorCode = INVALID_RESPONSE_FORMAT;
      r.errorMessage = PREFIX + why;
    }
  }

  /** Sets {@code r.parsed}; returns why it could not, or null. */
  private String decode(DecodedResult r) {
    String s = r.content;
    if (s == null) {
      return "the answer has no content (a tool call, or an empty message).";
    }
    int start = skipSpace(s, 0);
    int end = s.length();
    if (s.startsWith(THINK_OPEN, start)) {
      int close = s.indexOf(THINK_CLOSE, start);
      if (close < 0) {
        return "the answer's <think> block never ends (no </think>).";
      }
      start = skipSpace(s, close + THINK_CLOSE.length());
    }
    if (s.startsWith(FENCE, start)) {
      int nl = s.indexOf('\n', start);
      if (nl < 0) {
        return "the answer is an empty code fence.";
      }
      int close = s.indexOf(FENCE, nl + 1);
      start = nl + 1;
      end = close < 0 ? end : close;
    }
    int len = end - start;
    if (len <= 0 || skipSpace(s, start) >= end) {
      return "the answer is empty, not a JSON object.";
    }
    if (buf == null || buf.length < len) {
      buf = new char[Math.max(len, 256)];
    }
    s.getChars(start, end, buf, 0);
    if (decoder == null) {
      json = JsonFactory.builder().build();
      decoder = new JsonRowDecoder(schema(), json, sessionTimeZone);
    }
    try (JsonParser p = json.createParser(buf, 0, len)) {
      Object value = decoder.decodeObject(p, p.nextToken());
      JsonToken after;
      try {
        after = p.nextToken();
      } catch (JsonProcessingException e) {
        after = JsonToken.NOT_AVAILABLE;
      }
      if (after != null) {
        return "the JSON object is followed by more text.";
      }
      r.parsed = value;
      return null;
    } catch (JsonRowDecoder.Misfit m) {
      return m.path().isEmpty() ? m.why() + "." : "field '" + m.path() + "': " + m.why() + ".";
    } catch (JsonEOFException e) {
      return "the JSON ends before the object is complete (was the answer cut off? see "
          + "finish_reason).";
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      return "the answer is not JSON"
          + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
          + ".";
    } catch (IOException | RuntimeException e) {
      return "the answer could not be decoded (" + e.getClass().getSimpleName() + ").";
    }
  }

  private static int skipSpace(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }
}
