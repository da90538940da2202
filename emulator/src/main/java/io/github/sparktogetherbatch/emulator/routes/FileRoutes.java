package io.github.sparktogetherbatch.emulator.routes;

import static io.github.sparktogetherbatch.emulator.routes.RequestBodies.MAX_FORM;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sparktogetherbatch.emulator.api.ErrorEnvelopes;
import io.github.sparktogetherbatch.emulator.http.FormCodec;
import io.github.sparktogetherbatch.emulator.http.HttpRequest;
import io.github.sparktogetherbatch.emulator.http.HttpResponse;
import io.github.sparktogetherbatch.emulator.http.MultipartReader;
import io.github.sparktogetherbatch.emulator.json.Json;
import io.github.sparktogetherbatch.emulator.store.FileRecord;
import io.github.sparktogetherbatch.emulator.store.FileStore;
import io.github.sparktogetherbatch.emulator.store.UploadSigner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Files routes. Uploads: {@code POST /v1/files} (fields form-urlencoded, as multipart text
 * fields, in the query, or query plus form) answers a 302 to a signed URL, whose {@code PUT} stores
 * the content; {@code POST /v1/files/upload} takes a multipart file in one call. Then preprocess,
 * list, get, content (with {@code Range}; {@code batch-api} input files can be configured not to be
 * served, as Together does not promise to serve them) and delete.
 */
final class FileRoutes {
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
  private static final long MAX_PUT = 5L * 1024 * 1024 * 1024;

  private final FileStore files;
  private final UploadSigner signer;
  private final RequestLog log;
  private final String defaultHostPort;
  private final boolean serveInputFilesDefault;
  private volatile boolean serveInputFiles;

  /**
   * Routes over this store; {@code defaultHostPort} is the signed URL's host when the request names
   * no usable {@code Host}.
   */
  FileRoutes(
      FileStore files,
      UploadSigner signer,
      RequestLog log,
      String defaultHostPort,
      boolean serveInputFiles) {
    this.files = files;
    this.signer = signer;
    this.log = log;
    this.defaultHostPort = defaultHostPort;
    this.serveInputFilesDefault = serveInputFiles;
    this.serveInputFiles = serveInputFiles;
  }

  /** Whether the content of {@code batch-api} input files is served (output files always are). */
  boolean serveInputFiles() {
    return serveInputFiles;
  }

  void setServeInputFiles(boolean serve) {
    this.serveInputFiles = serve;
  }

  /** Back to the setting the emulator was started with. */
  void resetServeInputFiles() {
    this.serveInputFiles = serveInputFilesDefault;
  }

