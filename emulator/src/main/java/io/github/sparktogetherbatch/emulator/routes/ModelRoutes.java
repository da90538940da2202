package io.github.sparktogetherbatch.emulator.routes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.github.sparktogetherbatch.emulator.http.FormCodec;
import io.github.sparktogetherbatch.emulator.http.HttpRequest;
import io.github.sparktogetherbatch.emulator.http.HttpResponse;
import io.github.sparktogetherbatch.emulator.json.Json;
import io.github.sparktogetherbatch.emulator.model.ModelCatalog;
import io.github.sparktogetherbatch.emulator.model.ModelInfo;
import java.io.IOException;

/**
 * {@code GET /v1/models}: a bare JSON array of the {@link ModelCatalog}'s models. With {@code
 * dedicated=true} it is empty: the emulator has no dedicated endpoints.
 */
final class ModelRoutes {
  /** The model list. */
  HttpResponse list(HttpRequest req) throws IOException {
    ArrayNode models = Json.array();
    if (!"true".equals(FormCodec.parseForm(req.rawQuery).get("dedicated"))) {
      for (ModelInfo m : ModelCatalog.all()) {
        models.add(m.toJson());
      }
    }
    return HttpResponse.json(200, models);
  }
}
