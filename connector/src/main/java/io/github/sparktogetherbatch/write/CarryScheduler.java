package io.github.sparktogetherbatch.write;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The driver's one daemon thread that flushes carried rows when their delay is up, so that {@code
 * maxCarryDelay} bounds the wait even when no new epoch comes (a ProcessingTime query without new
 * data runs no micro-batch). At most one flush is scheduled per job path: the earliest asked for. A
 * JVM that ends first leaves the rows recorded in the job (docs/incremental.md says who submits
 * them then).
 */
final class CarryScheduler {
  private static final ScheduledExecutorService THREAD =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "stb-carry-flush");
            t.setDaemon(true);
            return t;
          });

  private static final Map<String, Scheduled> NEXT = new HashMap<>();

  private record Scheduled(Instant at, ScheduledFuture<?> future) {}

  private CarryScheduler() {}

  /**
   * Runs {@code flush} at {@code at}, unless a flush of the same job path is scheduled at or before
   * it (a later one is replaced).
   */
  static synchronized void schedule(String path, Instant at, Runnable flush) {
    Scheduled s = NEXT.get(path);
    if (s != null && !s.future().isDone() && !s.at().isAfter(at)) {
      return;
    }
    if (s != null) {
      s.future().cancel(false);
    }
    long millis = Math.max(0, Duration.between(Instant.now(), at).toMillis());
    Scheduled[] self = new Scheduled[1];
    ScheduledFuture<?> f =
        THREAD.schedule(
            () -> {
              synchronized (CarryScheduler.class) {
                NEXT.remove(path, self[0]);
              }
              flush.run();
            },
            millis,
            TimeUnit.MILLISECONDS);
    self[0] = new Scheduled(at, f);
    NEXT.put(path, self[0]);
  }
}
