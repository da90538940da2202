package io.github.sparktogetherbatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.client.TogetherClientConfig;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.junit.jupiter.api.Test;

class OptionsTest {
  private static final String KEY = "sk-unit-test-key-123456";

  private static CaseInsensitiveStringMap opts(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return new CaseInsensitiveStringMap(m);
  }

  private static WriteConfig write(CaseInsensitiveStringMap o) {
    return WriteConfig.parse(o, o.asCaseSensitiveMap(), name -> null, "3.5.9");
  }

  @Test
  void durationsTakeSparkTimeStrings() {
    assertEquals(Duration.ofMillis(200), OptionParsers.duration("x", "200ms"));
    assertEquals(Duration.ofSeconds(30), OptionParsers.duration("x", "30s"));
    assertEquals(Duration.ofMinutes(10), OptionParsers.duration("x", "10m"));
    assertEquals(Duration.ofHours(24), OptionParsers.duration("x", "24h"));
    assertEquals(Duration.ofDays(2), OptionParsers.duration("x", "2d"));
    assertEquals(Duration.ofMillis(1500), OptionParsers.duration("x", "1.5s"));
    TogetherConfigException e =
        assertThrows(
            TogetherConfigException.class, () -> OptionParsers.duration("pollInterval", "soon"));
    assertTrue(e.getMessage().contains("pollInterval"));
    assertTrue(e.getMessage().contains("soon"));
  }

  @Test
  void plainNumberDurationsAreRefusedWithTheUnitHint() {
    TogetherConfigException e =
        assertThrows(
            TogetherConfigException.class,
            () ->
                ReadConfig.parse(
                    opts("apiKey", KEY, "path", "/x", "pollInterval", "30"), n -> null, null));
    assertTrue(e.getMessage().contains("'pollInterval'"), e.getMessage());
    assertTrue(e.getMessage().contains("'30s'"), e.getMessage());
    assertThrows(
        TogetherConfigException.class,
        () ->
            ReadConfig.parse(
                opts("apiKey", KEY, "path", "/x", "waitTimeout", "1.5"), n -> null, null));
  }

  @Test
  void sizesAreDecimalUnlessBinaryUnitsAreUsed() {
    assertEquals(100_000_000L, OptionParsers.bytes("x", "100MB"));
    assertEquals(64_000L, OptionParsers.bytes("x", "64KB"));
    assertEquals(65_536L, OptionParsers.bytes("x", "64KiB"));
    assertEquals(12345L, OptionParsers.bytes("x", "12345"));
    assertEquals(1L << 20, OptionParsers.bytes("x", "1mib"));
    assertThrows(TogetherConfigException.class, () -> OptionParsers.bytes("x", "lots"));
  }

  @Test
  void unknownOptionSuggestsTheClosestName() {
    TogetherConfigException e =
        assertThrows(
            TogetherConfigException.class,
            () -> write(opts("apiKey", KEY, "model", "m", "promtColumn", "q", "path", "/tmp/x")));
    assertTrue(e.getMessage().contains("promtColumn"), e.getMessage());
    assertTrue(e.getMessage().contains("Did you mean 'promptColumn'"), e.getMessage());
  }

  @Test
  void knownOptionsAreCaseInsensitiveAndBodyFieldsKeepTheirCase() {
    CaseInsensitiveStringMap o =
        opts(
            "APIKEY",
            KEY,
            "Model",
            "m",
            "body.max_tokens",
            "200",
            "body.response_format",
            "{\"type\":\"json_object\"}",
            "body.topK",
            "5",
            "path",
            "/tmp/x");
    WriteConfig c = write(o);
    assertEquals("m", c.model());
    assertEquals("/v1/chat/completions", c.endpoint());
    assertEquals(
        Map.of("max_tokens", "200", "response_format", "{\"type\":\"json_object\"}", "topK", "5"),
        c.bodyFields());
    assertEquals(50_000, c.maxRequestsPerBatch());
    assertEquals(100_000_000L, c.maxBytesPerBatch());
  }

  @Test
  void missingKeyNamesTheEnvironmentVariable() {
    TogetherConfigException e =
        assertThrows(TogetherConfigException.class, () -> write(opts("model", "m", "path", "/x")));
    assertTrue(e.getMessage().contains("TOGETHER_API_KEY"));
  }

  @Test
  void keyComesFromTheEnvironmentWhenNoOptionIsGiven() {
    CaseInsensitiveStringMap o = opts("model", "m", "path", "/x");
    WriteConfig c =
        WriteConfig.parse(
            o, o.asCaseSensitiveMap(), name -> name.equals("TOGETHER_API_KEY") ? KEY : null, null);
    assertEquals(KEY, c.client().apiKey());
    assertFalse(c.toString().contains(KEY));
    assertFalse(c.client().toString().contains(KEY));
  }

