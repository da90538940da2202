package io.github.sparktogetherbatch.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparktogetherbatch.emulator.batch.BatchEngine;
import io.github.sparktogetherbatch.emulator.batch.BatchRecord;
import io.github.sparktogetherbatch.emulator.fault.FaultRegistry;
import io.github.sparktogetherbatch.emulator.http.HttpServerCore;
import io.github.sparktogetherbatch.emulator.json.Json;
import io.github.sparktogetherbatch.emulator.model.Completions;
import io.github.sparktogetherbatch.emulator.model.FailOnceMemory;
import io.github.sparktogetherbatch.emulator.model.ModelCatalog;
import io.github.sparktogetherbatch.emulator.model.ModelInfo;
import io.github.sparktogetherbatch.emulator.routes.ApiRouter;
import io.github.sparktogetherbatch.emulator.routes.ControlRoutes;
import io.github.sparktogetherbatch.emulator.store.FileStore;
import io.github.sparktogetherbatch.emulator.store.UploadSigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * A local, faithful server for Together AI's Files and Batches API, over real HTTP on loopback.
 *
 * <pre>{@code
 * try (TogetherEmulator emu = TogetherEmulator.start()) {
 *     String baseUrl = emu.baseUrl();          // http://127.0.0.1:<port>/v1
 *     ...
 * }
 * }</pre>
 *
 * Besides Together's routes it serves a control surface under {@code /_emulator/} (state, faults,
 * config, reset, forcing batches to expire or fail); the methods of this class mirror it. Data
 * lives in a temporary directory that {@link #close()} deletes.
 */
public final class TogetherEmulator implements AutoCloseable {
  private final EmulatorOptions options;
  private final Path dataDir;
  private final BatchEngine batches;
  private final FaultRegistry faults = new FaultRegistry();
  private final FailOnceMemory failOnce = new FailOnceMemory();
  private final ControlRoutes control;
  private final HttpServerCore server;
  private final String urlHost;

  private TogetherEmulator(EmulatorOptions options) throws IOException {
    this.options = options;
    Path parent = options.dataDir();
    if (parent != null) {
      Files.createDirectories(parent);
      this.dataDir = Files.createTempDirectory(parent, "together-emulator-");
    } else {
      this.dataDir = Files.createTempDirectory("together-emulator-");
    }
    FileStore fs = null;
    BatchEngine be = null;
    HttpServerCore srv = null;
    try {
      fs = new FileStore(dataDir, options.md5ETags());
      String userId =
          "user_"
              + (options.apiKey() == null
                  ? "emulator"
                  : Completions.hex(Completions.hash(options.apiKey())).substring(0, 12));
      be =
          new BatchEngine(
              fs,
              failOnce,
              dataDir,
              userId,
              options.requestsPerSecond(),
              options.validatingMillis());
      String h = options.host();
      this.urlHost =
          h.equals("0.0.0.0") || h.equals("::") ? "127.0.0.1" : h.contains(":") ? "[" + h + "]" : h;
      // the router needs the port for Location fallbacks: bind first through a holder
      RouterHolder holder = new RouterHolder();
      srv = new HttpServerCore(h, options.port(), ex -> holder.router.handle(ex));
      holder.router =
          new ApiRouter(
              fs,
              be,
              faults,
              failOnce,
              new UploadSigner(),
              options.apiKey(),
              urlHost + ":" + srv.port(),
              options.nullEmptyBatchList(),
              options.serveInputFiles());
      this.control = holder.router.control();
      srv.start();
    } catch (IOException | RuntimeException e) {
      if (srv != null) {
        srv.close();
      }
      if (be != null) {
        be.close();
      }
      deleteTree(dataDir);
      throw e;
    }
    this.batches = be;
    this.server = srv;
  }

  private static final class RouterHolder {
    volatile ApiRouter router;
  }

  /** Starts an emulator with {@link EmulatorOptions#defaults()}. */
  public static TogetherEmulator start() {
    return start(EmulatorOptions.defaults());
  }

  /** Starts an emulator with the given options. */
  public static TogetherEmulator start(EmulatorOptions options) {
    try {
      return new TogetherEmulator(options);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the Together emulator", e);
    }
  }

  /** The API base URL, {@code http://127.0.0.1:<port>/v1}. */
  public String baseUrl() {
    return "http://" + urlHost + ":" + port() + "/v1";
  }

  /** The bound TCP port. */
  public int port() {
    return server.port();
  }

  /** The options this emulator was started with. */
  public EmulatorOptions options() {
    return options;
  }

  /**
   * The same JSON as {@code GET /_emulator/state}: files, batches, request counts per route
   * template.
   */
  public JsonNode state() {
    return control.state();
  }

  /** How many requests matched a route template, e.g. {@code "POST /v1/batches"} (0 if none). */
  public long requestCount(String routeTemplate) {
    return control.requestCount(routeTemplate);
  }

  /**
   * Arms a fault, as {@code POST /_emulator/faults} does, e.g. {@code {"route":"POST
   * /v1/batches","status":429,"times":2,"retryAfterSeconds":1}}.
   *
   * @throws IllegalArgumentException if the JSON is not a valid fault
   */
  public void armFault(String json) {
    JsonNode spec = Json.parseOrNull(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    if (spec == null) {
      throw new IllegalArgumentException("not JSON: " + json);
    }
    if (spec.isArray()) {
      for (JsonNode s : spec) {
        faults.arm(s);
      }
    } else {
      faults.arm(spec);
    }
  }

  /** Clears every armed fault. */
  public void clearFaults() {
    faults.clear();
  }

  /** Changes the processing speed (requests per second per batch; 0 or negative is unlimited). */
  public void setRequestsPerSecond(double requestsPerSecond) {
    batches.setRequestsPerSecond(requestsPerSecond);
  }

  /**
   * Whether {@code GET /v1/files/{id}/content} serves {@code batch-api} input files (output and
   * error files are always served); false answers 404 for them. {@link #reset()} restores the
   * setting of the {@link EmulatorOptions}.
   */
  public void setServeInputFiles(boolean serve) {
    control.setServeInputFiles(serve);
  }

  /**
   * The models {@code GET /v1/models} lists, with their serverless prices (USD per million tokens).
   */
  public static List<ModelInfo> models() {
    return ModelCatalog.all();
  }

  /** Changes the minimum time batches stay {@code VALIDATING}. */
  public void setValidatingMillis(long millis) {
    batches.setValidatingMillis(millis);
  }

  /**
   * Ends a running batch as {@code EXPIRED}, keeping the results it finished; returns when it is
   * terminal.
   *
   * @throws IllegalArgumentException if there is no such batch
   * @throws IllegalStateException if the batch is already terminal
   */
  public void expireBatch(String id) {
    forceEnd(id, BatchRecord.EXPIRED, null);
  }

  /**
   * Ends a running batch as {@code FAILED} with this job-level error message; returns when it is
   * terminal.
   *
   * @throws IllegalArgumentException if there is no such batch
   * @throws IllegalStateException if the batch is already terminal
   */
  public void failBatch(String id, String message) {
    forceEnd(id, BatchRecord.FAILED, message == null ? "Batch job failed (emulated)" : message);
  }

  /**
   * Whether batches created from now on are held: they stay {@code VALIDATING} with no progress
   * until {@link #releaseBatch} or {@link #releaseAll} (cancel, expire and fail still end them).
   * {@link #reset()} turns it off.
   */
  public void holdNewBatches(boolean hold) {
    batches.setHoldNewBatches(hold);
  }

  /**
   * Holds a running batch: it keeps its status and progress until released.
   *
   * @throws IllegalArgumentException if there is no such batch
   * @throws IllegalStateException if the batch is already terminal
   */
  public void holdBatch(String id) {
    hold(id, true);
  }

  /**
   * Releases a held batch (nothing happens if it is not held).
   *
   * @throws IllegalArgumentException if there is no such batch
   */
  public void releaseBatch(String id) {
    hold(id, false);
  }

  /** Releases every held batch; returns how many were held. */
  public int releaseAll() {
    return batches.releaseAll();
  }

  private void hold(String id, boolean hold) {
    BatchRecord b = batches.get(id);
    if (b == null) {
      throw new IllegalArgumentException("no such batch: " + id);
    }
    try {
      batches.hold(b, hold);
    } catch (BatchEngine.StateException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private void forceEnd(String id, String status, String error) {
    BatchRecord b = batches.get(id);
    if (b == null) {
      throw new IllegalArgumentException("no such batch: " + id);
    }
    try {
      batches.forceEnd(b, status, error);
    } catch (BatchEngine.StateException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /**
   * Clears all files, batches, request counts, faults and the memory of {@code !!fail-once!!}
   * requests; input files are served again if the options say so.
   */
  public void reset() {
    control.reset();
  }

  /** Stops the server and the batch workers and deletes the data directory. */
  @Override
  public void close() {
    server.close();
    batches.close();
    deleteTree(dataDir);
  }

  private static void deleteTree(Path root) {
    try {
      if (!Files.exists(root)) {
        return;
      }
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc)
                throws IOException {
              Files.deleteIfExists(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException ignored) {
      // best effort
    }
  }
}
