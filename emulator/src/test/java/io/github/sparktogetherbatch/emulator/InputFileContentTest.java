package io.github.sparktogetherbatch.emulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Whether {@code GET /v1/files/{id}/content} serves {@code batch-api} input files back: by default
 * yes; switched off (control surface, Java API or option) it answers 404 for them while output and
 * error files are still served.
 */
class InputFileContentTest {
  @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();
  static final Api api = EMU.api();

  @RegisterExtension
  static final EmulatorExtension HIDDEN =
      new EmulatorExtension(EmulatorOptions.builder().serveInputFiles(false).build());

  static final byte[] INPUT =
      Api.jsonl(
          List.of(
              Api.chatLine("a", "emulator/echo", "hello"),
              Api.chatLine("b", "emulator/echo", "x !!fail!!")));

  static void assertNotServed(HttpResponse<byte[]> r) {
    assertEquals(404, r.statusCode());
    JsonNode error = Api.json(r).get("error");
    assertEquals("not_found", error.get("code").asText());
    assertEquals("invalid_request_error", error.get("type").asText());
  }

  @Test
  void switchedOffAndOnOverTheControlSurface() {
    String input = api.upload(INPUT);
    JsonNode done =
        api.waitTerminal(api.createBatch(input, "/v1/chat/completions").get("id").asText());
    assertArrayEquals(INPUT, api.content(input));
    assertTrue(Api.ok(api.get("/_emulator/config"), 200).get("serveInputFiles").asBoolean());

    JsonNode config =
        Api.ok(
            api.post("/_emulator/config", "application/json", "{\"serveInputFiles\":false}"), 200);
    assertFalse(config.get("serveInputFiles").asBoolean());
    assertNotServed(api.get("/files/" + input + "/content"));
    assertNotServed(
        api.send(
            api.req("/files/" + input + "/content").header("Range", "bytes=0-").GET().build()));
    assertEquals(200, api.get("/files/" + input).statusCode(), "the file object is still there");
    assertEquals(1, Api.lines(api.content(done.get("output_file_id").asText())).size());
    assertEquals(1, Api.lines(api.content(done.get("error_file_id").asText())).size());

    assertEquals(
        400,
        api.post("/_emulator/config", "application/json", "{\"serveInputFiles\":\"no\"}")
            .statusCode());
    Api.ok(api.post("/_emulator/config", "application/json", "{\"serveInputFiles\":true}"), 200);
    assertArrayEquals(INPUT, api.content(input));
  }

  @Test
  void javaApiAndResetRestoreTheStartSetting() {
    String input = api.upload(INPUT);
    EMU.emulator().setServeInputFiles(false);
    assertNotServed(api.get("/files/" + input + "/content"));
    EMU.emulator().reset();
    String again = api.upload(INPUT);
    assertArrayEquals(INPUT, api.content(again), "reset restores serving");
  }

  @Test
  void startedWithoutServingInputFiles() {
    Api hidden = HIDDEN.api();
    String input = hidden.upload(INPUT);
    assertNotServed(hidden.get("/files/" + input + "/content"));
    JsonNode done =
        hidden.waitTerminal(hidden.createBatch(input, "/v1/chat/completions").get("id").asText());
    assertEquals("COMPLETED", done.get("status").asText(), "batches still read their input");
    assertEquals(1, Api.lines(hidden.content(done.get("output_file_id").asText())).size());
    HIDDEN.emulator().setServeInputFiles(true);
    assertArrayEquals(INPUT, hidden.content(input));
    HIDDEN.emulator().reset();
    String other = hidden.upload(INPUT);
    assertNotServed(hidden.get("/files/" + other + "/content"));
  }
}
