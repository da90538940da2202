package io.github.sparktogetherbatch.stream.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparktogetherbatch.exceptions.TogetherJobException;
import io.github.sparktogetherbatch.manifest.JobPathFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only log, in the query's checkpoint, of the job's batches in the order the source
 * first saw each one finished (COMPLETED, FAILED, EXPIRED, CANCELLED): entry n is a batch id, and
 * an offset n means "entries 0..n-1 emitted". Entries are never changed or removed, so the rows of
 * (start, end] are the same whenever Spark asks again.
 *
 * <p>On disk, one small file per append round under {@code finished-batches/}, named by the index
 * of its first entry and written with {@code overwrite=false}: {@code {"first":n,"batches":[...]}}.
 * No rename is needed, so it holds on object stores too. A crash while writing can only leave the
 * last round's file incomplete (not valid JSON: the closing brace comes last); it was never
 * returned as an offset, so loading deletes it and its batches are appended again later.
 *
 * <p>Compaction keeps the folder small for a query that runs for months: every {@value
 * #COMPACT_EVERY} rounds the whole log is written to one {@code <n>.compact.json} ({@code
 * {"upto":n,"batches":[...]}}, the first n entries, also {@code overwrite=false}), and only then
 * are the rounds and older compact files it covers deleted. A load starts from the newest compact
 * file that is complete and adds the rounds after it; a compact file cut short by a crash is
 * deleted (the rounds it would have covered are still there).
 */
