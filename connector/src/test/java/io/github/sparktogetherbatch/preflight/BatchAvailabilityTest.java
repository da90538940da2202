package io.github.sparktogetherbatch.preflight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.sparktogetherbatch.client.ModelObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dated table of models Together does not run in batch, and the "did you mean". */
class BatchAvailabilityTest {
  @Test
  void listedModelsAndOrganisationsAreUnavailable() {
    assertNotNull(BatchAvailability.whyUnavailable("deepseek-ai/DeepSeek-R1"));
    assertNotNull(BatchAvailability.whyUnavailable("deepseek-ai/DeepSeek-V3.1"));
    assertNotNull(BatchAvailability.whyUnavailable("deepseek-ai/DeepSeek-V4-Pro"));
    assertNotNull(BatchAvailability.whyUnavailable("MiniMaxAI/MiniMax-M1-80k"));
    assertNull(BatchAvailability.whyUnavailable("deepseek-ai/DeepSeek-V3"));
    assertNull(BatchAvailability.whyUnavailable("meta-llama/Llama-3.3-70B-Instruct-Turbo"));
    assertNull(BatchAvailability.whyUnavailable(null));
  }

  @Test
  void theClosestListedNameIsSuggestedOnlyWhenClose() {
    List<ModelObject> models =
        List.of(
            new ModelObject("Qwen/Qwen2.5-72B-Instruct-Turbo", "chat", null, 1, 1),
            new ModelObject("emulator/echo", "chat", null, 1, 1));
    assertEquals(
        " Did you mean 'Qwen/Qwen2.5-72B-Instruct-Turbo'?",
        ModelCheck.suggestion("qwen/qwen2.5-72b-instruct-turbo", models));
    assertEquals(
        " Did you mean 'Qwen/Qwen2.5-72B-Instruct-Turbo'?",
        ModelCheck.suggestion("Alibaba/Qwen2.5-72B-Instruct-Turbo", models));
    assertEquals("", ModelCheck.suggestion("completely/different-thing-entirely", models));
  }
}
