package io.github.sparktogetherbatch.emulator.routes;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparktogetherbatch.emulator.api.ErrorEnvelopes;
import io.github.sparktogetherbatch.emulator.http.HttpRequest;
import io.github.sparktogetherbatch.emulator.http.HttpResponse;
import io.github.sparktogetherbatch.emulator.json.Json;
import io.github.sparktogetherbatch.emulator.model.Completions;
import io.github.sparktogetherbatch.emulator.model.DeterministicModel;
import io.github.sparktogetherbatch.emulator.model.DeterministicModel.Answer;
import io.github.sparktogetherbatch.emulator.model.FailOnceMemory;
import java.io.IOException;

/**
 * {@code POST /v1/chat/completions} and {@code POST /v1/completions}: the deterministic model's
 * answer at once (no streaming), errors in the Files envelope. A {@code !!fail-once!!} body fails
 * with a 500 the first time it is sent.
 */
final class CompletionRoutes {
  private final FailOnceMemory failOnce;

  /** Routes remembering {@code !!fail-once!!} requests (by body) in this memory. */
  CompletionRoutes(FailOnceMemory failOnce) {
    this.failOnce = failOnce;
  }

  /** The answer to one request to {@code endpoint}. */
  HttpResponse complete(HttpRequest req, String endpoint) throws IOException {
    if (!RequestBodies.isJson(req)) {
      return ErrorEnvelopes.files(
          400, "Content-Type must be application/json", null, "invalid_request");
    }
    JsonNode body = Json.parseOrNull(RequestBodies.read(req, RequestBodies.MAX_JSON));
    if (body == null || !body.isObject()) {
      return ErrorEnvelopes.files(
          400, "Invalid request body: expected a JSON object", null, "invalid_request");
    }
    if (body.path("stream").asBoolean(false)) {
      return ErrorEnvelopes.files(
          400, "stream=true is not supported by the emulator", "stream", "invalid_request");
    }
    long h = Completions.hash(endpoint + '\n' + body);
    Answer a =
        failOnce.apply(DeterministicModel.answer(endpoint, body), "body:" + Completions.hex(h));
    if (a.succeeded()) {
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
    return ErrorEnvelopes.files(status, a.errorMessage(), param, a.errorCode());
  }
}
