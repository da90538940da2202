package io.github.sparktogetherbatch.write;

import io.github.sparktogetherbatch.config.WriteConfig;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The names of a write's files. Every file a write stages and uploads is named {@code
 * stb-<writeId>-p<partition>-a<attempt>-NNN.jsonl} (the upload keeps the staged name), so the
 * orphan sweep finds a write's files in the account by the prefix {@code stb-<writeId>-} alone. The
 * driver's packs of small files are {@code stb-<writeId>-packed-NNNNN.jsonl}.
 */
final class WriteFileNames {
  /** The folder under the staging directory where executors stage. */
  static final String STAGING_SUBDIR = "spark-together-batch";

  private static final String PREFIX = "stb-";

  private WriteFileNames() {}

  /**
   * Where executors stage: {@code stagingDir}, else the JVM's temp dir, then {@value
   * #STAGING_SUBDIR}.
   */
  static Path stagingDir(WriteConfig config) {
    String base =
        config.stagingDir() != null ? config.stagingDir() : System.getProperty("java.io.tmpdir");
    return Paths.get(base, STAGING_SUBDIR);
  }

  /** {@code stb-<writeId>-}: every file of the write starts with it. */
  static String writePrefix(String writeId) {
    return PREFIX + writeId + "-";
  }

  /** Whether a file in the account belongs to the write. */
  static boolean isOfWrite(String fileName, String writeId) {
    return fileName != null && fileName.startsWith(writePrefix(writeId));
  }

  /**
   * The write id of one epoch of a streaming query: {@code <queryId>-<8 hex>}, so that every file
   * the query uploads, in any run, starts with {@code stb-<queryId>-} ({@link #isOfQuery}).
   */
  static String streamingWriteId(String queryId) {
    return queryId + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
  }

  /** Whether a file in the account was uploaded by an epoch of the streaming query. */
  static boolean isOfQuery(String fileName, String queryId) {
    return fileName != null && fileName.startsWith(PREFIX + queryId + "-");
  }

  /** {@code stb-<writeId>-p<partition>-a<attempt>}: the files of one task attempt. */
  static String taskPrefix(String writeId, int partitionId, int attempt) {
    return String.format("%sp%05d-a%d", writePrefix(writeId), partitionId, attempt);
  }

  /**
   * The {@code index}-th (0-based) staged file of a task attempt: {@code <taskPrefix>-NNN.jsonl}.
   */
  static String stagedFile(String taskPrefix, int index) {
    return String.format("%s-%03d.jsonl", taskPrefix, index);
  }

  /** The {@code index}-th (0-based) input file the driver packs from small files. */
  static String packedFile(String writeId, int index) {
    return String.format("%spacked-%05d.jsonl", writePrefix(writeId), index);
  }

  /** A task attempt's local spill file of custom_id digests. */
  static String digestSpillFile(String taskPrefix, long taskId) {
    return taskPrefix + "-t" + taskId + "-digests.bin";
  }

  /** The thread that writes the job manifest while the driver creates a write's batches. */
  static String manifestThread(String writeId) {
    return PREFIX + "manifest-" + writeId;
  }

  /** The name of the driver's threads that create a write's batches ({@link BatchCreates}). */
  static String createThread(String writeId) {
    return PREFIX + "create-" + writeId;
  }
}
