package io.github.sparktogetherbatch.write;

import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.codec.CustomIdRecord;
import io.github.sparktogetherbatch.codec.IdStream;
import io.github.sparktogetherbatch.config.WriteConfig;
import io.github.sparktogetherbatch.manifest.CarriedFile;
import io.github.sparktogetherbatch.manifest.JobFolder;
import io.github.sparktogetherbatch.manifest.JobManifest;
import io.github.sparktogetherbatch.manifest.StreamEpoch;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Small streaming epochs sharing batches (option {@code maxCarryDelay}). At a commit, the pool is
 * the small files the job carries from earlier epochs (oldest first) and the small files of this
 * write. A streaming epoch carries its small files instead of submitting them when the option is on
 * and the pool holds fewer than {@code minRequestsPerBatch} requests (and {@code
 * maxRequestsPerBatch}), fewer than {@code maxBytesPerBatch} bytes, and the oldest carried rows
 * were carried less than the delay ago: the files are concatenated, whole, into one file at the job
 * path ({@link JobFolder#carriedFile()}, with its custom_id record) that the committer records in
 * the manifest with the epoch. Otherwise the whole pool is packed and uploaded ({@link
 * SmallFilePacker}); the committer drops the carried entries in the manifest version that records
 * the packs as pending, and deletes their files once the batches exist. A batch write (an append,
 * the scheduled flush) never carries and always submits the pool; an overwrite drops it.
 *
 * <p>One input file of Together must not hold a custom_id twice, and ids are unique only within an
 * epoch: when this write's ids meet carried ones, the two are packed apart (and nothing is
 * carried). Memory: the carried ids (fewer than {@code minRequestsPerBatch}) are held in a set for
 * that check; files are streamed.
 */
final class EpochCarry {
  private static final Logger LOG = LoggerFactory.getLogger(EpochCarry.class);

  /** Schedules the flush of the carried rows of a streaming query at the job path. */
  interface FlushScheduler {
    void schedule(String queryId, Instant at);
  }

  /**
   * What a commit does with the pool.
   *
   * @param carried the file this write carries (null: nothing carried)
   * @param flushed the carried entries submitted by this write (their files deleted afterwards)
   * @param packs the packed input files uploaded (the pool's, when not carried)
   */
  record Plan(
      CarriedFile carried,
      List<CarriedFile> flushed,
      List<TogetherWriterCommitMessage.UploadedFile> packs) {}

  private final WriteConfig config;
  private final JobFolder jobFolder;
  private final SmallFilePacker packer;
  private final String writeId;
  private final FlushScheduler flushes;
  private CarriedFile written;

  /**
   * @param flushes where an epoch that carries schedules the flush (null: none, e.g. the flush)
   */
  EpochCarry(
      WriteConfig config,
      JobFolder jobFolder,
      SmallFilePacker packer,
      String writeId,
      FlushScheduler flushes) {
    this.config = config;
    this.jobFolder = jobFolder;
    this.packer = packer;
    this.writeId = writeId;
    this.flushes = flushes;
  }

  private Duration delay() {
    return config.maxCarryDelay();
  }

  /**
   * Carries this write's small files, or packs and uploads the pool.
   *
   * @param before what the job carries (empty when the write replaces the job)
   * @param epoch the streaming epoch, or null for a batch write
   */
  Plan plan(
      TogetherClient client,
      List<CarriedFile> before,
      List<TogetherWriterCommitMessage.SmallFile> small,
      StreamEpoch epoch,
      Instant now) {
    boolean carrying =
        epoch != null && !delay().isZero() && config.minRequestsPerBatch() > 0 && !config.dryRun();
    boolean due = before.isEmpty() || !now.isBefore(oldest(before).plus(delay()));
    if (small.isEmpty()) {
      if (before.isEmpty() || (carrying && !due)) {
        return new Plan(null, List.of(), List.of());
      }
      return new Plan(null, before, packer.pack(client, asSmall(before)));
    }
    boolean disjoint = before.isEmpty() || !collide(before, small);
    long requests = 0;
    long bytes = 0;
    for (CarriedFile c : before) {
      requests += c.requests();
      bytes += c.bytes();
    }
    for (TogetherWriterCommitMessage.SmallFile f : small) {
      requests += f.requests();
      bytes += f.bytes();
    }
    long minRequests = Math.min(config.minRequestsPerBatch(), config.maxRequestsPerBatch());
    if (carrying
        && disjoint
        && (before.isEmpty() || !due)
        && requests < minRequests
        && bytes < config.maxBytesPerBatch()) {
      return new Plan(write(small, epoch, now), List.of(), List.of());
    }
    List<TogetherWriterCommitMessage.UploadedFile> packs = new ArrayList<>();
    if (disjoint) {
      List<TogetherWriterCommitMessage.SmallFile> pool = asSmall(before);
      pool.addAll(small);
      packs.addAll(packer.pack(client, pool));
    } else {
      LOG.info(
          "Write {}: custom_ids of its rows are among the {} carried request(s) of the job at {}; "
              + "the carried requests are submitted in batches of their own",
          writeId,
          sum(before),
          config.path());
      packs.addAll(packer.pack(client, asSmall(before)));
      packs.addAll(packer.pack(client, small));
    }
    return new Plan(null, before, packs);
  }

  /** After the manifest is written: schedules the flush of what the job carries, if anything. */
  void scheduleFlush(JobManifest m, String queryId) {
    if (flushes != null && !m.carried().isEmpty() && !delay().isZero()) {
      flushes.schedule(queryId, oldest(m.carried()).plus(delay()));
    }
  }

  /** After the batches of the pool exist: deletes the carried files they were packed from. */
  void deleteFlushed(List<CarriedFile> flushed) {
    if (flushed.isEmpty()) {
      return;
    }
    jobFolder.deleteCarried(names(flushed));
    LOG.info(
        "Submitted {} carried request(s) of the job at {} (from {} earlier epoch(s))",
        sum(flushed),
        config.path(),
        flushed.size());
  }

  /** After an overwrite replaced the job: its carried rows are dropped, their files deleted. */
  void drop(List<CarriedFile> old) {
    if (!old.isEmpty()) {
      jobFolder.deleteCarried(names(old));
      LOG.info(
          "The overwrite of the job at {} dropped {} carried request(s) never submitted",
          config.path(),
          sum(old));
    }
  }

  /** After a streaming commit: deletes the query's carried files that {@code m} does not name. */
  void sweepQuery(String queryId, JobManifest m) {
    jobFolder.sweepCarriedOfQuery(queryId, new HashSet<>(names(m.carried())));
  }

  /** After a failed write: deletes the file this write carried unless {@code onDisk} names it. */
  void abort(JobManifest onDisk) {
    if (written != null && (onDisk == null || !onDisk.carried().contains(written))) {
      jobFolder.deleteCarried(names(List.of(written)));
    }
  }

  private CarriedFile write(
      List<TogetherWriterCommitMessage.SmallFile> small, StreamEpoch epoch, Instant now) {
    String file = jobFolder.carriedFile();
    String record = jobFolder.carriedRecord();
    long requests = 0;
    long bytes = 0;
    try {
      try (OutputStream jsonl = jobFolder.create(jobFolder.resolve(file));
          OutputStream ids = CustomIdRecord.writer(jobFolder.create(jobFolder.resolve(record)))) {
        for (TogetherWriterCommitMessage.SmallFile f : small) {
          try (InputStream in = jobFolder.open(f.path())) {
            bytes += in.transferTo(jsonl);
          }
          try (InputStream in = CustomIdRecord.content(jobFolder.open(f.record()))) {
            in.transferTo(ids);
          }
          requests += f.requests();
        }
      }
    } catch (IOException e) {
      jobFolder.deleteCarried(List.of(file, record));
      throw new UncheckedIOException(
          "Carrying the small files of write " + writeId + " failed: " + e.getMessage(), e);
    }
    if (bytes != sum(small, true)) {
      jobFolder.deleteCarried(List.of(file, record));
      throw new UncheckedIOException(
          new IOException(
              "the small files carried by write "
                  + writeId
                  + " hold "
                  + bytes
                  + " bytes, not "
                  + sum(small, true)));
    }
    written = new CarriedFile(file, record, requests, bytes, writeId, epoch, now);
    LOG.info(
        "{}: {} request(s) in {} small file(s) carried at the job at {} to share a batch with "
            + "later epochs (submitted once the job carries {} requests, or its oldest carried "
            + "requests have waited {})",
        epoch,
        requests,
        small.size(),
        config.path(),
        Math.min(config.minRequestsPerBatch(), config.maxRequestsPerBatch()),
        delay());
    return written;
  }

  /** Whether a custom_id of {@code small} is among the carried ones. */
  private boolean collide(
      List<CarriedFile> before, List<TogetherWriterCommitMessage.SmallFile> small) {
    Set<String> carried = new HashSet<>();
    try {
      for (CarriedFile c : before) {
        try (IdStream in =
            CustomIdRecord.reader(jobFolder.open(jobFolder.resolve(c.customIds())))) {
          while (in.next()) {
            if (in.id() != null) {
              carried.add(in.id());
            }
          }
        }
      }
      for (TogetherWriterCommitMessage.SmallFile f : small) {
        try (IdStream in = CustomIdRecord.reader(jobFolder.open(f.record()))) {
          while (in.next()) {
            if (in.id() != null && carried.contains(in.id())) {
              return true;
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Reading the custom_ids carried at " + config.path() + " failed: " + e.getMessage(), e);
    }
    return false;
  }

  private List<TogetherWriterCommitMessage.SmallFile> asSmall(List<CarriedFile> carried) {
    List<TogetherWriterCommitMessage.SmallFile> out = new ArrayList<>();
    for (CarriedFile c : carried) {
      String name = c.file().substring(c.file().lastIndexOf('/') + 1);
      out.add(
          new TogetherWriterCommitMessage.SmallFile(
              jobFolder.resolve(c.file()),
              jobFolder.resolve(c.customIds()),
              name,
              c.requests(),
              c.bytes()));
    }
    return out;
  }

  static Instant oldest(List<CarriedFile> carried) {
    Instant t = carried.get(0).carriedAt();
    for (CarriedFile c : carried) {
      if (c.carriedAt().isBefore(t)) {
        t = c.carriedAt();
      }
    }
    return t;
  }

  private static List<String> names(List<CarriedFile> carried) {
    List<String> out = new ArrayList<>();
    for (CarriedFile c : carried) {
      out.add(c.file());
      out.add(c.customIds());
    }
    return out;
  }

  private static long sum(List<CarriedFile> carried) {
    long n = 0;
    for (CarriedFile c : carried) {
      n += c.requests();
    }
    return n;
  }

  private static long sum(List<TogetherWriterCommitMessage.SmallFile> small, boolean bytes) {
    long n = 0;
    for (TogetherWriterCommitMessage.SmallFile f : small) {
      n += bytes ? f.bytes() : f.requests();
    }
    return n;
  }
}
