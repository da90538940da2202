package io.github.sparktogetherbatch.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one reader of request ids: custom_ids out of JSONL request lines, bodies skipped. */
class RequestIdsTest {
  @Test
  void inputIdsStreamSkipsBodies() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      sb.append(
              "{\"body\":{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"custom_id ")
          .append(i)
          .append("\"}],\"custom_id\":\"nested\"},\"custom_id\":\"id-")
          .append(i)
          .append("\",\"method\":\"POST\"}\n");
    }
    sb.append("\n{\"body\":{}}\r\n");
    List<String> ids = new ArrayList<>();
    try (RequestIds in =
        new RequestIds(new ByteArrayInputStream(sb.toString().getBytes(StandardCharsets.UTF_8)))) {
      while (in.next()) {
        ids.add(in.id());
      }
      assertEquals(4, in.requests());
    }
    assertEquals(java.util.Arrays.asList("id-0", "id-1", "id-2", null), ids);

    try (RequestIds in =
        new RequestIds(
            new ByteArrayInputStream(
                "{\"custom_id\":\"a\"}\n[1]\n".getBytes(StandardCharsets.UTF_8)))) {
      assertTrue(in.next());
      assertThrows(IOException.class, in::next);
    }
  }
}
