package io.github.sparktogetherbatch.stream.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.exceptions.TogetherJobException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The source's log of finished batches on a Hadoop file system (here the local one). */
class FinishedBatchLogTest {
  @TempDir Path tmp;

  private FinishedBatchLog open() {
    return FinishedBatchLog.open(tmp.toString(), new Configuration());
  }

  private Path round(long first) {
    return tmp.resolve(FinishedBatchLog.DIR).resolve(String.format("%020d.json", first));
  }

  /** Replaces a round's file as a crash or another writer might (and its local checksum). */
  private void overwrite(Path file, String text) throws Exception {
    Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
    Files.write(file, text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void entriesSurviveAReopenInTheirOrder() {
    FinishedBatchLog log = open();
    log.append(List.of("b", "a"));
    log.append(List.of());
    log.append(List.of("c"));
    FinishedBatchLog again = open();
    assertEquals(3, again.size());
    assertEquals(List.of("b", "a", "c"), again.range(0, 3));
    assertEquals(List.of("a"), again.range(1, 2));
    assertTrue(again.contains("c"));
    assertFalse(again.contains("d"));
  }

  @Test
  void anIncompleteLastRoundIsDeletedAndItsBatchesAppendedAgain() throws Exception {
    FinishedBatchLog log = open();
    log.append(List.of("a"));
    overwrite(round(1), "{\"first\":1,\"batches\":[\"b\",");
    FinishedBatchLog again = open();
    assertEquals(List.of("a"), again.range(0, 1));
    assertFalse(Files.exists(round(1)));
    again.append(List.of("b", "c"));
    assertEquals(List.of("a", "b", "c"), open().range(0, 3));
  }

  @Test
  void anIncompleteRoundBeforeACompleteOneIsAnError() throws Exception {
    FinishedBatchLog log = open();
    log.append(List.of("a"));
    log.append(List.of("b"));
    overwrite(round(0), "{\"first\":0,");
    assertThrows(TogetherJobException.class, this::open);
  }

  @Test
  void aBatchIsLoggedOnceAndAnOffsetBeyondTheLogIsRefused() {
    FinishedBatchLog log = open();
    log.append(List.of("a"));
    assertThrows(TogetherJobException.class, () -> log.append(List.of("a")));
    assertThrows(TogetherJobException.class, () -> open().range(0, 2));
  }

  @Test
  void aSecondWriterOfTheSameRoundIsRefused() {
    FinishedBatchLog one = open();
    FinishedBatchLog two = open();
    one.append(List.of("a"));
    assertThrows(TogetherJobException.class, () -> two.append(List.of("b")));
    assertEquals(List.of("a"), open().range(0, 1));
  }

  @Test
  void offsetsAreSmallJson() {
    assertEquals("{\"finishedBatches\":42}", new BatchOffset(42).json());
    assertEquals(42, BatchOffset.parse(" {\"finishedBatches\": 42} ").finished());
    assertThrows(RuntimeException.class, () -> BatchOffset.parse("{\"offset\":1}"));
  }
}
