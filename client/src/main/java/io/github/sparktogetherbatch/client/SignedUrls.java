package io.github.sparktogetherbatch.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Checks a {@code Location} Together hands out (the signed upload URL, a content redirect) before
 * anything is sent to it: resolved against the base URL, https only, or plain http when both the
 * API and the URL are on a loopback host (a local emulator).
 */
final class SignedUrls {
  private final URI baseUri;
  private final boolean plainHttpLoopback;

  SignedUrls(TogetherClientConfig config) {
    this.baseUri = URI.create(config.baseUrl());
    this.plainHttpLoopback = config.isPlainHttpLoopback();
  }

  /** The URL to use, or a (not retryable) exception that says why it is refused. */
  URI check(String location, Operation op) {
    URI u;
    try {
      u = baseUri.resolve(new URI(location.trim()));
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw ApiErrors.permanent(
              op.label() + " returned an upload Location that is not a valid URL", op)
          .statusCode(302)
          .build();
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    boolean ok =
        scheme.equals("https")
            || (scheme.equals("http")
                && plainHttpLoopback
                && TogetherClientConfig.isLoopbackHost(u.getHost()));
    if (!ok || u.getHost() == null) {
      throw ApiErrors.permanent(
              op.label()
                  + " returned an upload Location with scheme '"
                  + scheme
                  + "' on host '"
                  + u.getHost()
                  + "'; only https upload URLs are accepted (plain http only "
                  + "when both the API and the upload URL are on a loopback emulator). Nothing was "
                  + "uploaded.",
              op)
          .statusCode(302)
          .build();
    }
    return u;
  }
}
