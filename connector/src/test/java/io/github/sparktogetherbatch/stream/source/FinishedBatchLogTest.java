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
import java.util.stream.Collectors;
import java.util.stream.IntStream;
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

  private Path compactFile(long upto) {
    return tmp.resolve(FinishedBatchLog.DIR).resolve(String.format("%020d.compact.json", upto));
  }

  /** The log's own files (not Hadoop's local checksums), by name. */
  private List<String> logFiles() throws Exception {
    try (var files = Files.list(tmp.resolve(FinishedBatchLog.DIR))) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> !n.endsWith(".crc"))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  private static List<String> ids(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> "b" + i).collect(Collectors.toList());
  }

  @Test
  void everyTenRoundsTheLogIsCompactedIntoOneFileAndReopensTheSame() throws Exception {
    FinishedBatchLog log = open();
    for (int i = 0; i < 25; i++) {
      log.append(List.of("b" + i));
    }
    // the compact file of the first 20 entries, and the 5 rounds after it
    assertEquals(6, logFiles().size(), logFiles().toString());
    assertTrue(Files.exists(compactFile(20)));
    assertFalse(Files.exists(compactFile(10)));
    assertFalse(Files.exists(round(0)));
    assertTrue(Files.exists(round(24)));
    FinishedBatchLog again = open();
    assertEquals(ids(0, 25), again.range(0, 25));
    assertEquals(List.of("b19", "b20"), again.range(19, 21));
    assertTrue(again.contains("b3"));
    assertThrows(TogetherJobException.class, () -> again.append(List.of("b7")));
    again.append(List.of("c", "d"));
    assertEquals(List.of("b24", "c", "d"), open().range(24, 27));
  }

  @Test
  void aCompactFileCutShortIsDeletedAndTheRoundsItWouldCoverAreKept() throws Exception {
    FinishedBatchLog log = open();
    for (int i = 0; i < 9; i++) {
      log.append(List.of("b" + i));
    }
    overwrite(compactFile(9), "{\"upto\":9,\"batches\":[\"b0\",\"b1\"");
    FinishedBatchLog again = open();
    assertEquals(ids(0, 9), again.range(0, 9));
    assertFalse(Files.exists(compactFile(9)));
    again.append(List.of("b9")); // the tenth round since the last compaction
    assertTrue(Files.exists(compactFile(10)));
    assertEquals(List.of("00000000000000000010.compact.json"), logFiles());
    assertEquals(ids(0, 10), open().range(0, 10));
  }

  @Test
  void roundsLeftBehindByACompactionCutShortAreDeletedOnLoad() throws Exception {
    FinishedBatchLog log = open();
    for (int i = 0; i < 12; i++) {
      log.append(List.of("b" + i));
    }
    // a crash after the compact file was written, before its rounds were deleted
    overwrite(round(3), "{\"first\":3,\"batches\":[\"b3\"]}");
    FinishedBatchLog again = open();
    assertEquals(ids(0, 12), again.range(0, 12));
    assertFalse(Files.exists(round(3)));
  }

  @Test
  void aDamagedOlderCompactFileWithoutANewerOneIsAnError() throws Exception {
    FinishedBatchLog log = open();
    for (int i = 0; i < 10; i++) {
      log.append(List.of("b" + i));
    }
    log.append(List.of("b10"));
    // an older compact file that is damaged while a newer, cut-short one is the newest
    overwrite(compactFile(5), "{\"upto\":5,");
    overwrite(compactFile(11), "{\"upto\":11,");
    Files.delete(compactFile(10));
    assertThrows(TogetherJobException.class, this::open);
  }

  @Test
  void offsetsAreSmallJson() {
    assertEquals("{\"finishedBatches\":42}", new BatchOffset(42).json());
    assertEquals(42, BatchOffset.parse(" {\"finishedBatches\": 42} ").finished());
    assertThrows(RuntimeException.class, () -> BatchOffset.parse("{\"offset\":1}"));
  }
}
