package io.github.sparktogetherbatch.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.client.BatchJob;
import io.github.sparktogetherbatch.testing.TestBatches;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The progress line's text, and how often and in what form the console gets it. */
class ConsoleProgressTest {
  private static BatchJob batch(String id, String status, double progress) {
    return TestBatches.batch(id, "file-" + id, status, progress);
  }

  private static Map<String, BatchJob> state(double first, String secondStatus, double second) {
    Map<String, BatchJob> s = new LinkedHashMap<>();
    s.put("b1", batch("b1", "IN_PROGRESS", first));
    s.put("b2", batch("b2", secondStatus, second));
    return s;
  }

  @Test
  void theLineCountsBatchesRequestsPercentTimeAndEstimatesTheRest() {
    ProgressLine line = new ProgressLine("job at /j", Map.of("b1", 600L, "b2", 400L));
    String first = line.format(state(50, "IN_PROGRESS", 0), 60_000);
    assertEquals(
        "Together batches of job at /j: 0/2 batches finished, 300/1,000 requests (30.0%),"
            + " 1m00s elapsed",
        first);
    // 30% -> 85% in one minute: the 15% left take 15 / 55 of a minute at that rate
    String second = line.format(state(75, "COMPLETED", 100), 120_000);
    assertEquals(
        "Together batches of job at /j: 1/2 batches finished, 850/1,000 requests (85.0%),"
            + " 2m00s elapsed, about 16.4s left",
        second);
  }

  @Test
  void withoutRequestCountsTheLineShowsTheMeanPercent() {
    ProgressLine line = new ProgressLine("batch(es) b1, b2", Map.of());
    String text = line.format(state(20, "IN_PROGRESS", 40), 5_000);
    assertEquals(
        "Together batches of batch(es) b1, b2: 0/2 batches finished (30.0%), 5.0s elapsed", text);
  }

  @Test
  void offATerminalALineIsPrintedFirstThenAtMostOnceAMinuteAndAtTheEnd() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    AtomicLong now = new AtomicLong(1_000_000);
    ConsoleProgress p =
        new ConsoleProgress(
            new PrintStream(bytes, true, StandardCharsets.UTF_8),
            false,
            now::get,
            new ProgressLine("job", Map.of()));
    p.update(state(10, "IN_PROGRESS", 10), 0, false); // printed
    now.addAndGet(30_000);
    p.update(state(20, "IN_PROGRESS", 20), 30_000, false); // too soon
    now.addAndGet(30_000);
    p.update(state(30, "IN_PROGRESS", 30), 60_000, false); // a minute later: printed
    now.addAndGet(1_000);
    p.update(state(100, "COMPLETED", 100), 61_000, false); // too soon
    now.addAndGet(1_000);
    p.update(state(100, "COMPLETED", 100), 62_000, true); // the end: printed
    String out = bytes.toString(StandardCharsets.UTF_8);
    String[] lines = out.split("\n");
    assertEquals(3, lines.length, out);
    assertTrue(lines[0].contains("(10.0%)"), out);
    assertTrue(lines[1].contains("(30.0%)"), out);
    assertTrue(lines[2].contains("1/2 batches finished (100.0%)"), out);
    assertFalse(out.contains("\r"), out);
  }

  @Test
  void onATerminalTheLineIsRewrittenInPlaceAndEndsWithANewline() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ConsoleProgress p =
        new ConsoleProgress(
            new PrintStream(bytes, true, StandardCharsets.UTF_8),
            true,
            () -> 0L,
            new ProgressLine("job", Map.of()));
    p.update(state(10, "IN_PROGRESS", 10), 0, false);
    p.update(state(20, "IN_PROGRESS", 20), 1_000, false);
    p.update(state(100, "COMPLETED", 100), 2_000, true);
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(3, out.chars().filter(c -> c == '\r').count(), out);
    assertEquals(1, out.chars().filter(c -> c == '\n').count(), out);
    assertTrue(out.endsWith("\n"), out);
    assertTrue(out.contains("(20.0%)"), out);
  }

  @Test
  void autoShowsTheLineOnlyWhenSparkShowsItsConsoleProgress() {
    assertTrue(WaitDisplay.toConsole("auto", true));
    assertFalse(WaitDisplay.toConsole("auto", false));
    assertTrue(WaitDisplay.toConsole("console", false));
    assertFalse(WaitDisplay.toConsole("log", true));
  }
}
