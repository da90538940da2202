package io.github.sparktogetherbatch.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparktogetherbatch.emulator.DeterministicModel.Answer;
import io.github.sparktogetherbatch.emulator.FaultRegistry.Fault;
import io.github.sparktogetherbatch.emulator.Routes.Family;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Routes requests: Together's Files and Batches API under /v1, the signed upload URL, and
 * /_emulator.
 */
final class ApiRouter implements HttpServerCore.Handler {
  private static final Set<String> PURPOSES =
      Set.of(
          "fine-tune",
          "eval",
          "eval-sample",
          "eval-output",
          "eval-summary",
          "batch-generated",
          "batch-api");
  private static final Set<String> FILE_TYPES = Set.of("jsonl", "csv", "parquet");
  private static final Set<String> ENDPOINTS =
      Set.of(DeterministicModel.CHAT_COMPLETIONS, DeterministicModel.COMPLETIONS);
  private static final int MAX_FORM = 1024 * 1024;
  private static final int MAX_JSON = 16 * 1024 * 1024;
  private static final long MAX_PUT = 5L * 1024 * 1024 * 1024;
  private static final String INVALID_KEY_MESSAGE =
      "Invalid API key provided. You can find your API key at "
          + "https://api.together.xyz/settings/api-keys.";

  private final FileStore files;
  private final BatchEngine batches;
  private final FaultRegistry faults;
  private final UploadSigner signer;
  private final String apiKey;
  private final String defaultHostPort;
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  /** The request headers of the most recent signed-URL PUTs (what a storage service would see). */
  private final java.util.Deque<ObjectNode> uploadHeaders =
      new java.util.concurrent.ConcurrentLinkedDeque<>();

  private static final int MAX_UPLOAD_HEADER_RECORDS = 1000;
  private volatile boolean nullEmptyBatchList;

  ApiRouter(
      FileStore files,
      BatchEngine batches,
      FaultRegistry faults,
      UploadSigner signer,
      String apiKey,
      String defaultHostPort,
      boolean nullEmptyBatchList) {
    this.files = files;
    this.batches = batches;
    this.faults = faults;
    this.signer = signer;
    this.apiKey = apiKey;
    this.defaultHostPort = defaultHostPort;
    this.nullEmptyBatchList = nullEmptyBatchList;
  }

  // ------------------------------------------------------------------ dispatch

  @Override
  public void handle(Exchange ex) throws IOException {
    HttpRequest req = ex.request;
    List<String> segs = FormCodec.segments(req.rawPath);
    if (!segs.isEmpty() && segs.get(0).equals("_emulator")) {
      ex.send(control(req, segs));
      return;
    }
    Routes.Match m = Routes.match(req.method, segs);
    if (m == null) {
      ex.send(notFound(segs));
      return;
    }
    if (m.template == null) {
      ex.send(methodNotAllowed(segs));
      return;
    }
    counts.computeIfAbsent(m.template, k -> new LongAdder()).increment();
    Fault f = faults.take(m.template);
    if (f == null) {
      ex.send(dispatch(req, m));
    } else {
      applyFault(ex, m, f);
    }
  }

