package io.github.sparktogetherbatch.preflight;

import io.github.sparktogetherbatch.client.ModelObject;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.client.TogetherClientConfig;
import io.github.sparktogetherbatch.exceptions.TogetherApiException;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's one call before a write or a read does anything: {@code GET /v1/models}. A refused
 * key (401, 403) fails naming {@code TOGETHER_API_KEY} and {@code apiKey}; a 404 means the {@code
 * baseUrl} does not end where the API's routes start; for a write, the model is then checked
 * against the list ({@link ModelCheck}) unless {@code modelCheck=false}. Any other failure of the
 * call is the client's own error (after its retries).
 */
public final class Preflight {
  private static final Logger LOG = LoggerFactory.getLogger(Preflight.class);

  private Preflight() {}

  /**
   * Checks the key and, when {@code model} is given and {@code checkModel} holds, the model.
   *
   * @param model the write's model option, or null when the request bodies name the models
   */
  public static void beforeWrite(TogetherClientConfig client, String model, boolean checkModel) {
    List<ModelObject> models = listModels(client, "write");
    if (model != null && checkModel) {
      ModelCheck.check(model, models, client.baseUrl());
    }
  }

  /**
   * Checks the key before a read's first poll.
   *
   * @return the models listed, for whatever else the read needs from that list (the prices of
   *     {@code cost_usd}), so that a read lists them once
   */
  public static List<ModelObject> beforeRead(TogetherClientConfig client) {
    return listModels(client, "read");
  }

  private static List<ModelObject> listModels(TogetherClientConfig config, String what) {
    long t0 = System.nanoTime();
    try (TogetherClient client = new TogetherClient(config)) {
      List<ModelObject> models = client.listModels();
      LOG.debug(
          "Preflight of the {}: {} model(s) listed in {} ms",
          what,
          models.size(),
          (System.nanoTime() - t0) / 1_000_000);
      return models;
    } catch (TogetherApiException e) {
      throw explain(e, config.baseUrl(), what);
    }
  }

  private static RuntimeException explain(TogetherApiException e, String baseUrl, String what) {
    int status = e.statusCode();
    if (status == 401 || status == 403) {
      return new TogetherConfigException(
          "The API key was refused by "
              + baseUrl
              + " (HTTP "
              + status
              + "): set the environment variable TOGETHER_API_KEY or the option 'apiKey' to a"
              + " valid Together API key. The "
              + what
              + " did not start"
              + (what.equals("write") ? "; nothing was uploaded." : "."),
          e);
    }
    if (status == 404) {
      return new TogetherConfigException(
          "GET "
              + baseUrl
              + "/models answered 404: the option 'baseUrl' does not point at the API. End"
              + " 'baseUrl' with /v1 (Together's is "
              + TogetherClientConfig.DEFAULT_BASE_URL
              + "). The "
              + what
              + " did not start.",
          e);
    }
    return e;
  }
}
