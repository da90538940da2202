package io.github.sparktogetherbatch.client;

import java.util.List;
import org.apache.hc.client5.http.classic.methods.HttpGet;

/** Together's model list: {@code GET /models}, with each model's type and serverless prices. */
final class ModelsApi {
  private final RetryingCaller caller;
  private final HttpTransport transport;
  private final JsonBodies json;

  ModelsApi(RetryingCaller caller, HttpTransport transport, JsonBodies json) {
    this.caller = caller;
    this.transport = transport;
    this.json = json;
  }

  /** Together answers a bare array; a {@code data} envelope is read too. */
  List<ModelObject> list() {
    Operation op = Operation.LIST_MODELS;
    return caller.call(
        op,
        () -> new HttpGet(transport.url("models")),
        response -> json.readList(response, op, TogetherObjects::model));
  }
}
