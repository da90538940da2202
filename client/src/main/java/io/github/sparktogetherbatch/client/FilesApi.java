package io.github.sparktogetherbatch.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparktogetherbatch.exceptions.TogetherApiException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hc.client5.http.classic.methods.HttpDelete;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpPut;
import org.apache.hc.client5.http.entity.UrlEncodedFormEntity;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.message.BasicNameValuePair;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Together's Files API: uploads with the redirect flow, get, list, delete, and content downloads
 * that resume after a broken connection ({@link ResumingDownload}).
 */
final class FilesApi {
  /** TogetherClient's logger: the client logs under one name, whichever part of it speaks. */
  private static final Logger LOG = LoggerFactory.getLogger(TogetherClient.class);

  /**
   * Uploads restart from {@code POST /files} at most this often after the signed URL is refused.
   */
  private static final int MAX_UPLOAD_RESTARTS = 3;

  private final RetryingCaller caller;
  private final HttpTransport transport;
  private final ApiErrors errors;
  private final JsonBodies json;
  private final SignedUrls signedUrls;
  private final RetryPolicy policy;
  private final ClientStats stats;

  FilesApi(
      RetryingCaller caller,
      HttpTransport transport,
      ApiErrors errors,
      JsonBodies json,
      SignedUrls signedUrls,
      RetryPolicy policy,
      ClientStats stats) {
    this.caller = caller;
    this.transport = transport;
    this.errors = errors;
    this.json = json;
    this.signedUrls = signedUrls;
    this.policy = policy;
    this.stats = stats;
  }

  // ---------------------------------------------------------------------------------------------
  // Upload

