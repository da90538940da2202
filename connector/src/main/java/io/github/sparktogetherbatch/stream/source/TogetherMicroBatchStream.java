package io.github.sparktogetherbatch.stream.source;

import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.config.ReadConfig;
import io.github.sparktogetherbatch.exceptions.TogetherJobException;
import io.github.sparktogetherbatch.read.FinishedBatchPlanner;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.streaming.MicroBatchStream;
import org.apache.spark.sql.connector.read.streaming.Offset;
import org.apache.spark.sql.connector.read.streaming.ReadLimit;
import org.apache.spark.sql.connector.read.streaming.ReadMaxFiles;
import org.apache.spark.sql.connector.read.streaming.SupportsTriggerAvailableNow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream of a job's finished batches. {@link #latestOffset(Offset, ReadLimit)} looks for newly
 * finished batches (at most once per {@code pollInterval}), appends them to the {@link
 * FinishedBatchLog} before answering, and offers up to {@code maxBatchesPerTrigger} more of them
 * ({@link ReadLimit#maxFiles}: one "file" is one batch); {@link #planInputPartitions} reads the
 * rows of the log entries between two offsets, one partition per batch. With {@code
 * Trigger.AvailableNow} the end is fixed once, at the start of the run.
 */
final class TogetherMicroBatchStream implements MicroBatchStream, SupportsTriggerAvailableNow {
  private static final Logger LOG = LoggerFactory.getLogger(TogetherMicroBatchStream.class);

  private final ReadConfig config;
  private final FinishedBatchPlanner planner;
  private final TogetherClient client;
  private final FinishedBatchLog log;
  private final FinishedBatchWatcher watcher;
  private final long pollIntervalNanos;
  private long lastPollNanos;
  private boolean polled;

  /** The partitions last planned, of log entries plannedFrom to plannedTo; null before. */
  private InputPartition[] planned;

  private long plannedFrom;
  private long plannedTo;

  /** The end of a {@code Trigger.AvailableNow} run (log entries), or -1. */
  private long availableNowEnd = -1;

  TogetherMicroBatchStream(
      ReadConfig config,
      FinishedBatchPlanner planner,
      Configuration conf,
      String checkpointLocation) {
    this.config = config;
    this.planner = planner;
    this.log = FinishedBatchLog.open(checkpointLocation, conf);
    this.client = new TogetherClient(config.client());
    this.watcher = new FinishedBatchWatcher(config, conf, client, log);
    this.pollIntervalNanos = config.pollInterval().toNanos();
  }

  @Override
  public Offset initialOffset() {
    return new BatchOffset(0);
  }

  @Override
  public Offset deserializeOffset(String json) {
    return BatchOffset.parse(json);
  }

  @Override
  public ReadLimit getDefaultReadLimit() {
    Integer max = config.maxBatchesPerTrigger();
    return max == null ? ReadLimit.allAvailable() : ReadLimit.maxFiles(max);
  }

  @Override
  public Offset latestOffset() {
    throw new UnsupportedOperationException(
        "latestOffset(Offset, ReadLimit) is the one to call on the together-batch source");
  }

  @Override
  public synchronized Offset latestOffset(Offset startOffset, ReadLimit limit) {
    long start = startOffset == null ? 0 : finished(startOffset);
    long end;
    if (availableNowEnd >= 0) {
      end = availableNowEnd;
    } else {
      if (!polled || System.nanoTime() - lastPollNanos >= pollIntervalNanos) {
        watcher.pollRound(FinishedBatchWatcher.MAX_POLLS);
        lastPollNanos = System.nanoTime();
        polled = true;
      }
      end = log.size();
    }
    if (limit instanceof ReadMaxFiles) {
      end = Math.min(end, start + ((ReadMaxFiles) limit).maxFiles());
    }
    return new BatchOffset(Math.max(start, end));
  }

  @Override
  public synchronized Offset reportLatestOffset() {
    return new BatchOffset(log.size());
  }

  /**
   * Fixes the end of a {@code Trigger.AvailableNow} run: every batch finished now (each unlogged
   * batch of the job polled once), or with {@code availableNowWait}, every batch the job lists now
   * once all have finished (up to {@code waitTimeout}).
   */
  @Override
  public synchronized void prepareForTriggerAvailableNow() {
    List<String> known = watcher.knownBatches();
    watcher.pollRound(Integer.MAX_VALUE);
    if (config.availableNowWait()) {
      long deadline = System.nanoTime() + config.waitTimeout().toNanos();
      List<String> running = watcher.unlogged(known);
      while (!running.isEmpty()) {
        if (System.nanoTime() >= deadline) {
          throw new TogetherJobException(
              "Timed out (option 'waitTimeout') waiting for "
                  + running.size()
                  + " batch(es) of "
                  + watcher.label()
                  + " to finish before the Trigger.AvailableNow run: "
                  + String.join(", ", running)
                  + ". They keep running at Together: run again later, raise 'waitTimeout', or"
                  + " set availableNowWait=false to take the finished batches now.",
              running);
        }
        sleep(running);
        watcher.pollRound(Integer.MAX_VALUE);
        running = watcher.unlogged(known);
      }
    }
    availableNowEnd = log.size();
    LOG.info(
        "together-batch source of {}: this Trigger.AvailableNow run ends at {} finished batch(es)",
        watcher.label(),
        availableNowEnd);
  }

  private void sleep(List<String> running) {
    try {
      Thread.sleep(Math.max(1, config.pollInterval().toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TogetherJobException(
          "Interrupted while waiting for batch(es) " + String.join(", ", running), running, e);
    }
  }

  /**
   * The rows of log entries (start, end]. Spark may ask several times for one micro-batch; the
   * answer cannot change (the entries are fixed, finished batches stay as they are), so the last
   * one is kept rather than polling every batch again.
   */
  @Override
  public synchronized InputPartition[] planInputPartitions(Offset start, Offset end) {
    long from = finished(start);
    long to = finished(end);
    if (planned == null || plannedFrom != from || plannedTo != to) {
      List<String> ids = log.range(from, to);
      if (!ids.isEmpty()) {
        LOG.info(
            "together-batch source of {}: emitting the rows of {} finished batch(es) {}",
            watcher.label(),
            ids.size(),
            ids);
      }
      planned = planner.plan(ids);
      plannedFrom = from;
      plannedTo = to;
    }
    return planned.clone();
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    return planner.readerFactory();
  }

  @Override
  public void commit(Offset end) {
    // The log stays: it is small (one batch id per entry) and planning after a restart needs it.
  }

  @Override
  public void stop() {
    client.close();
  }

  private static long finished(Offset o) {
    return o instanceof BatchOffset
        ? ((BatchOffset) o).finished()
        : BatchOffset.parse(o.json()).finished();
  }

  @Override
  public String toString() {
    return "together-batch source of " + watcher.label();
  }
}
