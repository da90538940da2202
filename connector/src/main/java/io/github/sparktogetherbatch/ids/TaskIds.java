package io.github.sparktogetherbatch.ids;

import java.util.List;

/**
 * One task's custom_ids as the driver's check across tasks sees them ({@link WriteDuplicateCheck}):
 * where the task's sorted digests are, and the input files it uploaded (to read the ids back).
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

  /** The ids of the input files the task uploaded. */
  List<String> inputFileIds();

  /** Whether the task has custom_id digests (false when ids are derived: unique by design). */
  default boolean hasDigests() {
    return idDigests() != null || digestFile() != null;
  }
}
