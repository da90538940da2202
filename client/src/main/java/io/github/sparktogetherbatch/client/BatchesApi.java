package io.github.sparktogetherbatch.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Together's Batches API: create (without duplicates), get, list, cancel. */
final class BatchesApi {
  /** TogetherClient's logger: the client logs under one name, whichever part of it speaks. */
  private static final Logger LOG = LoggerFactory.getLogger(TogetherClient.class);

  private final RetryingCaller caller;
  private final HttpTransport transport;
  private final ApiErrors errors;
  private final JsonBodies json;

  BatchesApi(RetryingCaller caller, HttpTransport transport, ApiErrors errors, JsonBodies json) {
    this.caller = caller;
    this.transport = transport;
    this.errors = errors;
    this.json = json;
  }

  /**
   * {@code POST /batches}: creates a batch over an uploaded input file. A create call is not
   * idempotent (Together has no idempotency key), so before retrying after a failure that leaves
   * the outcome unknown (no response, 5xx, 408) this looks for a batch over the same input file and
   * returns it instead of creating a second one.
   *
   * @param modelId optional; null lets Together take the model from the lines
   */
  BatchJob create(String inputFileId, String endpoint, String modelId) {
    Operation op = Operation.CREATE_BATCH;
    SafeIds.check("file", inputFileId, op);
    ObjectNode req = JsonBodies.MAPPER.createObjectNode();
    req.put("input_file_id", inputFileId);
    req.put("endpoint", endpoint);
    req.put("completion_window", "24h");
    if (modelId != null) {
      req.put("model_id", modelId);
    }
    byte[] body = JsonBodies.write(req);
    return caller.call(
        op,
        () -> {
          HttpPost post = new HttpPost(transport.url("batches"));
          post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
          return post;
        },
        response -> {
          JsonNode answer = json.read(response, op);
          JsonNode job = answer.get("job");
          if (job == null || job.isNull()) {
            if (answer.hasNonNull("id") && answer.hasNonNull("status")) {
              job = answer; // a bare batch object, tolerated
            } else {
              String warning = answer.path("warning").asText(null);
              throw ApiErrors.permanent(
                      op.label()
                          + " answered without a batch job"
                          + (warning == null
                              ? ""
                              : "; Together's warning: "
                                  + errors.redact(ApiErrors.truncate(warning)))
                          + ". No batch was created for input file "
                          + inputFileId
                          + ".",
                      op)
                  .statusCode(response.getCode())
                  .requestId(ApiErrors.requestId(response))
                  .responseBody(ApiErrors.truncate(answer.toString()))
                  .build();
            }
          }
          String warning = answer.path("warning").asText(null);
          if (warning != null && !warning.isEmpty()) {
            LOG.warn(
                "Together's warning on creating a batch for {}: {}",
                inputFileId,
                errors.redact(warning));
          }
          return TogetherObjects.batch(job, op);
        },
        () -> findAfterLostCreate(inputFileId));
  }

  /** The batch a create whose answer was lost may have made, or null. */
  private BatchJob findAfterLostCreate(String inputFileId) {
    BatchJob existing = findForInputFile(inputFileId);
    if (existing != null) {
      LOG.info(
          "A batch over input file {} already exists ({}) after an interrupted create; "
              + "using it instead of creating another",
          inputFileId,
          existing.id());
    }
    return existing;
  }

  /** The newest batch whose input file is {@code inputFileId}, or null. */
  BatchJob findForInputFile(String inputFileId) {
    for (BatchJob b : list()) {
      if (inputFileId.equals(b.inputFileId())) {
        return b;
      }
    }
    return null;
  }

  /** {@code GET /batches/{id}}. */
  BatchJob get(String batchId) {
    Operation op = Operation.GET_BATCH;
    SafeIds.check("batch", batchId, op);
    return caller.call(
        op,
        () -> new HttpGet(transport.url("batches", batchId)),
        response -> TogetherObjects.batch(json.read(response, op), op));
  }

  /** {@code GET /batches}: every batch of the account, newest first (an empty list may be null). */
  List<BatchJob> list() {
    Operation op = Operation.LIST_BATCHES;
    return caller.call(
        op,
        () -> new HttpGet(transport.url("batches")),
        response -> json.readList(response, op, TogetherObjects::batch));
  }

  /** {@code POST /batches/{id}/cancel}; the batch is CANCELING right after, CANCELLED later. */
  BatchJob cancel(String batchId) {
    Operation op = Operation.CANCEL_BATCH;
    SafeIds.check("batch", batchId, op);
    return caller.call(
        op,
        () -> new HttpPost(transport.url("batches", batchId, "cancel")),
        response -> TogetherObjects.batch(json.read(response, op), op));
  }
}
