package io.github.sparktogetherbatch.preflight;

import io.github.sparktogetherbatch.client.ModelObject;
import io.github.sparktogetherbatch.config.OptionParsers;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Checks a write's model against the account's model list: refuses a model Together does not run in
 * batch ({@link BatchAvailability}), a model the list does not have (with the closest listed name),
 * and a model whose type cannot answer chat requests.
 */
final class ModelCheck {
  /** Types of models that do not answer {@code /v1/chat/completions}. */
  private static final Set<String> NOT_CHAT = Set.of("embedding", "image", "rerank", "audio");

  private ModelCheck() {}

  /**
   * @param model the write's model option
   * @param models the account's model list
   * @param baseUrl where the list came from, for messages
   */
  static void check(String model, List<ModelObject> models, String baseUrl) {
    String why = BatchAvailability.whyUnavailable(model);
    if (why != null) {
      throw new TogetherConfigException(
          "Model '"
              + model
              + "' cannot run in a batch: "
              + why
              + ". Choose another model (see docs/preflight.md). Nothing was uploaded.");
    }
    ModelObject found = null;
    for (ModelObject m : models) {
      if (m.id().equals(model)) {
        found = m;
        break;
      }
    }
    if (found == null) {
      throw new TogetherConfigException(
          "Model '"
              + model
              + "' is not in the model list of this account at "
              + baseUrl
              + "."
              + suggestion(model, models)
              + " For a dedicated endpoint the list does not show, set the option 'modelCheck' to"
              + " false. Nothing was uploaded.");
    }
    String type = found.type() == null ? "" : found.type().toLowerCase(Locale.ROOT);
    if (NOT_CHAT.contains(type)) {
      throw new TogetherConfigException(
          "Model '"
              + model
              + "' is a model of type '"
              + found.type()
              + "'; batch requests go to /v1/chat/completions and need a chat model. Nothing was"
              + " uploaded.");
    }
  }

  /** " Did you mean 'x'?" for the closest listed id, or "" when none is close. */
  static String suggestion(String model, List<ModelObject> models) {
    String wanted = model.toLowerCase(Locale.ROOT);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (ModelObject m : models) {
      String id = m.id().toLowerCase(Locale.ROOT);
      int d = id.equals(wanted) ? 0 : OptionParsers.distance(wanted, id);
      String name = wanted.substring(wanted.indexOf('/') + 1);
      if (id.endsWith("/" + name)) {
        d = Math.min(d, 1); // the right name under another organisation
      }
      if (d < bestDistance) {
        bestDistance = d;
        best = m.id();
      }
    }
    if (best != null && bestDistance <= Math.max(3, wanted.length() / 4)) {
      return " Did you mean '" + best + "'?";
    }
    return "";
  }
}