  /**
   * Uploads a local JSONL file as a batch input with Together's redirect flow: {@code POST /files}
   * (302 with {@code Location} and {@code X-Together-File-Id}), a streamed {@code PUT} of the file
   * to the signed URL with an explicit Content-Length and no API headers, then {@code POST
   * /files/{id}/preprocess}. A retried PUT re-reads the file. A refused (403) signed URL restarts
   * the flow. On failure, the file id it was given is deleted, best effort.
   */
  FileObject upload(Path file, String fileName) {
    final long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw ApiErrors.permanent(
              "Cannot read the staged file to upload: " + e.getMessage(), Operation.START_UPLOAD)
          .cause(e)
          .build();
    }
    for (int restart = 0; ; restart++) {
      if (restart > 0) {
        stats.uploadRestart();
      }
      UploadTarget target = startUpload(fileName);
      try {
        putToSignedUrl(target, file, size);
      } catch (RuntimeException e) {
        deleteQuietly(target.fileId);
        // A refused signed URL (expired, say): a new one from POST /files may pass.
        if (e instanceof TogetherApiException refused
            && refused.statusCode() == 403
            && restart < MAX_UPLOAD_RESTARTS) {
          LOG.info(
              "The signed upload URL for file {} was refused (HTTP 403, e.g. expired); "
                  + "starting the upload again",
              target.fileId);
          continue;
        }
        throw e;
      }
      try {
        FileObject uploaded = finishUpload(target.fileId);
        stats.uploaded(size);
        if (uploaded.bytes() > 0 && uploaded.bytes() != size) {
          LOG.warn(
              "Together reports {} bytes for file {} but {} bytes were uploaded",
              uploaded.bytes(),
              uploaded.id(),
              size);
        }
        LOG.debug("Uploaded {} ({} bytes) as {}", fileName, size, uploaded.id());
        return uploaded;
      } catch (RuntimeException e) {
        deleteQuietly(target.fileId);
        throw e;
      }
    }
  }

  /** Where {@code POST /files} said to put the bytes, and the file id it made for them. */
  private static final class UploadTarget {
    final String fileId;
    final URI location;

    UploadTarget(String fileId, URI location) {
      this.fileId = fileId;
      this.location = location;
    }
  }

  private UploadTarget startUpload(String fileName) {
    Operation op = Operation.START_UPLOAD;
    return caller.call(
        op,
        () -> {
          HttpPost post = new HttpPost(transport.url("files"));
          List<BasicNameValuePair> form =
              List.of(
                  new BasicNameValuePair("purpose", "batch-api"),
                  new BasicNameValuePair("file_name", fileName),
                  new BasicNameValuePair("file_type", "jsonl"));
          post.setEntity(new UrlEncodedFormEntity(form, StandardCharsets.UTF_8));
          return post;
        },
        response -> {
          int code = response.getCode();
          Header loc = response.getFirstHeader(HttpHeaders.LOCATION);
          Header id = response.getFirstHeader("X-Together-File-Id");
          EntityUtils.consumeQuietly(response.getEntity());
          if (code < 300 || code >= 400 || loc == null || id == null) {
            throw ApiErrors.permanent(
                    op.label()
                        + " answered HTTP "
                        + code
                        + " without the expected redirect (302 with Location and "
                        + "X-Together-File-Id headers). Check that 'baseUrl' points at Together's "
                        + "API ("
                        + TogetherClientConfig.DEFAULT_BASE_URL
                        + ").",
                    op)
                .statusCode(code)
                .requestId(ApiErrors.requestId(response))
                .build();
          }
          String fileId = SafeIds.check("file", id.getValue().trim(), op);
          URI location;
          try {
            location = signedUrls.check(loc.getValue(), op);
          } catch (TogetherApiException refused) {
            // Together made a file record; nothing will ever be uploaded to it.
            deleteQuietly(fileId);
            throw refused;
          }
          return new UploadTarget(fileId, location);
        });
  }

  private void putToSignedUrl(UploadTarget target, Path file, long size) {
    Operation op = Operation.PUT_UPLOAD;
    caller.call(
        op,
        () -> {
          HttpPut put = new HttpPut(target.location);
          // A new entity per attempt: it re-opens the file, so a retry never sends a consumed
          // stream.
          put.setEntity(new UploadEntity(file.toFile()));
          return put;
        },
        response -> {
          EntityUtils.consumeQuietly(response.getEntity());
          int code = response.getCode();
          if (code != 200 && code != 201 && code != 204) {
            throw ApiErrors.permanent(op.label() + " answered HTTP " + code + " (expected 200)", op)
                .statusCode(code)
                .build();
          }
          return null;
        });
  }

  private FileObject finishUpload(String fileId) {
    Operation op = Operation.FINISH_UPLOAD;
    try {
      return caller.call(
          op,
          () -> new HttpPost(transport.url("files", fileId, "preprocess")),
          response -> TogetherObjects.file(json.read(response, op), op));
    } catch (TogetherApiException e) {
      if (e.statusCode() == 404 || e.statusCode() == 405 || e.statusCode() == 501) {
        // Servers without preprocess (the TypeScript SDK skips it): the file is usable as uploaded.
        LOG.debug(
            "Preprocess of {} answered {}; checking the file instead", fileId, e.statusCode());
        return get(fileId);
      }
      throw e;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Get, list, delete

  /** {@code GET /files/{id}}. */
  FileObject get(String fileId) {
    Operation op = Operation.GET_FILE;
    SafeIds.check("file", fileId, op);
    return caller.call(
        op,
        () -> new HttpGet(transport.url("files", fileId)),
        response -> TogetherObjects.file(json.read(response, op), op));
  }

  /** {@code GET /files}: every file of the account. */
  List<FileObject> list() {
    Operation op = Operation.LIST_FILES;
    return caller.call(
        op,
        () -> new HttpGet(transport.url("files")),
        response -> json.readList(response, op, TogetherObjects::file));
  }

  /**
   * {@code DELETE /files/{id}}. Returns false when the file did not exist (404), true when the
   * server confirmed the deletion.
   */
  boolean delete(String fileId) {
    Operation op = Operation.DELETE_FILE;
    SafeIds.check("file", fileId, op);
    try {
      return caller.call(
          op,
          () -> new HttpDelete(transport.url("files", fileId)),
          response -> {
            JsonNode body = json.readOrEmpty(response, op);
            return !body.has("deleted") || body.path("deleted").asBoolean(true);
          });
    } catch (TogetherApiException e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  /** Deletes a file, logging instead of throwing; for clean-up paths. */
  void deleteQuietly(String fileId) {
    if (fileId == null) {
      return;
    }
    try {
      delete(fileId);
    } catch (RuntimeException e) {
      LOG.warn("Could not delete file {} during clean-up: {}", fileId, e.getMessage());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Content

  /**
   * Streams a file's content ({@code GET /files/{id}/content}). The stream resumes with {@code
   * Range: bytes=N-} after a broken or truncated download, so the caller sees every byte once.
   */
  InputStream openContent(String fileId) {
    SafeIds.check("file", fileId, Operation.GET_FILE_CONTENT);
    return new ResumingDownload(fileId, offset -> openContentAt(fileId, offset), policy, stats);
  }

  /** The content from byte {@code offset} on, as an open response the download reads and closes. */
  private ClassicHttpResponse openContentAt(String fileId, long offset) {
    Operation op = Operation.GET_FILE_CONTENT;
    return caller.open(
        op,
        () -> {
          HttpGet get = new HttpGet(transport.url("files", fileId, "content"));
          get.setHeader(HttpHeaders.ACCEPT, "application/binary");
          if (offset > 0) {
            get.setHeader(HttpHeaders.RANGE, "bytes=" + offset + "-");
          }
          return get;
        },
        response -> followContentRedirect(response, offset, op));
  }

  /** A redirect to storage is followed once, without the key; anything else is the content. */
  private ClassicHttpResponse followContentRedirect(
      ClassicHttpResponse response, long offset, Operation op) throws IOException {
    int code = response.getCode();
    if (code < 300 || code >= 400) {
      return response;
    }
    Header loc = response.getFirstHeader(HttpHeaders.LOCATION);
    EntityUtils.consumeQuietly(response.getEntity());
    response.close();
    if (loc == null) {
      throw ApiErrors.permanent(op.label() + " answered HTTP " + code + " without a Location", op)
          .statusCode(code)
          .build();
    }
    URI target = signedUrls.check(loc.getValue(), op);
    // A storage URL: no API key, no API headers.
    HttpGet get = new HttpGet(target);
    if (offset > 0) {
      get.setHeader(HttpHeaders.RANGE, "bytes=" + offset + "-");
    }
    ClassicHttpResponse r = transport.send(Operation.Target.STORAGE, get);
    if (r.getCode() >= 400) {
      TogetherApiException e = errors.fromResponse(op, r);
      r.close();
      throw e;
    }
    return r;
  }
}
