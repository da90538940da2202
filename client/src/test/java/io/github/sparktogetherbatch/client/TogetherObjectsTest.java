package io.github.sparktogetherbatch.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TogetherObjectsTest {
  @Test
  void statusesParseLenientlyAndUnknownMeansRunning() {
    assertSame(BatchStatus.CANCELING, BatchStatus.parse("CANCELING"));
    assertSame(BatchStatus.CANCELLED, BatchStatus.parse("cancelled"));
    assertSame(BatchStatus.CANCELLED, BatchStatus.parse("CANCELED"));
    assertSame(BatchStatus.UNKNOWN, BatchStatus.parse("AGGREGATING"));
    assertSame(BatchStatus.UNKNOWN, BatchStatus.parse(null));
    assertTrue(BatchStatus.EXPIRED.isTerminal());
    assertTrue(!BatchStatus.UNKNOWN.isTerminal() && !BatchStatus.CANCELING.isTerminal());
  }

  @Test
  void processingStatusIsReadInEitherCase() {
    com.fasterxml.jackson.databind.node.ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("id", "file-1");
    for (String wire : new String[] {"COMPLETED", "completed", " Completed "}) {
      n.put("processing_status", wire);
      FileObject f = TogetherObjects.file(n, Operation.GET_FILE);
      assertEquals("COMPLETED", f.processingStatus());
      assertTrue(f.processed());
    }
    n.put("processing_status", "pending");
    assertEquals("PENDING", TogetherObjects.file(n, Operation.GET_FILE).processingStatus());
    assertTrue(!TogetherObjects.file(n, Operation.GET_FILE).processed());
    n.put("processing_status", "INVALID_FORMAT");
    assertEquals("INVALID_FORMAT", TogetherObjects.file(n, Operation.GET_FILE).processingStatus());
  }

  @Test
  void timestampsWithAnyFractionLength() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    assertEquals(
        Instant.parse("2025-06-11T06:11:22.752350Z"),
        TogetherObjects.instant(f.textNode("2025-06-11T06:11:22.75235Z")));
    assertEquals(
        Instant.parse("2025-06-11T06:11:22Z"),
        TogetherObjects.instant(f.textNode("2025-06-11T06:11:22Z")));
    assertEquals(
        Instant.parse("2025-06-11T04:11:22.123456789Z"),
        TogetherObjects.instant(f.textNode("2025-06-11T06:11:22.123456789+02:00")));
    assertEquals(
        Instant.parse("2025-06-11T06:11:22.1Z"),
        TogetherObjects.instant(f.textNode("2025-06-11T06:11:22.1")));
    assertEquals(
        Instant.ofEpochSecond(1_700_000_000L),
        TogetherObjects.instant(f.numberNode(1_700_000_000L)));
    assertEquals(null, TogetherObjects.instant(f.nullNode()));
    assertEquals(null, TogetherObjects.instant(f.textNode("yesterday")));
  }
}
