package io.github.sparktogetherbatch.emulator.model;

import io.github.sparktogetherbatch.emulator.model.DeterministicModel.Answer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which {@code !!fail-once!!} requests the emulator has already failed: a batch request by its
 * {@code custom_id} (across batches), a live call by its body. Only such requests are remembered; a
 * reset forgets them.
 */
public final class FailOnceMemory {
  private final Set<String> failed = ConcurrentHashMap.newKeySet();

  /**
   * The answer to send: the first-attempt failure the first time a {@code !!fail-once!!} answer is
   * given for {@code key}, else the answer itself.
   */
  public Answer apply(Answer a, String key) {
    return a.failsOnce() && failed.add(key) ? a.firstAttemptFailure() : a;
  }

  /** Forgets every request. */
  public void clear() {
    failed.clear();
  }
}
