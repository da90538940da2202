package io.github.sparktogetherbatch.emulator.routes;

import io.github.sparktogetherbatch.emulator.api.ErrorEnvelopes;
import io.github.sparktogetherbatch.emulator.api.RouteTable.Family;
import io.github.sparktogetherbatch.emulator.http.HttpRequest;
import io.github.sparktogetherbatch.emulator.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * The API key check of the {@code /v1} routes: exactly one {@code Authorization: Bearer <token>}
 * header (scheme in any case) with a non-empty token, equal to the configured key when there is
 * one.
 */
final class BearerAuth {
  private static final String INVALID_KEY_MESSAGE =
      "Invalid API key provided. You can find your API key at "
          + "https://api.together.xyz/settings/api-keys.";

  private final String apiKey;

  /** Accepts only {@code apiKey}, or any non-empty token when it is null. */
  BearerAuth(String apiKey) {
    this.apiKey = apiKey;
  }

  boolean authorized(HttpRequest req) {
    List<String> values = req.headers("authorization");
    if (values.size() != 1) {
      return false;
    }
    String v = values.get(0).trim();
    if (v.length() < 7 || !v.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    String token = v.substring(7).trim();
    if (token.isEmpty()) {
      return false;
    }
    return apiKey == null
        || MessageDigest.isEqual(
            apiKey.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
  }

  /** The 401 in the envelope of the route's family. */
  static HttpResponse unauthorized(Family family) {
    return ErrorEnvelopes.of(
        family,
        401,
        family == Family.BATCHES ? "Invalid API key provided" : INVALID_KEY_MESSAGE,
        "invalid_api_key");
  }
}