  /** {@code POST /v1/files}: registers the file and answers 302 to its signed upload URL. */
  HttpResponse create(HttpRequest req) throws IOException {
    Map<String, String> fields = new HashMap<>(FormCodec.parseForm(req.rawQuery));
    String mt = req.mediaType();
    if (mt.equals("application/x-www-form-urlencoded")) {
      fields.putAll(
          FormCodec.parseForm(
              new String(RequestBodies.read(req, MAX_FORM), StandardCharsets.UTF_8)));
    } else if (mt.equals("multipart/form-data")) {
      String boundary = MultipartReader.boundary(req.header("content-type"));
      if (boundary == null) {
        return ErrorEnvelopes.files(
            400, "multipart/form-data without a boundary", null, "invalid_request");
      }
      MultipartReader mr = new MultipartReader(req.body(), boundary);
      MultipartReader.Part p;
      while ((p = mr.next()) != null) {
        if (p.name != null && p.filename == null) {
          fields.put(p.name, p.text(MAX_FORM));
        }
      }
    }
    String purpose = fields.get("purpose");
    if (purpose == null || purpose.isEmpty()) {
      return ErrorEnvelopes.files(400, "purpose is required", "purpose", "invalid_request");
    }
    if (!PURPOSES.contains(purpose)) {
      return ErrorEnvelopes.files(
          400,
          "Invalid purpose '"
              + purpose
              + "'; expected one of "
              + String.join(", ", new TreeSet<>(PURPOSES)),
          "purpose",
          "invalid_request");
    }
    String fileName = fields.get("file_name");
    if (fileName == null || fileName.isBlank()) {
      return ErrorEnvelopes.files(400, "file_name is required", "file_name", "invalid_request");
    }
    String fileType = fields.getOrDefault("file_type", "jsonl");
    if (!FILE_TYPES.contains(fileType)) {
      return ErrorEnvelopes.files(
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
            ErrorEnvelopes.filesBody(
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

  /**
   * {@code PUT /_upload/{key}}, the signed URL: answers as a storage service would, in S3-style XML
   * errors, and stores the body on success.
   */
  HttpResponse putUpload(HttpRequest req, String key) throws IOException {
    log.recordUploadHeaders(req);
    if (req.hasHeader("authorization")) {
      return ErrorEnvelopes.storage(
          400,
          "InvalidArgument",
          "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, "
              + "Signature query string parameter or the Authorization header should be specified");
    }
    String[] bad = signer.verify(key, FormCodec.parseForm(req.rawQuery));
    if (bad != null) {
      return ErrorEnvelopes.storage(403, bad[0], bad[1]);
    }
    FileRecord r = files.byUploadKey(key);
    if (r == null) {
      return ErrorEnvelopes.storage(404, "NoSuchUpload", "The specified upload does not exist.");
    }
    if (req.chunked || req.contentLength < 0) {
      return ErrorEnvelopes.storage(
          411, "MissingContentLength", "You must provide the Content-Length HTTP header.");
    }
    if (req.contentLength > MAX_PUT) {
      return ErrorEnvelopes.storage(
          400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size");
    }
    files.storeUpload(r, req.body(), req.contentLength);
    HttpResponse ok = HttpResponse.empty(200);
    ok.header("ETag", "\"" + r.etag() + "\"");
    ok.header("x-amz-request-id", Long.toHexString(System.nanoTime()).toUpperCase(Locale.ROOT));
    return ok;
  }

  /** {@code POST /v1/files/{id}/preprocess}: marks an uploaded file processed. */
  HttpResponse preprocess(String id) {
    FileRecord r = files.get(id);
    if (r == null) {
      return fileNotFound(id);
    }
    if (!r.uploaded()) {
      return ErrorEnvelopes.files(
          400,
          "File " + id + " has no content: upload it to the signed URL first",
          null,
          "file_not_uploaded");
    }
    r.markProcessed();
    return HttpResponse.json(200, r.toJson());
  }

  /** {@code POST /v1/files/upload}: fields and the file in one multipart body. */
  HttpResponse uploadMultipart(HttpRequest req) throws IOException {
    if (!req.mediaType().equals("multipart/form-data")) {
      return ErrorEnvelopes.files(
          400, "Expected a multipart/form-data body", null, "invalid_request");
    }
    String boundary = MultipartReader.boundary(req.header("content-type"));
    if (boundary == null) {
      return ErrorEnvelopes.files(
          400, "multipart/form-data without a boundary", null, "invalid_request");
    }
    Map<String, String> fields = new HashMap<>();
    FileStore.Content content = null;
    try {
      MultipartReader mr = new MultipartReader(req.body(), boundary);
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
        return ErrorEnvelopes.files(
            400,
            purpose == null ? "purpose is required" : "Invalid purpose '" + purpose + "'",
            "purpose",
            "invalid_request");
      }
      String fileName = fields.get("file_name");
      if (fileName == null || fileName.isBlank()) {
        return ErrorEnvelopes.files(400, "file_name is required", "file_name", "invalid_request");
      }
      String fileType = fields.getOrDefault("file_type", "jsonl");
      if (!FILE_TYPES.contains(fileType)) {
        return ErrorEnvelopes.files(
            400, "Invalid file_type '" + fileType + "'", "file_type", "invalid_request");
      }
      if (content == null) {
        return ErrorEnvelopes.files(400, "file is required", "file", "invalid_request");
      }
      FileRecord r = files.create(fileName, purpose, fileType);
      files.commit(r, content);
      content = null;
      r.markProcessed();
      return HttpResponse.json(200, r.toJson());
    } finally {
      if (content != null) {
        Files.deleteIfExists(content.path);
      }
    }
  }

  /** {@code GET /v1/files}: every file, oldest first. */
  HttpResponse list() {
    ObjectNode root = Json.object();
    ArrayNode data = root.putArray("data");
    for (FileRecord r : files.list()) {
      data.add(r.toJson());
    }
    return HttpResponse.json(200, root);
  }

  /** {@code GET /v1/files/{id}}. */
  HttpResponse get(String id) {
    FileRecord r = files.get(id);
    return r == null ? fileNotFound(id) : HttpResponse.json(200, r.toJson());
  }

  /** {@code DELETE /v1/files/{id}}. */
  HttpResponse delete(String id) {
    if (!files.delete(id)) {
      return fileNotFound(id);
    }
    ObjectNode o = Json.object();
    o.put("id", id);
    o.put("object", "file");
    o.put("deleted", true);
    return HttpResponse.json(200, o);
  }

  /** {@code GET /v1/files/{id}/content}: the bytes, streamed from disk; one {@code Range}. */
  HttpResponse content(HttpRequest req, String id) throws IOException {
    FileRecord r = files.get(id);
    if (r == null) {
      return fileNotFound(id);
    }
    if (!r.uploaded()) {
      return ErrorEnvelopes.files(404, "File " + id + " has no content yet", "id", "not_found");
    }
    if (!serveInputFiles && "batch-api".equals(r.purpose)) {
      return ErrorEnvelopes.files(
          404, "File content not found: " + id + " is a batch input file", "id", "not_found");
    }
    long len;
    Path path;
    synchronized (r) {
      path = r.path;
      try {
        len = Files.size(path);
      } catch (NoSuchFileException e) {
        return fileNotFound(id);
      }
    }
    long start = 0;
    long end = len - 1;
    boolean partial = false;
    String range = req.header("range");
    if (range != null && len > 0) {
      long[] parsed = ByteRange.parse(range, len);
      if (parsed == null) {
        HttpResponse bad =
            ErrorEnvelopes.files(
                416, "Requested range not satisfiable", null, "range_not_satisfiable");
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
    return resp.fileRegion(path, start, len == 0 ? 0 : end - start + 1);
  }

  private static HttpResponse fileNotFound(String id) {
    return ErrorEnvelopes.files(404, "File not found: " + id, "id", "not_found");
  }
}