  @Test
  void endpointIsCheckedAndNormalized() {
    assertEquals(
        "/v1/chat/completions",
        write(opts("apiKey", KEY, "endpoint", "chat/completions")).endpoint());
    TogetherConfigException refused =
        assertThrows(
            TogetherConfigException.class,
            () -> write(opts("apiKey", KEY, "endpoint", "completions")));
    assertTrue(refused.getMessage().contains("/v1/chat/completions"));
    TogetherConfigException e =
        assertThrows(
            TogetherConfigException.class,
            () -> write(opts("apiKey", KEY, "endpoint", "/v1/embeddings")));
    assertTrue(e.getMessage().contains("endpoint"));
    assertTrue(e.getMessage().contains("/v1/chat/completions"));
  }

  @Test
  void batchLimitsCannotExceedTogethers() {
    assertThrows(
        TogetherConfigException.class,
        () -> write(opts("apiKey", KEY, "maxRequestsPerBatch", "50001")));
    assertThrows(
        TogetherConfigException.class,
        () -> write(opts("apiKey", KEY, "maxBytesPerBatch", "101MB")));
    assertEquals(
        2_000_000L, write(opts("apiKey", KEY, "maxBytesPerBatch", "2MB")).maxBytesPerBatch());
  }

  @Test
  void aBaseUrlWithoutAPathGetsV1AndOtherPathsAreKept() {
    for (String root : List.of("https://api.together.xyz", "https://api.together.xyz/")) {
      assertEquals(
          "https://api.together.xyz/v1",
          write(opts("apiKey", KEY, "baseUrl", root)).client().baseUrl());
    }
    assertEquals(
        "http://127.0.0.1:8090/v1",
        write(opts("apiKey", KEY, "baseUrl", "http://127.0.0.1:8090")).client().baseUrl());
    assertEquals(
        "https://proxy.example.com/together/v1",
        write(opts("apiKey", KEY, "baseUrl", "https://proxy.example.com/together/v1"))
            .client()
            .baseUrl());
    assertEquals(
        "https://api.together.xyz/api",
        write(opts("apiKey", KEY, "baseUrl", "https://api.together.xyz/api")).client().baseUrl());
  }

  @Test
  void plainHttpOnlyForLoopback() {
    assertEquals(
        "http://127.0.0.1:8090/v1",
        write(opts("apiKey", KEY, "baseUrl", "http://127.0.0.1:8090/v1/")).client().baseUrl());
    assertTrue(
        write(opts("apiKey", KEY, "baseUrl", "http://localhost:1/v1"))
            .client()
            .isPlainHttpLoopback());
    TogetherConfigException e =
        assertThrows(
            TogetherConfigException.class,
            () -> write(opts("apiKey", KEY, "baseUrl", "http://api.together.xyz/v1")));
    assertTrue(e.getMessage().contains("https"));
    assertThrows(
        TogetherConfigException.class,
        () -> write(opts("apiKey", KEY, "baseUrl", "http://10.0.0.5/v1")));
    assertEquals(
        TogetherClientConfig.DEFAULT_BASE_URL, write(opts("apiKey", KEY)).client().baseUrl());
  }

  @Test
  void readOptions() {
    CaseInsensitiveStringMap o =
        opts(
            "apiKey",
            KEY,
            "batchId",
            " a-1, b-2 ,a-1",
            "wait",
            "false",
            "pollInterval",
            "50ms",
            "waitTimeout",
            "2m");
    ReadConfig r = ReadConfig.parse(o, n -> null, null);
    assertEquals(List.of("a-1", "b-2"), r.batchIds());
    assertFalse(r.waitForCompletion());
    assertEquals(Duration.ofMillis(50), r.pollInterval());
    assertEquals(Duration.ofMinutes(2), r.waitTimeout());
    assertNull(r.path());
    assertThrows(
        TogetherConfigException.class,
        () -> ReadConfig.parse(opts("apiKey", KEY), n -> null, null));
    assertThrows(
        TogetherConfigException.class,
        () ->
            ReadConfig.parse(opts("apiKey", KEY, "path", "/x", "wait", "maybe"), n -> null, null));
  }

  @Test
  void defaultsAreThoseOfTheDesign() {
    CaseInsensitiveStringMap o = opts("apiKey", KEY, "path", "/x");
    ReadConfig r = ReadConfig.parse(o, n -> null, null);
    assertTrue(r.waitForCompletion());
    assertEquals(Duration.ofSeconds(30), r.pollInterval());
    assertEquals(Duration.ofHours(72), r.waitTimeout());
    assertTrue(TogetherBatchOptions.markdownTable().contains("`maxRequestsPerBatch`"));
  }
}
