package io.github.sparktogetherbatch.ids;

import java.util.List;

/**
 * One task's custom_ids as the driver's check across tasks sees them ({@link WriteDuplicateCheck}):
 * where the task's sorted digests are, and the custom_id records of its files (to read the ids
 * back).
 */
public interface TaskIds {
  /** The task's Spark partition, for messages. */
  int partitionId();

  /** The task's sorted digests when they travel in memory, else null. */
  long[] idDigests();

  /**
   * The file holding the task's sorted digests ({@link DigestFiles}) when they did not, else null.
   */
  String digestFile();

  /** How many custom_ids (digests) the task wrote. */
  long idCount();

  /** The custom_id records of the task's files at the job path (absolute paths). */
  List<String> idRecords();

  /** Whether the task has custom_id digests (false when ids are derived: unique by design). */
  default boolean hasDigests() {
    return idDigests() != null || digestFile() != null;
  }
}