final class FinishedBatchLog {
  private static final Logger LOG = LoggerFactory.getLogger(FinishedBatchLog.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  static final String DIR = "finished-batches";

  /** Rounds between two compactions. */
  static final int COMPACT_EVERY = 10;

  private static final String ROUND = "\\d{20}\\.json";
  private static final String COMPACT = "\\d{20}\\.compact\\.json";

  private final Path dir;
  private final FileSystem fs;
  private final List<String> entries = new ArrayList<>();
  private final Set<String> logged = new HashSet<>();
  private int roundsSinceCompact;

  private FinishedBatchLog(Path dir, FileSystem fs) {
    this.dir = dir;
    this.fs = fs;
  }

  /** Loads (or starts) the log under the source's checkpoint folder. */
  static FinishedBatchLog open(String checkpointLocation, Configuration conf) {
    try {
      Path dir = new Path(checkpointLocation, DIR);
      FinishedBatchLog log = new FinishedBatchLog(dir, dir.getFileSystem(conf));
      log.load();
      return log;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read the together-batch source's log in the checkpoint "
              + checkpointLocation
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private void load() throws IOException {
    if (!fs.exists(dir)) {
      return;
    }
    TreeMap<Long, Path> rounds = new TreeMap<>();
    TreeMap<Long, Path> compacts = new TreeMap<>();
    for (FileStatus st : fs.listStatus(dir)) {
      String name = st.getPath().getName();
      if (name.matches(ROUND)) {
        rounds.put(Long.parseLong(name.substring(0, 20)), st.getPath());
      } else if (name.matches(COMPACT)) {
        compacts.put(Long.parseLong(name.substring(0, 20)), st.getPath());
      }
    }
    long upto = loadCompact(compacts);
    long lastKey = rounds.isEmpty() ? -1 : rounds.lastKey();
    for (var r : rounds.entrySet()) {
      if (r.getKey() < upto) {
        deleteQuietly(r.getValue()); // covered by the compact file; its deletion was cut short
        continue;
      }
      List<String> ids = readRound(r.getValue(), r.getKey());
      if (ids == null) {
        if (r.getKey() != lastKey) {
          throw corrupt(r.getValue(), "it is not a complete round of the log");
        }
        LOG.warn(
            "The together-batch source's last log round {} was not completely written (a crash"
                + " while appending); it was never emitted, so it is deleted and written again",
            r.getValue());
        fs.delete(r.getValue(), false);
        break;
      }
      if (r.getKey() != entries.size()) {
        throw corrupt(r.getValue(), "it starts at entry " + r.getKey() + ", not " + entries.size());
      }
      for (String id : ids) {
        add(id);
      }
      roundsSinceCompact++;
    }
    LOG.info("The together-batch source's log {} holds {} finished batch(es)", dir, entries.size());
  }

  /**
   * Takes the entries of the newest complete compact file (deleting a newest one cut short by a
   * crash, and the older ones); returns how many entries it holds (0 without one).
   */
  private long loadCompact(TreeMap<Long, Path> compacts) throws IOException {
    long upto = 0;
    for (Long n : compacts.descendingKeySet()) {
      Path file = compacts.get(n);
      List<String> ids = upto > 0 ? null : readList(file, "upto", n);
      if (upto == 0 && ids != null && ids.size() == n) {
        for (String id : ids) {
          add(id);
        }
        upto = n;
      } else if (upto == 0 && n.equals(compacts.lastKey())) {
        LOG.warn(
            "The together-batch source's compact log file {} was not completely written (a crash"
                + " while compacting); it is deleted, the rounds it covers are kept",
            file);
        fs.delete(file, false);
      } else if (upto == 0) {
        throw corrupt(file, "it is not a complete compact file of the log");
      } else {
        deleteQuietly(file); // older than the one taken
      }
    }
    return upto;
  }

  /** The round's batch ids, or null when the file is incomplete. */
  private List<String> readRound(Path file, long first) throws IOException {
    return readList(file, "first", first);
  }

  /**
   * The {@code batches} of a log file whose {@code key} field is {@code expected}, or null when the
   * file is incomplete (not valid JSON, or not of that shape).
   */
  private List<String> readList(Path file, String key, long expected) throws IOException {
    JsonNode root;
    try (FSDataInputStream in = fs.open(file)) {
      root = JSON.readTree((InputStream) in);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return null; // cut short: not valid JSON
    }
    if (root == null
        || !root.isObject()
        || root.path(key).asLong(-1) != expected
        || !root.path("batches").isArray()) {
      return null;
    }
    List<String> ids = new ArrayList<>();
    for (JsonNode id : root.get("batches")) {
      ids.add(id.asText());
    }
    return ids;
  }

  private TogetherJobException corrupt(Path file, String why) {
    return new TogetherJobException(
        "The together-batch source's log in the checkpoint is damaged: "
            + file
            + " ("
            + why
            + "). Restore the checkpoint, or start the query with a new checkpointLocation (it"
            + " then emits every finished batch again).",
        List.of());
  }

  private void add(String id) {
    if (!logged.add(id)) {
      throw new TogetherJobException(
          "The together-batch source's log in the checkpoint "
              + dir
              + " lists batch "
              + id
              + " twice. Restore the checkpoint or use a new checkpointLocation.",
          List.of(id));
    }
    entries.add(id);
  }

  /**
   * Appends batches newly seen finished, durably, before returning: a new file that no other writer
   * may replace.
   *
   * @throws TogetherJobException when the round's file already exists (another query runs on the
   *     same checkpoint)
   */
  synchronized void append(List<String> batchIds) {
    if (batchIds.isEmpty()) {
      return;
    }
    Set<String> fresh = new HashSet<>();
    for (String id : batchIds) {
      if (logged.contains(id) || !fresh.add(id)) {
        throw new TogetherJobException(
            "Batch " + id + " is in the together-batch source's log " + dir + " already.",
            List.of(id));
      }
    }
    long first = entries.size();
    Path file = new Path(dir, String.format(Locale.ROOT, "%020d.json", first));
    ObjectNode round = JSON.createObjectNode();
    round.put("first", first);
    ArrayNode ids = round.putArray("batches");
    batchIds.forEach(ids::add);
    try {
      JobPathFiles.mkdirs(fs, dir);
      writeNew(file, round);
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      throw new TogetherJobException(
          "The together-batch source's log entry "
              + file
              + " exists already: is another query running with the same checkpointLocation?"
              + " Run one query per checkpoint.",
          batchIds,
          e);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot append to the together-batch source's log " + file + ": " + e.getMessage(), e);
    }
    for (String id : batchIds) {
      add(id);
    }
    if (++roundsSinceCompact >= COMPACT_EVERY) {
      compact();
    }
  }

  /**
   * Writes the whole log as one compact file, then deletes the rounds and older compact files it
   * covers. Best effort: on failure the rounds stay and the log is as valid as before.
   */
  private void compact() {
    long n = entries.size();
    Path file = new Path(dir, String.format(Locale.ROOT, "%020d.compact.json", n));
    ObjectNode all = JSON.createObjectNode();
    all.put("upto", n);
    ArrayNode ids = all.putArray("batches");
    entries.forEach(ids::add);
    try {
      writeNew(file, all);
      roundsSinceCompact = 0;
      for (FileStatus st : fs.listStatus(dir)) {
        String name = st.getPath().getName();
        boolean round = name.matches(ROUND);
        if ((round || name.matches(COMPACT))
            && Long.parseLong(name.substring(0, 20)) < n
            && !st.getPath().equals(file)) {
          deleteQuietly(st.getPath());
        }
      }
      LOG.info("Compacted the together-batch source's log {}: {} finished batch(es)", dir, n);
    } catch (IOException e) {
      LOG.warn(
          "Could not compact the together-batch source's log {} ({}); its rounds are kept",
          dir,
          e.getMessage());
    }
  }

  /** Writes {@code json} as a new file: {@code overwrite=false}, no rename (object stores too). */
  private void writeNew(Path file, ObjectNode json) throws IOException {
    try (OutputStream out = JobPathFiles.create(fs, file, false)) {
      out.write(JSON.writeValueAsBytes(json));
    }
  }

  private void deleteQuietly(Path file) {
    try {
      fs.delete(file, false);
    } catch (IOException e) {
      LOG.debug("Could not delete {}: {}", file, e.getMessage());
    }
  }

  synchronized int size() {
    return entries.size();
  }

  synchronized boolean contains(String batchId) {
    return logged.contains(batchId);
  }

  /** Entries {@code from} (inclusive) to {@code to} (exclusive). */
  synchronized List<String> range(long from, long to) {
    if (from < 0 || to > entries.size() || from > to) {
      throw new TogetherJobException(
          "The together-batch source was asked for finished batches "
              + from
              + " to "
              + to
              + " but its log in the checkpoint holds "
              + entries.size()
              + " (was "
              + dir
              + " deleted or replaced?). Restore the checkpoint, or start with a new"
              + " checkpointLocation.",
          List.of());
    }
    return Collections.unmodifiableList(new ArrayList<>(entries.subList((int) from, (int) to)));
  }
}
