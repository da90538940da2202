package io.github.sparktogetherbatch.write;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One lock per job path in this JVM: a streaming epoch's commit and the scheduled flush of carried
 * rows ({@link CarryFlush}) change the same manifest, so they run one after the other. Across JVMs
 * nothing is locked (one query per job path: docs/incremental.md).
 */
final class JobLocks {
  private static final ConcurrentMap<String, Object> LOCKS = new ConcurrentHashMap<>();

  private JobLocks() {}

  /** The lock of the job at {@code path} (as the write was given it). */
  static Object of(String path) {
    return LOCKS.computeIfAbsent(path, p -> new Object());
  }
}