  private void applyFault(Exchange ex, Routes.Match m, Fault f) throws IOException {
    HttpRequest req = ex.request;
    switch (f.action) {
      case "status":
        ex.send(faultResponse(m, f));
        return;
      case "delay":
        if ("response".equals(f.phase)) {
          HttpResponse r = dispatch(req, m);
          sleep(f.millis);
          ex.send(r);
        } else {
          sleep(f.millis);
          ex.send(dispatch(req, m));
        }
        return;
      case "reset":
        {
          boolean requestPhase =
              f.phase != null
                  ? f.phase.equals("request")
                  : m.template.equals(Routes.UPLOAD_PUT)
                      || m.template.equals(Routes.UPLOAD_MULTIPART);
          if (requestPhase) {
            long n =
                f.afterBytes >= 0
                    ? f.afterBytes
                    : req.contentLength > 0 ? req.contentLength / 2 : req.chunked ? 64 * 1024 : 0;
            ex.readThenReset(n);
            return;
          }
          HttpResponse r = dispatch(req, m);
          ex.sendThenReset(r, f.afterBytes >= 0 ? f.afterBytes : r.bodyLength() / 2);
          return;
        }
      case "truncate":
        {
          HttpResponse r = dispatch(req, m);
          ex.sendTruncated(r, f.afterBytes >= 0 ? f.afterBytes : r.bodyLength() / 2);
          return;
        }
      case "location":
        {
          HttpResponse r = dispatch(req, m);
          if (r.status == 302) {
            r.setHeader("Location", f.location);
          }
          ex.send(r);
          return;
        }
      default:
        throw new IllegalStateException(f.action);
    }
  }

