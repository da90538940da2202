package io.github.sparktogetherbatch.emulator.routes;

import io.github.sparktogetherbatch.emulator.http.HttpRequest;
import java.io.IOException;

/** Small request bodies read whole, with a size limit, and the JSON media-type check. */
final class RequestBodies {
  /** Limit of form bodies, form fields and control-surface JSON. */
  static final int MAX_FORM = 1024 * 1024;

  /** Limit of JSON bodies of the API routes. */
  static final int MAX_JSON = 16 * 1024 * 1024;

  private RequestBodies() {}

  /** The whole body; over {@code max} bytes, a 413. */
  static byte[] read(HttpRequest req, int max) throws IOException {
    if (req.contentLength > max) {
      throw new HttpRequest.BadRequest(413, "Request body too large");
    }
    byte[] data = req.body().readNBytes(max + 1);
    if (data.length > max) {
      throw new HttpRequest.BadRequest(413, "Request body too large");
    }
    return data;
  }

  /**
   * JSON routes require a JSON media type, as every SDK sends; never more lenient than the real
   * API.
   */
  static boolean isJson(HttpRequest req) {
    String mt = req.mediaType();
    return mt.equals("application/json") || mt.endsWith("+json");
  }
}
