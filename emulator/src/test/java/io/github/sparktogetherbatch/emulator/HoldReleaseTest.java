package io.github.sparktogetherbatch.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sparktogetherbatch.emulator.model.DeterministicModel;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Held batches make no progress until released, so batches can finish in any order. */
class HoldReleaseTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();
  static final Api api = EMU.api();

  private static String batchOf(int n) {
    List<JsonNode> input = BatchLifecycleTest.numbered(n, "emulator/echo");
    return api.createBatch(api.upload(Api.jsonl(input)), DeterministicModel.CHAT_COMPLETIONS)
        .get("id")
        .asText();
  }

  @Test
  void heldNewBatchFinishesOnlyAfterRelease() {
    EMU.emulator().holdNewBatches(true);
    String first = batchOf(5);
    EMU.emulator().holdNewBatches(false);
    String second = batchOf(5);
    assertEquals("COMPLETED", api.waitTerminal(second).get("status").asText());
    Api.sleep(300);
    JsonNode held = api.batch(first);
    assertEquals("VALIDATING", held.get("status").asText());
    assertEquals(0.0, held.get("progress").asDouble());
    EMU.emulator().releaseBatch(first);
    JsonNode done = api.waitTerminal(first);
    assertEquals("COMPLETED", done.get("status").asText());
    assertTrue(
        done.get("completed_at").asText().compareTo(api.batch(second).get("completed_at").asText())
            > 0,
        "the held batch completes after the other one");
  }

  @Test
  void holdAndReleaseOverHttp() {
    Api.ok(api.post("/_emulator/config", "application/json", "{\"holdNewBatches\":true}"), 200);
    String a = batchOf(3);
    String b = batchOf(3);
    JsonNode state = Api.ok(api.post("/_emulator/batches/" + a + "/release", null, null), 200);
    assertFalse(state.get("held").asBoolean());
    assertEquals("COMPLETED", api.waitTerminal(a).get("status").asText());
    assertEquals("VALIDATING", api.batch(b).get("status").asText());
    JsonNode released = Api.ok(api.post("/_emulator/release", null, null), 200);
    assertEquals(1, released.get("released").asInt());
    assertEquals("COMPLETED", api.waitTerminal(b).get("status").asText());
    assertEquals(409, api.post("/_emulator/batches/" + b + "/hold", null, null).statusCode());
    assertEquals(404, api.post("/_emulator/batches/nope/hold", null, null).statusCode());
    assertEquals(
        400,
        api.post("/_emulator/config", "application/json", "{\"holdNewBatches\":1}").statusCode());
  }

  @Test
  void heldBatchCanStillBeExpiredAndResetStopsHolding() {
    EMU.emulator().holdNewBatches(true);
    String id = batchOf(3);
    EMU.emulator().expireBatch(id);
    assertEquals("EXPIRED", api.batch(id).get("status").asText());
    assertThrows(IllegalStateException.class, () -> EMU.emulator().holdBatch(id));
    EMU.emulator().reset();
    assertEquals("COMPLETED", api.waitTerminal(batchOf(2)).get("status").asText());
  }
}
