package io.github.sparktogetherbatch.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Decodes one line of a batch's output or error file into the fields of a result row, with
 * Jackson's streaming parser: no tree is built, fields may come in any order, unknown fields are
 * skipped, and the assistant content and raw response body are only materialised when asked for.
 *
 * <p>Line shapes of Together's output and error files:
 *
 * <ul>
 *   <li>success: {@code {"custom_id", "response": {"status_code": 200, "body": {"model", "choices":
 *       [{"message": {"content"}, "text", "finish_reason"}], "usage": {...}}}}} → {@code
 *       succeeded}; the content is {@code choices[0].message.content} (chat; may be null) or {@code
 *       choices[0].text} (completions, jobs written before Together refused that endpoint); {@code
 *       message.reasoning} and {@code message.tool_calls} (as JSON) are read too;
 *   <li>{@code {"custom_id", "error": {"message", "code"}}} → {@code failed} with that code ({@code
 *       type} when there is no code) and message;
 *   <li>{@code {"custom_id", "error": "text"}} → {@code failed}, the text as message, no code;
 *   <li>{@code {"custom_id", "response": {"status_code": 4xx/5xx, "body": {"error": {...}}}}} →
 *       {@code failed} with the body error's code (else its type, else {@code http_<status>}) and
 *       message;
 *   <li>a line with neither a response nor an error → {@code failed} with code {@value
 *       #UNRECOGNIZED_CODE}.
 * </ul>
 *
 * A null {@code error} (OpenAI style success lines) counts as no error. Not thread-safe; one per
 * partition reader.
 */
public final class ResultDecoder {
  static final String UNRECOGNIZED_CODE = "unrecognized_result";

  /** The outcome of decoding a line. */
  public enum Outcome {
    /** A result for {@link DecodedResult#customId}. */
    OK,
    /** Valid JSON object without a usable {@code custom_id}. */
    NO_CUSTOM_ID,
    /** Not a JSON object. */
    MALFORMED
  }

  private final boolean wantContent;
  private final boolean wantReasoning;
  private final boolean wantToolCalls;
  private final boolean wantResponse;

  /** One parser for every line this decoder reads. */
  private final LineParser parser = new LineParser();

  // The line being decoded.
  private byte[] lineBytes;
  private int lineOffset;
  private int lineLength;

  // Per-line scratch state.
  private final ErrorFields topError = new ErrorFields();
  private boolean responsePresent;
  private int statusCode;
  private final ErrorFields bodyError = new ErrorFields();

  /** An error value: the line's top-level {@code error} or the response body's {@code error}. */
  private static final class ErrorFields {
    boolean present;
    String code;
    String type;
    String message;

    void clear() {
      present = false;
      code = null;
      type = null;
      message = null;
    }
  }

  /**
   * @param wantContent whether to materialise the assistant content / completion text
   * @param wantResponse whether to keep the raw response body JSON
   */
  public ResultDecoder(boolean wantContent, boolean wantResponse) {
    this(wantContent, wantContent, wantContent, wantResponse);
  }

  /**
   * @param wantContent whether to materialise the assistant content / completion text
   * @param wantReasoning whether to materialise the message's {@code reasoning}
   * @param wantToolCalls whether to keep the message's {@code tool_calls} JSON
   * @param wantResponse whether to keep the raw response body JSON
   */
  public ResultDecoder(
      boolean wantContent, boolean wantReasoning, boolean wantToolCalls, boolean wantResponse) {
    this.wantContent = wantContent;
    this.wantReasoning = wantReasoning;
    this.wantToolCalls = wantToolCalls;
    this.wantResponse = wantResponse;
  }

  /** Decodes {@code line} into {@code out} (cleared first). Never throws on bad input. */
  public Outcome decode(String line, DecodedResult out) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    return decode(b, 0, b.length, out);
  }

  /**
   * Decodes the UTF-8 line {@code bytes[offset, offset + length)} into {@code out} (cleared first),
   * with Jackson's UTF-8 parser, one for every line of this decoder ({@link LineParser}). Never
   * throws on bad input; bytes that are not UTF-8 make the line {@link Outcome#MALFORMED} (see
   * {@link ResultLines}).
   */
  public Outcome decode(byte[] bytes, int offset, int length, DecodedResult out) {
    lineBytes = bytes;
    lineOffset = offset;
    lineLength = length;
    try {
      return decodeLine(out);
    } finally {
      lineBytes = null;
    }
  }

  private Outcome decodeLine(DecodedResult out) {
    out.clear();
    topError.clear();
    responsePresent = false;
    statusCode = -1;
    bodyError.clear();
    boolean wholeObject = false;
    try {
      JsonParser p = parser.start(lineBytes, lineOffset, lineLength);
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Outcome.MALFORMED;
      }
      JsonToken field;
      while ((field = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "custom_id":
            out.customId = scalarText(p, t);
            break;
          case "error":
            readError(p, t, topError);
            break;
          case "response":
            readResponse(p, t, out);
            break;
          default:
            p.skipChildren();
        }
      }
      wholeObject = field == JsonToken.END_OBJECT;
    } catch (JsonProcessingException e) {
      return Outcome.MALFORMED;
    } catch (IOException e) {
      return Outcome.MALFORMED;
    } finally {
      if (wholeObject) {
        parser.finished();
      } else {
        parser.discard();
      }
    }
    if (out.customId == null || out.customId.isEmpty()) {
      return Outcome.NO_CUSTOM_ID;
    }
    if (out.totalTokens == null && out.promptTokens != null && out.completionTokens != null) {
      out.totalTokens = out.promptTokens + out.completionTokens;
    }
    if (topError.present) {
      out.failed = true;
      out.errorCode = topError.code != null ? topError.code : topError.type;
      out.errorMessage = topError.message;
      clearAnswer(out);
    } else if (responsePresent) {
      boolean httpError = statusCode >= 0 && (statusCode < 200 || statusCode >= 300);
      if (httpError || bodyError.present) {
        out.failed = true;
        out.errorCode =
            bodyError.code != null
                ? bodyError.code
                : bodyError.type != null
                    ? bodyError.type
                    : statusCode >= 0 ? "http_" + statusCode : null;
        out.errorMessage =
            bodyError.message != null
                ? bodyError.message
                : "The request failed with HTTP " + statusCode + ".";
        clearAnswer(out);
      }
    } else {
      out.failed = true;
      out.errorCode = UNRECOGNIZED_CODE;
      out.errorMessage = "The result line has neither a response nor an error.";
    }
    return Outcome.OK;
  }

  private static void clearAnswer(DecodedResult out) {
    out.content = null;
    out.reasoning = null;
    out.toolCalls = null;
  }

  /**
   * Reads an error value into {@code e}: null or false is no error; an object gives its {@code
   * message}, {@code code} and {@code type} (the object's JSON when it has no message); anything
   * else is the message itself.
   */
  private void readError(JsonParser p, JsonToken t, ErrorFields e) throws IOException {
    if (t == JsonToken.VALUE_NULL || t == JsonToken.VALUE_FALSE) {
      return;
    }
    e.present = true;
    if (t != JsonToken.START_OBJECT) {
      e.message = valueText(p, t);
      return;
    }
    int start = offset(p.currentTokenLocation().getByteOffset());
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (name) {
        case "message":
          e.message = valueText(p, v);
          break;
        case "code":
          e.code = scalarText(p, v);
          break;
        case "type":
          e.type = scalarText(p, v);
          break;
        default:
          p.skipChildren();
      }
    }
    if (e.message == null) {
      e.message = span(start, p);
    }
  }

  private void readResponse(JsonParser p, JsonToken t, DecodedResult out) throws IOException {
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    responsePresent = true;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if ("status_code".equals(name)) {
        if (v.isNumeric() || v == JsonToken.VALUE_STRING) {
          try {
            statusCode = p.getValueAsInt(-1);
          } catch (IOException e) {
            statusCode = -1;
          }
        }
      } else if ("body".equals(name)) {
        if (v == JsonToken.START_OBJECT) {
          readBody(p, out);
        } else if (v == JsonToken.VALUE_STRING) {
          // A body sent as a JSON string: keep it as is.
          if (wantResponse) {
            out.response = p.getText();
          }
        } else {
          p.skipChildren();
        }
      } else {
        p.skipChildren();
      }
    }
  }

  private void readBody(JsonParser p, DecodedResult out) throws IOException {
    int start = offset(p.currentTokenLocation().getByteOffset());
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (name) {
        case "model":
          out.model = scalarText(p, v);
          break;
        case "choices":
          readChoices(p, v, out);
          break;
        case "usage":
          readUsage(p, v, out);
          break;
        case "error":
          readError(p, v, bodyError);
          break;
        default:
          p.skipChildren();
      }
    }
    if (wantResponse) {
      out.response = span(start, p);
    }
  }

  private void readChoices(JsonParser p, JsonToken t, DecodedResult out) throws IOException {
    if (t != JsonToken.START_ARRAY) {
      p.skipChildren();
      return;
    }
    boolean first = true;
    JsonToken e;
    while ((e = p.nextToken()) != JsonToken.END_ARRAY && e != null) {
      if (!first || e != JsonToken.START_OBJECT) {
        p.skipChildren();
        continue;
      }
      first = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        switch (name) {
          case "message":
            readMessage(p, v, out);
            break;
          case "text":
            if (wantContent && out.content == null) {
              out.content = valueText(p, v);
            } else {
              p.skipChildren();
            }
            break;
          case "finish_reason":
            out.finishReason = scalarText(p, v);
            break;
          default:
            p.skipChildren();
        }
      }
    }
  }

  private void readMessage(JsonParser p, JsonToken t, DecodedResult out) throws IOException {
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if ("content".equals(name) && wantContent) {
        out.content = valueText(p, v);
      } else if ("reasoning".equals(name) && wantReasoning) {
        out.reasoning = valueText(p, v);
      } else if ("tool_calls".equals(name) && wantToolCalls) {
        String calls = valueText(p, v);
        out.toolCalls =
            calls == null || calls.isBlank() || calls.strip().equals("[]") ? null : calls;
      } else {
        p.skipChildren();
      }
    }
  }

  private static void readUsage(JsonParser p, JsonToken t, DecodedResult out) throws IOException {
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (name) {
        case "prompt_tokens":
          out.promptTokens = intValue(p, v);
          break;
        case "completion_tokens":
          out.completionTokens = intValue(p, v);
          break;
        case "total_tokens":
          out.totalTokens = intValue(p, v);
          break;
        default:
          p.skipChildren();
      }
    }
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

  /** A scalar's text, or an object's/array's raw JSON. */
  private String valueText(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      int start = offset(p.currentTokenLocation().getByteOffset());
      p.skipChildren();
      return span(start, p);
    }
    return scalarText(p, t);
  }

  private static Integer intValue(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NUMBER_INT
        || t == JsonToken.VALUE_NUMBER_FLOAT
        || t == JsonToken.VALUE_STRING) {
      try {
        long v = p.getValueAsLong(Long.MIN_VALUE);
        if (v != Long.MIN_VALUE && v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
          return (int) v;
        }
      } catch (IOException e) {
        return null;
      }
      return null;
    }
    p.skipChildren();
    return null;
  }

  /** The raw text from {@code start} to the end of the current token (an object or array end). */
  private String span(int start, JsonParser p) {
    int end = offset(p.currentLocation().getByteOffset());
    if (start < 0 || end < start || end > lineLength) {
      return null;
    }
    return new String(lineBytes, lineOffset + start, end - start, StandardCharsets.UTF_8);
  }

  /** Jackson parsers made for the lines decoded so far (for tests). */
  int parsersMade() {
    return parser.parsersMade();
  }

  private int offset(long byteOffset) {
    long inLine = parser.lineOffset(byteOffset);
    return inLine > Integer.MAX_VALUE ? -1 : (int) inLine;
  }
}
