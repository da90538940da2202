package io.github.sparktogetherbatch.client;

import io.github.sparktogetherbatch.exceptions.TogetherApiException;

/**
 * Checks an id before it goes into a URL path. Ids come from Together or from the user's manifest,
 * and neither may steer a request elsewhere.
 */
final class SafeIds {
  private SafeIds() {}

  /**
   * Returns {@code id} when it is safe in a URL path: not empty, at most 256 characters, not a dot
   * segment, and without path separators, {@code ?}, {@code #}, {@code %}, whitespace or control
   * characters. Otherwise throws a {@link TogetherApiException} that names the {@code kind} (file,
   * batch) and what to check.
   */
  static String check(String kind, String id, Operation op) {
    boolean ok =
        id != null && !id.isEmpty() && id.length() <= 256 && !id.equals(".") && !id.equals("..");
    if (ok) {
      for (int i = 0; i < id.length(); i++) {
        char c = id.charAt(i);
        if (c <= ' ' || c == '/' || c == '\\' || c == '?' || c == '#' || c == '%' || c == 0x7f) {
          ok = false;
          break;
        }
      }
    }
    if (!ok) {
      throw ApiErrors.permanent(
              "Refusing to use an unsafe "
                  + kind
                  + " id in "
                  + op.label()
                  + " (it contains a path separator, a dot segment, whitespace or control "
                  + "characters). Check the manifest or the option 'batchId'.",
              op)
          .build();
    }
    return id;
  }
}