  private static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("emulator shutting down");
    }
  }

  private HttpResponse faultResponse(Routes.Match m, Fault f) {
    HttpResponse r;
    if (f.body != null) {
      String ct = f.contentType;
      if (ct == null) {
        ct =
            Json.parseOrNull(f.body.getBytes(StandardCharsets.UTF_8)) != null
                ? "application/json"
                : "text/plain; charset=utf-8";
      }
      r = HttpResponse.text(f.status, ct, f.body);
    } else if (f.bodySize >= 0) {
      r = new HttpResponse(f.status);
      r.fillLength = f.bodySize;
      r.header("Content-Type", f.contentType != null ? f.contentType : "text/plain; charset=utf-8");
    } else {
      r = error(m.family(), f.status, "Emulated fault: HTTP " + f.status, null);
      if (f.contentType != null) {
        r.setHeader("Content-Type", f.contentType);
      }
    }
    if (f.retryAfterSeconds != null) {
      r.header("Retry-After", Long.toString(f.retryAfterSeconds));
    }
    if (f.retryAfterMs != null) {
      r.header("retry-after-ms", Long.toString(f.retryAfterMs));
    }
    for (Map.Entry<String, String> h : f.headers.entrySet()) {
      r.setHeader(h.getKey(), h.getValue());
    }
    return r;
  }

  private HttpResponse dispatch(HttpRequest req, Routes.Match m) throws IOException {
    Family family = m.family();
    if (family != Family.STORAGE && !authorized(req)) {
      return error(
          family,
          401,
          family == Family.BATCHES ? "Invalid API key provided" : INVALID_KEY_MESSAGE,
          "invalid_api_key");
    }
    switch (m.template) {
      case Routes.CREATE_FILE:
        return createFile(req);
      case Routes.UPLOAD_PUT:
        return putUpload(req, m.id);
      case Routes.PREPROCESS:
        return preprocess(m.id);
      case Routes.UPLOAD_MULTIPART:
        return uploadMultipart(req);
      case Routes.LIST_FILES:
        return listFiles();
      case Routes.GET_FILE:
        return getFile(m.id);
      case Routes.FILE_CONTENT:
        return fileContent(req, m.id);
      case Routes.DELETE_FILE:
        return deleteFile(m.id);
      case Routes.CREATE_BATCH:
        return createBatch(req);
      case Routes.LIST_BATCHES:
        return listBatches();
      case Routes.GET_BATCH:
        return getBatch(m.id);
      case Routes.CANCEL_BATCH:
        return cancelBatch(m.id);
      case Routes.CHAT:
        return liveCompletion(req, DeterministicModel.CHAT_COMPLETIONS);
      case Routes.COMPLETIONS:
        return liveCompletion(req, DeterministicModel.COMPLETIONS);
      default:
        throw new IllegalStateException(m.template);
    }
  }

  private boolean authorized(HttpRequest req) {
    List<String> values = req.headers("authorization");
    if (values.size() != 1) {
      return false;
    }
    String v = values.get(0).trim();
    if (v.length() < 7 || !v.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    String token = v.substring(7).trim();
    if (token.isEmpty()) {
      return false;
    }
    return apiKey == null
        || MessageDigest.isEqual(
            apiKey.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
  }

  // ------------------------------------------------------------------ errors

  /** An error in the envelope of the route's family. */
  static HttpResponse error(Family family, int status, String message, String code) {
    switch (family) {
      case BATCHES:
        return HttpResponse.json(status, Completions.batchError(message));
      case STORAGE:
        return HttpResponse.text(
            status,
            "application/xml",
            UploadSigner.xmlError(
                code != null
                    ? code
                    : status == 404
                        ? "NoSuchKey"
                        : status >= 500
                            ? "InternalError"
                            : status == 429 || status == 503 ? "SlowDown" : "InvalidRequest",
                message));
      default:
        return HttpResponse.json(
            status,
            Completions.errorEnvelope(
                message, errorType(status), null, code != null ? code : defaultCode(status)));
    }
  }

  private static String errorType(int status) {
    if (status == 429) {
      return "dynamic_request_limited";
    }
    if (status >= 500) {
      return "server_error";
    }
    if (status == 402) {
      return "credit_limit";
    }
    return "invalid_request_error";
  }

  private static String defaultCode(int status) {
    switch (status) {
      case 401:
        return "invalid_api_key";
      case 404:
        return "not_found";
      case 409:
        return "conflict";
      case 429:
        return "rate_limit_exceeded";
      default:
        return null;
    }
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

  private HttpResponse notFound(List<String> segs) {
    if (!segs.isEmpty() && segs.get(0).equals("v1")) {
      return error(Family.FILES, 404, "Not found", "not_found");
    }
    return HttpResponse.text(404, "text/plain; charset=utf-8", "Not found");
  }

  private HttpResponse methodNotAllowed(List<String> segs) {
    return error(familyOfPath(segs), 405, "Method not allowed", "method_not_allowed");
  }

  private static HttpResponse filesError(int status, String message, String param, String code) {
    return HttpResponse.json(
        status, Completions.errorEnvelope(message, errorType(status), param, code));
  }

  private static HttpResponse batchError(int status, String message) {
    return HttpResponse.json(status, Completions.batchError(message));
  }

  // ------------------------------------------------------------------ files

  private HttpResponse createFile(HttpRequest req) throws IOException {
    Map<String, String> fields = new HashMap<>(FormCodec.parseForm(req.rawQuery));
    String mt = req.mediaType();
    if (mt.equals("application/x-www-form-urlencoded")) {
      fields.putAll(
          FormCodec.parseForm(new String(readBody(req, MAX_FORM), StandardCharsets.UTF_8)));
    } else if (mt.equals("multipart/form-data")) {
      String boundary = MultipartReader.boundary(req.header("content-type"));
      if (boundary == null) {
        return filesError(400, "multipart/form-data without a boundary", null, "invalid_request");
      }
      MultipartReader mr = new MultipartReader(req.body, boundary);
      MultipartReader.Part p;
      while ((p = mr.next()) != null) {
        if (p.name != null && p.filename == null) {
          fields.put(p.name, p.text(MAX_FORM));
        }
      }
    }
    String purpose = fields.get("purpose");
    if (purpose == null || purpose.isEmpty()) {
      return filesError(400, "purpose is required", "purpose", "invalid_request");
    }
    if (!PURPOSES.contains(purpose)) {
      return filesError(
          400,
          "Invalid purpose '"
              + purpose
              + "'; expected one of "
              + String.join(", ", new java.util.TreeSet<>(PURPOSES)),
          "purpose",
          "invalid_request");
    }
    String fileName = fields.get("file_name");
    if (fileName == null || fileName.isBlank()) {
      return filesError(400, "file_name is required", "file_name", "invalid_request");
    }
    String fileType = fields.getOrDefault("file_type", "jsonl");
    if (!FILE_TYPES.contains(fileType)) {
      return filesError(
          400,
          "Invalid file_type '" + fileType + "'; expected one of csv, jsonl, parquet",
          "file_type",
          "invalid_request");
    }
    String checksum = fields.get("checksum");
    if (checksum != null && !checksum.isEmpty()) {
      FileRecord existing = files.findBySha256(checksum);
      if (existing != null) {
        ObjectNode body =
            Completions.errorEnvelope(
                "A file with this checksum already exists: " + existing.id,
                "invalid_request_error",
                "checksum",
                "file_already_exists");
        body.put("file_id", existing.id);
        return HttpResponse.json(409, body);
      }
    }
    FileRecord r = files.create(fileName, purpose, fileType);
    String host = req.header("host");
    if (host == null || host.isEmpty() || !host.matches("[A-Za-z0-9.\\-\\[\\]:]+")) {
      host = defaultHostPort;
    }
    HttpResponse resp = HttpResponse.empty(302);
    resp.header("Location", "http://" + host + signer.signedPathAndQuery(r.uploadKey));
    resp.header("X-Together-File-Id", r.id);
    return resp;
  }

  private HttpResponse putUpload(HttpRequest req, String key) throws IOException {
    Family st = Family.STORAGE;
    recordUploadHeaders(req);
    if (req.hasHeader("authorization")) {
      return error(
          st,
          400,
          "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, "
              + "Signature query string parameter or the Authorization header should be specified",
          "InvalidArgument");
    }
    String[] bad = signer.verify(key, FormCodec.parseForm(req.rawQuery));
    if (bad != null) {
      return error(st, 403, bad[1], bad[0]);
    }
    FileRecord r = files.byUploadKey(key);
    if (r == null) {
      return error(st, 404, "The specified upload does not exist.", "NoSuchUpload");
    }
    if (req.chunked || req.contentLength < 0) {
      return error(
          st, 411, "You must provide the Content-Length HTTP header.", "MissingContentLength");
    }
    if (req.contentLength > MAX_PUT) {
      return error(
          st, 400, "Your proposed upload exceeds the maximum allowed size", "EntityTooLarge");
    }
    files.storeUpload(r, req.body, req.contentLength);
    HttpResponse ok = HttpResponse.empty(200);
    ok.header("ETag", "\"" + r.md5 + "\"");
    ok.header("x-amz-request-id", Long.toHexString(System.nanoTime()).toUpperCase(Locale.ROOT));
    return ok;
  }

  private void recordUploadHeaders(HttpRequest req) {
    ObjectNode h = Json.object();
    for (Map.Entry<String, List<String>> e : req.headerMap().entrySet()) {
      ArrayNode values = h.putArray(e.getKey());
      e.getValue().forEach(values::add);
    }
    uploadHeaders.addLast(h);
    while (uploadHeaders.size() > MAX_UPLOAD_HEADER_RECORDS) {
      uploadHeaders.pollFirst();
    }
  }

  private HttpResponse preprocess(String id) {
    FileRecord r = files.get(id);
    if (r == null) {
      return fileNotFound(id);
    }
    if (!r.uploaded) {
      return filesError(
          400,
          "File " + id + " has no content: upload it to the signed URL first",
          null,
          "file_not_uploaded");
    }
    r.processed = true;
    return HttpResponse.json(200, r.toJson());
  }

  private HttpResponse uploadMultipart(HttpRequest req) throws IOException {
    if (!req.mediaType().equals("multipart/form-data")) {
      return filesError(400, "Expected a multipart/form-data body", null, "invalid_request");
    }
    String boundary = MultipartReader.boundary(req.header("content-type"));
    if (boundary == null) {
      return filesError(400, "multipart/form-data without a boundary", null, "invalid_request");
    }
    Map<String, String> fields = new HashMap<>();
    FileStore.Content content = null;
    try {
      MultipartReader mr = new MultipartReader(req.body, boundary);
      MultipartReader.Part p;
      while ((p = mr.next()) != null) {
        if ("file".equals(p.name)) {
          if (content != null) {
            Files.deleteIfExists(content.path);
          }
          content = files.writeTemp(p.content, -1);
        } else if (p.name != null && p.filename == null) {
          fields.put(p.name, p.text(MAX_FORM));
        }
      }
      String purpose = fields.get("purpose");
      if (purpose == null || !PURPOSES.contains(purpose)) {
        return filesError(
            400,
            purpose == null ? "purpose is required" : "Invalid purpose '" + purpose + "'",
            "purpose",
            "invalid_request");
      }
      String fileName = fields.get("file_name");
      if (fileName == null || fileName.isBlank()) {
        return filesError(400, "file_name is required", "file_name", "invalid_request");
      }
      String fileType = fields.getOrDefault("file_type", "jsonl");
      if (!FILE_TYPES.contains(fileType)) {
        return filesError(
            400, "Invalid file_type '" + fileType + "'", "file_type", "invalid_request");
      }
      if (content == null) {
        return filesError(400, "file is required", "file", "invalid_request");
      }
      FileRecord r = files.create(fileName, purpose, fileType);
      files.commit(r, content);
      content = null;
      r.processed = true;
      return HttpResponse.json(200, r.toJson());
    } finally {
      if (content != null) {
        Files.deleteIfExists(content.path);
      }
    }
  }

  private HttpResponse listFiles() {
    ObjectNode root = Json.object();
    ArrayNode data = root.putArray("data");
    for (FileRecord r : files.list()) {
      data.add(r.toJson());
    }
    return HttpResponse.json(200, root);
  }

  private static HttpResponse fileNotFound(String id) {
    return filesError(404, "File not found: " + id, "id", "not_found");
  }

  private HttpResponse getFile(String id) {
    FileRecord r = files.get(id);
    return r == null ? fileNotFound(id) : HttpResponse.json(200, r.toJson());
  }

  private HttpResponse deleteFile(String id) {
    if (!files.delete(id)) {
      return fileNotFound(id);
    }
    ObjectNode o = Json.object();
    o.put("id", id);
    o.put("object", "file");
    o.put("deleted", true);
    return HttpResponse.json(200, o);
  }

  private HttpResponse fileContent(HttpRequest req, String id) throws IOException {
    FileRecord r = files.get(id);
    if (r == null) {
      return fileNotFound(id);
    }
    if (!r.uploaded) {
      return filesError(404, "File " + id + " has no content yet", "id", "not_found");
    }
    long len;
    java.nio.file.Path path;
    synchronized (r) {
      path = r.path;
      try {
        len = Files.size(path);
      } catch (java.nio.file.NoSuchFileException e) {
        return fileNotFound(id);
      }
    }
    long start = 0;
    long end = len - 1;
    boolean partial = false;
    String range = req.header("range");
    if (range != null && len > 0) {
      long[] parsed = parseRange(range, len);
      if (parsed == null) {
        HttpResponse bad =
            filesError(416, "Requested range not satisfiable", null, "range_not_satisfiable");
        bad.header("Content-Range", "bytes */" + len);
        return bad;
      }
      if (parsed.length == 2) {
        start = parsed[0];
        end = parsed[1];
        partial = true;
      }
    }
    HttpResponse resp = new HttpResponse(partial ? 206 : 200);
    resp.header("Content-Type", "application/octet-stream");
    resp.header("Accept-Ranges", "bytes");
    resp.header(
        "Content-Disposition", "attachment; filename=\"" + r.filename.replace("\"", "") + "\"");
    if (partial) {
      resp.header("Content-Range", "bytes " + start + "-" + end + "/" + len);
    }
    resp.file = path;
    resp.fileOffset = start;
    resp.fileLength = len == 0 ? 0 : end - start + 1;
    return resp;
  }

  /**
   * Parses a single byte range. Returns {start, end} for a satisfiable range, an empty array to
   * ignore the header (malformed or multiple ranges), or null when unsatisfiable (416).
   */
  static long[] parseRange(String header, long len) {
    String h = header.trim();
    if (!h.regionMatches(true, 0, "bytes=", 0, 6) || h.indexOf(',') >= 0) {
      return new long[0];
    }
    String spec = h.substring(6).trim();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return new long[0];
    }
    try {
      String a = spec.substring(0, dash).trim();
      String b = spec.substring(dash + 1).trim();
      if (a.isEmpty()) {
        long suffix = Long.parseLong(b);
        if (suffix <= 0) {
          return null;
        }
        return new long[] {Math.max(0, len - suffix), len - 1};
      }
      long start = Long.parseLong(a);
      long end = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
      if (start < 0 || end < start) {
        return new long[0];
      }
      if (start >= len) {
        return null;
      }
      return new long[] {start, Math.min(end, len - 1)};
    } catch (NumberFormatException e) {
      return new long[0];
    }
  }

  // ------------------------------------------------------------------ batches

  /**
   * JSON routes require a JSON media type, as every SDK sends; never more lenient than the real
   * API.
   */
  private static boolean isJson(HttpRequest req) {
    String mt = req.mediaType();
    return mt.equals("application/json") || mt.endsWith("+json");
  }

  private HttpResponse createBatch(HttpRequest req) throws IOException {
    if (!isJson(req)) {
      return batchError(400, "Content-Type must be application/json");
    }
    JsonNode body = Json.parseOrNull(readBody(req, MAX_JSON));
    if (body == null || !body.isObject()) {
      return batchError(400, "Invalid request body: expected a JSON object");
    }
    String inputFileId = Json.text(body, "input_file_id");
    if (inputFileId == null || inputFileId.isEmpty()) {
      return batchError(400, "input_file_id is required");
    }
    String endpoint = Json.text(body, "endpoint");
    if (endpoint == null || endpoint.isEmpty()) {
      return batchError(400, "endpoint is required");
    }
    if (!ENDPOINTS.contains(endpoint)) {
      return batchError(
          400,
          "Unsupported endpoint '"
              + endpoint
              + "'; supported: "
              + DeterministicModel.CHAT_COMPLETIONS
              + ", "
              + DeterministicModel.COMPLETIONS);
    }
    JsonNode window = body.get("completion_window");
    if (window != null
        && !window.isNull()
        && !(window.isTextual() && window.asText().equals("24h"))) {
      return batchError(400, "completion_window must be \"24h\"");
    }
    JsonNode priority = body.get("priority");
    if (priority != null && !priority.isNull() && !priority.isIntegralNumber()) {
      return batchError(400, "priority must be an integer");
    }
    JsonNode modelNode = body.get("model_id");
    String modelId = null;
    if (modelNode != null && !modelNode.isNull()) {
      if (!modelNode.isTextual() || modelNode.asText().isEmpty()) {
        return batchError(400, "model_id must be a non-empty string");
      }
      modelId = modelNode.asText();
    }
    FileRecord input = files.get(inputFileId);
    if (input == null) {
      return batchError(400, "Input file not found: " + inputFileId);
    }
    if (!input.uploaded) {
      return batchError(400, "Input file " + inputFileId + " has no content: upload it first");
    }
    if (!"batch-api".equals(input.purpose)) {
      return batchError(
          400,
          "Input file "
              + inputFileId
              + " has purpose '"
              + input.purpose
              + "'; batch input files must be uploaded with purpose 'batch-api'");
    }
    BatchRecord b = batches.create(input, endpoint, modelId);
    ObjectNode root = Json.object();
    root.set("job", b.toJson());
    batches.start(b);
    if (!input.processed) {
      root.put(
          "warning",
          "Input file "
              + inputFileId
              + " was not preprocessed; it is validated when the "
              + "batch starts");
    }
    return HttpResponse.json(201, root);
  }

  private HttpResponse listBatches() {
    List<BatchRecord> list = batches.listNewestFirst();
    if (list.isEmpty() && nullEmptyBatchList) {
      return HttpResponse.bytes(
          200, "application/json", "null".getBytes(StandardCharsets.US_ASCII));
    }
    ArrayNode arr = Json.array();
    for (BatchRecord b : list) {
      arr.add(b.toJson());
    }
    return HttpResponse.json(200, arr);
  }

  private HttpResponse getBatch(String id) {
    BatchRecord b = batches.get(id);
    return b == null
        ? batchError(404, "Batch job not found: " + id)
        : HttpResponse.json(200, b.toJson());
  }

  private HttpResponse cancelBatch(String id) {
    BatchRecord b = batches.get(id);
    if (b == null) {
      return batchError(404, "Batch job not found: " + id);
    }
    try {
      return HttpResponse.json(200, batches.cancel(b).toJson());
    } catch (BatchEngine.StateException e) {
      return batchError(400, e.getMessage());
    }
  }

  // ------------------------------------------------------------------ live completions

  private HttpResponse liveCompletion(HttpRequest req, String endpoint) throws IOException {
    if (!isJson(req)) {
      return filesError(400, "Content-Type must be application/json", null, "invalid_request");
    }
    JsonNode body = Json.parseOrNull(readBody(req, MAX_JSON));
    if (body == null || !body.isObject()) {
      return filesError(
          400, "Invalid request body: expected a JSON object", null, "invalid_request");
    }
    if (body.path("stream").asBoolean(false)) {
      return filesError(
          400, "stream=true is not supported by the emulator", "stream", "invalid_request");
    }
    Answer a = DeterministicModel.answer(endpoint, body);
    if (a.succeeded()) {
      long h = Completions.hash(endpoint + '\n' + body);
      return HttpResponse.json(
          200,
          Completions.responseBody(
              endpoint,
              a,
              Completions.hex(h) + "-EMU",
              System.currentTimeMillis() / 1000,
              h >>> 20));
    }
    int status = a.httpStatus();
    String param = a.kind() == DeterministicModel.Kind.MODEL_NOT_FOUND ? "model" : null;
    return filesError(status, a.errorMessage(), param, a.errorCode());
  }

  // ------------------------------------------------------------------ control surface

  private HttpResponse control(HttpRequest req, List<String> segs) throws IOException {
    String path = String.join("/", segs.subList(1, segs.size()));
    String method = req.method;
    try {
      if (path.equals("state") && method.equals("GET")) {
        return HttpResponse.json(200, state());
      }
      if (path.equals("faults")) {
        switch (method) {
          case "GET":
            return HttpResponse.json(200, faults.toJson());
          case "POST":
            {
              JsonNode spec = Json.parseOrNull(readBody(req, MAX_FORM));
              if (spec == null) {
                return controlError(400, "expected a JSON fault");
              }
              if (spec.isArray()) {
                ArrayNode out = Json.array();
                for (JsonNode s : spec) {
                  out.add(faults.arm(s).toJson());
                }
                return HttpResponse.json(200, out);
              }
              return HttpResponse.json(200, faults.arm(spec).toJson());
            }
          case "DELETE":
            faults.clear();
            return HttpResponse.json(200, Json.object().put("cleared", true));
          default:
            return controlError(405, "method not allowed");
        }
      }
      if (path.equals("config")) {
        if (method.equals("POST")) {
          JsonNode c = Json.parseOrNull(readBody(req, MAX_FORM));
          if (c == null || !c.isObject()) {
            return controlError(400, "expected a JSON object");
          }
          configure(c);
        } else if (!method.equals("GET")) {
          return controlError(405, "method not allowed");
        }
        return HttpResponse.json(200, config());
      }
      if (path.equals("reset") && method.equals("POST")) {
        reset();
        return HttpResponse.json(200, Json.object().put("reset", true));
      }
      if (segs.size() == 4
          && segs.get(1).equals("batches")
          && method.equals("POST")
          && (segs.get(3).equals("expire") || segs.get(3).equals("fail"))) {
        BatchRecord b = batches.get(segs.get(2));
        if (b == null) {
          return controlError(404, "batch not found: " + segs.get(2));
        }
        String message = null;
        if (segs.get(3).equals("fail")) {
          byte[] raw = readBody(req, MAX_FORM);
          JsonNode j = raw.length == 0 ? null : Json.parseOrNull(raw);
          message = j == null ? null : Json.text(j, "error");
          if (message == null) {
            message = "Batch job failed (emulated)";
          }
          return HttpResponse.json(200, batches.forceEnd(b, BatchRecord.FAILED, message).toJson());
        }
        return HttpResponse.json(200, batches.forceEnd(b, BatchRecord.EXPIRED, null).toJson());
      }
      return controlError(404, "unknown control route: " + method + " /" + String.join("/", segs));
    } catch (IllegalArgumentException e) {
      return controlError(400, e.getMessage());
    } catch (BatchEngine.StateException e) {
      return controlError(409, e.getMessage());
    }
  }

  private static HttpResponse controlError(int status, String message) {
    return HttpResponse.json(status, Json.object().put("error", message));
  }

  void configure(JsonNode c) {
    JsonNode rps = c.get("requestsPerSecond");
    if (rps != null) {
      if (!rps.isNumber()) {
        throw new IllegalArgumentException("requestsPerSecond must be a number");
      }
      batches.setRequestsPerSecond(rps.asDouble());
    }
    JsonNode vm = c.get("validatingMillis");
    if (vm != null) {
      if (!vm.isIntegralNumber()) {
        throw new IllegalArgumentException("validatingMillis must be an integer");
      }
      batches.setValidatingMillis(vm.asLong());
    }
    JsonNode nul = c.get("nullEmptyBatchList");
    if (nul != null) {
      nullEmptyBatchList = nul.asBoolean();
    }
  }

  ObjectNode config() {
    ObjectNode o = Json.object();
    o.put("requestsPerSecond", batches.requestsPerSecond());
    o.put("validatingMillis", batches.validatingMillis());
    o.put("nullEmptyBatchList", nullEmptyBatchList);
    return o;
  }

  ObjectNode state() {
    ObjectNode root = Json.object();
    ArrayNode fa = root.putArray("files");
    for (FileRecord r : files.list()) {
      fa.add(r.toStateJson());
    }
    ArrayNode ba = root.putArray("batches");
    for (BatchRecord b : batches.listNewestFirst()) {
      ba.add(b.toStateJson());
    }
    ObjectNode rq = root.putObject("requests");
    for (Map.Entry<String, LongAdder> e : new TreeMap<>(counts).entrySet()) {
      rq.put(e.getKey(), e.getValue().sum());
    }
    root.set("faults", faults.toJson());
    root.set("config", config());
    ArrayNode uh = root.putArray("uploadHeaders");
    uploadHeaders.forEach(uh::add);
    return root;
  }

  long requestCount(String template) {
    LongAdder a = counts.get(template);
    return a == null ? 0 : a.sum();
  }

  FaultRegistry faults() {
    return faults;
  }

  BatchEngine batches() {
    return batches;
  }

  void reset() {
    faults.clear();
    batches.clear();
    files.clear();
    counts.clear();
    uploadHeaders.clear();
  }

  // ------------------------------------------------------------------ helpers

  private static byte[] readBody(HttpRequest req, int max) throws IOException {
    if (req.contentLength > max) {
      throw new HttpRequest.BadRequest(413, "Request body too large");
    }
    InputStream in = req.body;
    byte[] data = in.readNBytes(max + 1);
    if (data.length > max) {
      throw new HttpRequest.BadRequest(413, "Request body too large");
    }
    return data;
  }
}
