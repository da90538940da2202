package io.github.sparktogetherbatch.read;

import io.github.sparktogetherbatch.client.BatchJob;
import java.util.Map;

/** Told by {@link BatchPoller} after each poll of a wait; shows the wait to a person. */
interface WaitProgress {
  /**
   * @param state every batch's last known state (null: not known yet), in the job's order
   * @param elapsedMillis time since the wait began
   * @param finished true on the last call, when every batch is terminal or the wait ends
   */
  void update(Map<String, BatchJob> state, long elapsedMillis, boolean finished);

  /** Shows nothing. */
  WaitProgress NONE = (state, elapsedMillis, finished) -> {};
}
