package io.github.sparktogetherbatch.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** 401 in both envelopes; a configured key; routes that need no auth. */
class AuthTest {
  @RegisterExtension static final EmulatorExtension OPEN = new EmulatorExtension();

  @RegisterExtension
  static final EmulatorExtension KEYED =
      new EmulatorExtension(EmulatorOptions.builder().apiKey("s3cret").build());

  private static void assertFilesEnvelope401(HttpResponse<byte[]> r) {
    assertEquals(401, r.statusCode(), () -> Api.text(r));
    JsonNode e = Api.json(r).get("error");
    assertTrue(e.isObject(), "files envelope");
    assertEquals("invalid_api_key", e.get("code").asText());
    assertTrue(e.get("message").isTextual());
    assertTrue(e.get("type").isTextual());
    assertTrue(e.has("param"));
  }

  private static void assertBatchEnvelope401(HttpResponse<byte[]> r) {
    assertEquals(401, r.statusCode(), () -> Api.text(r));
    assertTrue(Api.json(r).get("error").isTextual(), "batches envelope");
  }

  @Test
  void missingOrMalformedCredentials() {
    Api a = OPEN.newApi();
    for (String key : new String[] {null, ""}) {
      a.key = key;
      assertFilesEnvelope401(a.get("/files"));
      assertFilesEnvelope401(
          a.post("/files", "application/x-www-form-urlencoded", "purpose=batch-api&file_name=x"));
      assertFilesEnvelope401(a.get("/files/file-x/content"));
      assertFilesEnvelope401(a.post("/chat/completions", "application/json", "{}"));
      assertBatchEnvelope401(a.get("/batches"));
      assertBatchEnvelope401(a.post("/batches", "application/json", "{}"));
      assertBatchEnvelope401(a.post("/batches/x/cancel", null, null));
    }
    a.key = null;
    assertFilesEnvelope401(
        a.send(a.req("/files").header("Authorization", "Basic dXNlcjpwYXNz").GET().build()));
    assertFilesEnvelope401(
        a.send(a.req("/files").header("Authorization", "Bearer    ").GET().build()));
    a.key = "anything";
    assertEquals(200, a.get("/files").statusCode(), "no configured key: any non-empty token");
    assertEquals(
        200,
        a.send(
                a.req("/batches")
                    .setHeader("Authorization", "bearer lower-case-scheme")
                    .GET()
                    .build())
            .statusCode());
    assertEquals(0, OPEN.emulator().requestCount("GET /v1/nothing"));
  }

  @Test
  void configuredKeyMustMatch() {
    Api a = KEYED.newApi();
    a.key = "wrong";
    assertFilesEnvelope401(a.get("/files"));
    assertBatchEnvelope401(a.get("/batches"));
    a.key = "s3cret";
    assertEquals(200, a.get("/files").statusCode());
    assertEquals(200, a.get("/batches").statusCode());
    String file = a.upload(Api.jsonl(List.of(Api.chatLine("x", "emulator/echo", "hi"))));
    assertTrue(file.startsWith("file-"), "the signed PUT needs no key");
    assertTrue(
        a.createBatch(file, "/v1/chat/completions").get("user_id").asText().startsWith("user_"));
  }

  @Test
  void controlSurfaceNeedsNoAuth() {
    Api a = KEYED.newApi();
    a.key = null;
    assertEquals(200, a.get("/_emulator/state").statusCode());
    assertEquals(200, a.send(a.req("/_emulator/config").GET().build()).statusCode());
    assertEquals(
        404, a.send(a.req("/_emulator/nope").POST(BodyPublishers.noBody()).build()).statusCode());
  }
}
