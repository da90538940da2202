package io.github.sparktogetherbatch.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SafeIdsTest {
  @Test
  void unsafeIdsNeverReachAUrl() {
    for (String bad :
        new String[] {"..", ".", "a/b", "../x", "a\\b", "a b", "a?b", "a#b", "%2e%2e", ""}) {
      assertThrows(
          RuntimeException.class, () -> SafeIds.check("file", bad, Operation.GET_FILE), bad);
    }
    assertEquals(
        "file-1ea94710-592e-4f11-a92f-1a91a4ba3454",
        SafeIds.check("file", "file-1ea94710-592e-4f11-a92f-1a91a4ba3454", Operation.GET_FILE));
    assertEquals("a..b", SafeIds.check("file", "a..b", Operation.GET_FILE));
  }
}
