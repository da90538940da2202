package io.github.sparktogetherbatch.emulator.batch;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparktogetherbatch.emulator.json.Json;
import io.github.sparktogetherbatch.emulator.model.Completions;
import io.github.sparktogetherbatch.emulator.model.DeterministicModel;
import io.github.sparktogetherbatch.emulator.model.DeterministicModel.Answer;
import io.github.sparktogetherbatch.emulator.model.FailOnceMemory;
import io.github.sparktogetherbatch.emulator.store.FileStore;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The file work of a running batch: opens its input for reading and its output and error files for
 * writing, answers chunks of lines with the deterministic model (each chunk written in reverse
 * order, so output order is unrelated to input order), and at the end registers the result files as
 * {@code batch-generated} files, or discards them for a failed batch (which keeps only an error
 * file written by {@link #rejectAll}). Mutates the worker-only fields of {@link BatchRecord}; the
 * engine calls it one step at a time per batch.
 */
final class BatchWorker {
  private static final System.Logger LOG = System.getLogger(BatchWorker.class.getName());

  /** What one chunk did: requests answered, and whether the input ended. */
  record Chunk(int answered, boolean endOfInput) {}

  /** The error code of the requests of a batch that targets a model batches cannot use. */
  static final String MODEL_NOT_AVAILABLE = "model_not_available";

  private final FileStore files;
  private final FailOnceMemory failOnce;

  BatchWorker(FileStore files, FailOnceMemory failOnce) {
    this.files = files;
    this.failOnce = failOnce;
  }

  /** Opens the input and fresh result files of a batch that passed validation. */
  void open(BatchRecord b) throws IOException {
    b.reader =
        new BufferedReader(
            new InputStreamReader(Files.newInputStream(b.input), StandardCharsets.UTF_8),
            256 * 1024);
    b.outTmp = files.newTempFile("out");
    b.errTmp = files.newTempFile("err");
    b.out = new BufferedOutputStream(Files.newOutputStream(b.outTmp), 256 * 1024);
    b.err = new BufferedOutputStream(Files.newOutputStream(b.errTmp), 64 * 1024);
  }

  /** Answers up to {@code allowed} lines and appends the results to the result files. */
  Chunk answer(BatchRecord b, int allowed) throws IOException {
    List<byte[]> outs = new ArrayList<>(Math.min(allowed, BatchEngine.CHUNK));
    List<byte[]> errs = new ArrayList<>();
    boolean eof = false;
    int done = 0;
    long created = System.currentTimeMillis() / 1000;
    while (done < allowed) {
      String line = b.reader.readLine();
      if (line == null) {
        eof = true;
        break;
      }
      if (line.isBlank()) {
        continue;
      }
      JsonNode node = Json.MAPPER.readTree(line);
      String customId = node.get("custom_id").asText();
      Answer a =
          failOnce.apply(
              DeterministicModel.answer(b.endpoint, node.get("body"), b.givenModelId),
              "custom_id:" + customId);
      byte[] bytes =
          Json.MAPPER.writeValueAsBytes(
              Completions.resultLine(b.id, customId, b.endpoint, a, created));
      (a.succeeded() ? outs : errs).add(bytes);
      done++;
    }
    for (int i = outs.size() - 1; i >= 0; i--) {
      b.out.write(outs.get(i));
      b.out.write('\n');
    }
    for (int i = errs.size() - 1; i >= 0; i--) {
      b.err.write(errs.get(i));
      b.err.write('\n');
    }
    b.outLines += outs.size();
    b.errLines += errs.size();
    return new Chunk(done, eof);
  }

  /**
   * Writes and registers the error file of a batch that fails because its requests target models
   * batches cannot use: one error line per request, code {@value #MODEL_NOT_AVAILABLE}, naming the
   * request's own model when it is one of them, else the batch's. Caller holds the batch's monitor.
   */
  void rejectAll(BatchRecord b, Set<String> models, String jobError) throws IOException {
    Path tmp = files.newTempFile("err");
    long n = 0;
    try (BufferedReader in = Files.newBufferedReader(b.input, StandardCharsets.UTF_8);
        BufferedOutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
      String line;
      while ((line = in.readLine()) != null) {
        JsonNode node = Json.MAPPER.readTree(line);
        String model = Json.text(node.get("body"), "model");
        if (model == null) {
          model = b.givenModelId;
        }
        String message =
            models.contains(model)
                ? "Model " + model + " is not available for batch processing"
                : "The batch failed: " + jobError;
        out.write(
            Json.MAPPER.writeValueAsBytes(
                Completions.errorLine(
                    node.get("custom_id").asText(), message, MODEL_NOT_AVAILABLE)));
        out.write('\n');
        n++;
      }
    } catch (IOException | RuntimeException e) {
      deleteQuietly(tmp);
      throw e;
    }
    b.errorFileId = files.registerGenerated(tmp, "batch_" + b.id + "_error.jsonl", n).id;
  }

  /**
   * Closes the batch's files for a terminal {@code status}: registers the output and error files
   * (empty ones if the batch never started), or deletes them when the batch failed. Returns false
   * if the results could not be stored. Caller holds the batch's monitor.
   */
  boolean storeResults(BatchRecord b, String status) {
    closeQuietly(b.reader);
    b.reader = null;
    boolean stored = true;
    try {
      if (BatchRecord.FAILED.equals(status)) {
        closeQuietly(b.out);
        closeQuietly(b.err);
        deleteQuietly(b.outTmp);
        deleteQuietly(b.errTmp);
      } else {
        if (b.outTmp == null) {
          b.outTmp = files.newTempFile("out");
          b.errTmp = files.newTempFile("err");
        } else {
          b.out.close();
          b.err.close();
        }
        b.outputFileId =
            files.registerGenerated(b.outTmp, "batch_" + b.id + "_output.jsonl", b.outLines).id;
        b.errorFileId =
            files.registerGenerated(b.errTmp, "batch_" + b.id + "_error.jsonl", b.errLines).id;
      }
    } catch (IOException e) {
      LOG.log(Level.ERROR, "could not store results of batch " + b.id, e);
      stored = false;
      b.outputFileId = null;
      b.errorFileId = null;
    }
    b.out = null;
    b.err = null;
    b.outTmp = null;
    b.errTmp = null;
    return stored;
  }

  /** Closes and deletes a batch's files without keeping results (removed, or shut down). */
  void release(BatchRecord b) {
    closeQuietly(b.reader);
    closeQuietly(b.out);
    closeQuietly(b.err);
    deleteQuietly(b.outTmp);
    deleteQuietly(b.errTmp);
    deleteQuietly(b.input);
    b.reader = null;
    b.out = null;
    b.err = null;
  }

  private static void closeQuietly(Closeable c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // nothing to do
      }
    }
  }

  static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // removed with the data directory
      }
    }
  }
}
