package io.github.sparktogetherbatch.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.client.BatchJob;
import io.github.sparktogetherbatch.testing.TestBatches;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link BatchCreates}: at most n at once, outcomes in file order, nothing new after a failure. */
class BatchCreatesTest {
  private static BatchJob batch(int i) {
    return TestBatches.batch("batch-" + i, "file-" + i, "VALIDATING", 0);
  }

  @Test
  void atMostNRunAtOnceAndOutcomesComeInFileOrder() {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    try (BatchCreates c =
        new BatchCreates(
            i -> {
              most.accumulateAndGet(running.incrementAndGet(), Math::max);
              sleep(i % 2 == 0 ? 60 : 10); // later files often answer first
              running.decrementAndGet();
              return batch(i);
            },
            9,
            3,
            "test-create")) {
      for (int i = 0; i < 9; i++) {
        BatchCreates.Outcome o = c.await(i);
        assertEquals("batch-" + i, o.batch().id());
        assertNull(o.failure());
      }
    }
    assertEquals(3, most.get(), "creates at once");
  }

  @Test
  void aFailureStopsNewCreatesAndThoseUnderWayEnd() throws Exception {
    CountDownLatch othersStarted = new CountDownLatch(2);
    CountDownLatch failed = new CountDownLatch(1);
    RuntimeException refused = new IllegalArgumentException("refused");
    List<Integer> sent = java.util.Collections.synchronizedList(new ArrayList<>());
    List<BatchCreates.Outcome> outcomes = new ArrayList<>();
    try (BatchCreates c =
        new BatchCreates(
            i -> {
              sent.add(i);
              if (i == 1) {
                await(othersStarted);
                failed.countDown();
                throw refused;
              }
              if (i == 0 || i == 2) {
                othersStarted.countDown();
                await(failed); // under way when file 1 fails
                sleep(30);
              }
              return batch(i);
            },
            8,
            3,
            "test-create")) {
      for (int i = 0; i < 8; i++) {
        outcomes.add(c.await(i));
      }
    }
    assertEquals("batch-0", outcomes.get(0).batch().id());
    assertSame(refused, outcomes.get(1).failure());
    assertEquals("batch-2", outcomes.get(2).batch().id(), "under way: ran to its end");
    for (int i = 3; i < 8; i++) {
      assertFalse(outcomes.get(i).sent(), "file " + i + " was sent after the failure");
    }
    assertEquals(3, sent.size(), "sent: " + sent);
  }

  @Test
  void oneAtATimeRunsOnTheCallersThreadAndStopsAtTheFailure() {
    Thread caller = Thread.currentThread();
    List<BatchCreates.Outcome> outcomes = new ArrayList<>();
    try (BatchCreates c =
        new BatchCreates(
            i -> {
              assertSame(caller, Thread.currentThread());
              if (i == 2) {
                throw new IllegalStateException("no");
              }
              return batch(i);
            },
            4,
            1,
            "test-create")) {
      for (int i = 0; i < 4; i++) {
        outcomes.add(c.await(i));
      }
    }
    assertTrue(outcomes.get(1).sent());
    assertTrue(outcomes.get(2).failure() instanceof IllegalStateException);
    assertFalse(outcomes.get(3).sent());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void await(CountDownLatch l) {
    try {
      assertTrue(l.await(10, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
