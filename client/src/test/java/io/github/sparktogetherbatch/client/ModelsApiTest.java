package io.github.sparktogetherbatch.client;

import static io.github.sparktogetherbatch.client.TogetherClientTest.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.emulator.EmulatorOptions;
import io.github.sparktogetherbatch.emulator.TogetherEmulator;
import io.github.sparktogetherbatch.exceptions.TogetherApiException;
import io.github.sparktogetherbatch.testing.EmulatorExtension;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /models} against the emulator: ids, types and prices, and a refused key. */
class ModelsApiTest {
  @RegisterExtension static final EmulatorExtension EMULATOR = new EmulatorExtension();

  @Test
  void listsTheEmulatorsModelsAndTogethersWithPrices() {
    try (TogetherClient c =
        new TogetherClient(config(EMULATOR.baseUrl(), EmulatorExtension.TEST_API_KEY).build())) {
      List<ModelObject> models = c.listModels();
      Map<String, ModelObject> byId =
          models.stream().collect(Collectors.toMap(ModelObject::id, Function.identity()));
      assertEquals("chat", byId.get("emulator/echo").type());
      long priced =
          models.stream()
              .filter(m -> !m.id().startsWith("emulator/") && m.priced())
              .filter(m -> m.inputPricePerMillion() > 0 && m.outputPricePerMillion() > 0)
              .count();
      assertTrue(priced > 0, "no Together model with prices in " + models);
    }
  }

  @Test
  void aWrongKeyIsRefused() {
    try (TogetherEmulator locked =
            TogetherEmulator.start(EmulatorOptions.builder().apiKey("the-right-key").build());
        TogetherClient c =
            new TogetherClient(config(locked.baseUrl(), "not-the-key-0123456789").build())) {
      TogetherApiException e = assertThrows(TogetherApiException.class, c::listModels);
      assertEquals(401, e.statusCode());
      assertFalse(e.getMessage().contains("not-the-key-0123456789"));
    }
  }
}
