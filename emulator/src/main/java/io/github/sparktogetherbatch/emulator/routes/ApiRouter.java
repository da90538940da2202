package io.github.sparktogetherbatch.emulator.routes;

import io.github.sparktogetherbatch.emulator.api.ErrorEnvelopes;
import io.github.sparktogetherbatch.emulator.api.RouteTable;
import io.github.sparktogetherbatch.emulator.api.RouteTable.Family;
import io.github.sparktogetherbatch.emulator.batch.BatchEngine;
import io.github.sparktogetherbatch.emulator.fault.FaultInjector;
import io.github.sparktogetherbatch.emulator.fault.FaultRegistry;
import io.github.sparktogetherbatch.emulator.http.Exchange;
import io.github.sparktogetherbatch.emulator.http.FormCodec;
import io.github.sparktogetherbatch.emulator.http.HttpRequest;
import io.github.sparktogetherbatch.emulator.http.HttpResponse;
import io.github.sparktogetherbatch.emulator.http.HttpServerCore;
import io.github.sparktogetherbatch.emulator.model.DeterministicModel;
import io.github.sparktogetherbatch.emulator.model.FailOnceMemory;
import io.github.sparktogetherbatch.emulator.store.FileStore;
import io.github.sparktogetherbatch.emulator.store.UploadSigner;
import java.io.IOException;
import java.util.List;

/**
 * Dispatches requests: {@code /_emulator/} to the control surface; Together's routes under {@code
 * /v1} and the signed upload URL through {@link RouteTable} (unknown path 404, wrong method 405),
 * counting each matched request, letting an armed fault act on it, checking the API key (not on the
 * signed URL), and handing it to the routes class of its resource.
 *
 * <p>A new resource is a template and a match rule in {@link RouteTable}, a routes class, and its
 * cases in {@link #dispatch}.
 */
public final class ApiRouter implements HttpServerCore.Handler {
  private final BearerAuth auth;
  private final FaultInjector faults;
  private final RequestLog log = new RequestLog();
  private final FileRoutes fileRoutes;
  private final BatchRoutes batchRoutes;
  private final CompletionRoutes completionRoutes;
  private final ModelRoutes modelRoutes = new ModelRoutes();
  private final ControlRoutes control;

  /**
   * A router over these stores. {@code apiKey} null accepts any non-empty bearer token; {@code
   * defaultHostPort} is the signed URL's host when a request names no usable {@code Host}.
   */
  public ApiRouter(
      FileStore files,
      BatchEngine batches,
      FaultRegistry faults,
      FailOnceMemory failOnce,
      UploadSigner signer,
      String apiKey,
      String defaultHostPort,
      boolean nullEmptyBatchList,
      boolean serveInputFiles) {
    this.auth = new BearerAuth(apiKey);
    this.faults = new FaultInjector(faults);
    this.fileRoutes = new FileRoutes(files, signer, log, defaultHostPort, serveInputFiles);
    this.batchRoutes = new BatchRoutes(files, batches, nullEmptyBatchList);
    this.completionRoutes = new CompletionRoutes(failOnce);
    this.control =
        new ControlRoutes(files, batches, batchRoutes, fileRoutes, faults, failOnce, log);
  }

  /** The control surface, whose state, counts and reset the in-process API mirrors. */
  public ControlRoutes control() {
    return control;
  }

  @Override
  public void handle(Exchange ex) throws IOException {
    HttpRequest req = ex.request;
    List<String> segs = FormCodec.segments(req.rawPath);
    if (!segs.isEmpty() && segs.get(0).equals("_emulator")) {
      ex.send(control.handle(req, segs));
      return;
    }
    RouteTable.Match m = RouteTable.match(req.method, segs);
    if (m == null) {
      ex.send(notFound(segs));
      return;
    }
    if (m.template == null) {
      ex.send(methodNotAllowed(segs));
      return;
    }
    log.count(m.template);
    faults.serve(ex, m, () -> dispatch(req, m));
  }

  private HttpResponse dispatch(HttpRequest req, RouteTable.Match m) throws IOException {
    Family family = m.family();
    if (family != Family.STORAGE && !auth.authorized(req)) {
      return BearerAuth.unauthorized(family);
    }
    switch (m.template) {
      case RouteTable.CREATE_FILE:
        return fileRoutes.create(req);
      case RouteTable.UPLOAD_PUT:
        return fileRoutes.putUpload(req, m.id);
      case RouteTable.PREPROCESS:
        return fileRoutes.preprocess(m.id);
      case RouteTable.UPLOAD_MULTIPART:
        return fileRoutes.uploadMultipart(req);
      case RouteTable.LIST_FILES:
        return fileRoutes.list();
      case RouteTable.GET_FILE:
        return fileRoutes.get(m.id);
      case RouteTable.FILE_CONTENT:
        return fileRoutes.content(req, m.id);
      case RouteTable.DELETE_FILE:
        return fileRoutes.delete(m.id);
      case RouteTable.CREATE_BATCH:
        return batchRoutes.create(req);
      case RouteTable.LIST_BATCHES:
        return batchRoutes.list();
      case RouteTable.GET_BATCH:
        return batchRoutes.get(m.id);
      case RouteTable.CANCEL_BATCH:
        return batchRoutes.cancel(m.id);
      case RouteTable.CHAT:
        return completionRoutes.complete(req, DeterministicModel.CHAT_COMPLETIONS);
      case RouteTable.COMPLETIONS:
        return completionRoutes.complete(req, DeterministicModel.COMPLETIONS);
      case RouteTable.LIST_MODELS:
        return modelRoutes.list(req);
      default:
        throw new IllegalStateException(m.template);
    }
  }

  private static HttpResponse notFound(List<String> segs) {
    if (!segs.isEmpty() && segs.get(0).equals("v1")) {
      return ErrorEnvelopes.of(Family.FILES, 404, "Not found", "not_found");
    }
    return ErrorEnvelopes.plainText(404, "Not found");
  }

  private static HttpResponse methodNotAllowed(List<String> segs) {
    return ErrorEnvelopes.of(familyOfPath(segs), 405, "Method not allowed", "method_not_allowed");
  }

  private static Family familyOfPath(List<String> segs) {
    if (!segs.isEmpty() && segs.get(0).equals("_upload")) {
      return Family.STORAGE;
    }
    if (segs.size() >= 2 && segs.get(1).equals("batches")) {
      return Family.BATCHES;
    }
    return Family.FILES;
  }
}
