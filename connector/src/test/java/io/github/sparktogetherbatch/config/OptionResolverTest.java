package io.github.sparktogetherbatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.sparktogetherbatch.config.TogetherBatchOptions.Side;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.junit.jupiter.api.Test;

/** Precedence: option (session values merged in by Spark), then environment, then default. */
class OptionResolverTest {
  /** An option with all four sources, defined here only (not one of the source's options). */
  private static final Option<Duration> PROBE =
      new Option<>(
          "probeTimeout", Side.BOTH, OptionType.DURATION, Duration.ofSeconds(5), "5s", "PROBE", "");

  private static OptionResolver resolver(Map<String, String> env, String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return new OptionResolver(new CaseInsensitiveStringMap(m), env::get);
  }

  @Test
  void theOptionComesFirst() {
    assertEquals(
        Duration.ofSeconds(1), resolver(Map.of("PROBE", "2s"), "probeTimeout", "1s").get(PROBE));
  }

  @Test
  void thenTheEnvironmentWhenTheOptionNamesAVariable() {
    assertEquals(Duration.ofSeconds(2), resolver(Map.of("PROBE", "2s")).get(PROBE));
    assertEquals(
        Duration.ofSeconds(2), resolver(Map.of("PROBE", "2s"), "probeTimeout", "").get(PROBE));
  }

  @Test
  void thenTheTypedDefault() {
    assertEquals(Duration.ofSeconds(5), resolver(Map.of()).get(PROBE));
    assertEquals(Duration.ofSeconds(5), resolver(Map.of("PROBE", "")).get(PROBE));
  }

  @Test
  void aBadValueFailsRatherThanFallingThrough() {
    TogetherConfigException e =
        assertThrows(
            TogetherConfigException.class,
            () -> resolver(Map.of("PROBE", "2s"), "probeTimeout", "soon").get(PROBE));
    assertEquals(
        "Option 'probeTimeout' must be a duration such as 200ms, 30s, 10m or 24h; got 'soon'.",
        e.getMessage());
    assertThrows(
        TogetherConfigException.class, () -> resolver(Map.of("PROBE", "later")).get(PROBE));
  }

  @Test
  void namesAreCaseInsensitive() {
    assertEquals(Duration.ofSeconds(3), resolver(Map.of(), "PROBETIMEOUT", "3s").get(PROBE));
  }

  @Test
  void theApiKeyComesFromTheOptionThenTheEnvironment() {
    Map<String, String> env = Map.of(TogetherBatchOptions.API_KEY_ENV, " sk-env ");
    assertEquals("sk-opt", resolver(env, "apiKey", " sk-opt ").get(TogetherBatchOptions.API_KEY));
    assertEquals("sk-env", resolver(env).get(TogetherBatchOptions.API_KEY));
    // a blank key is no key: the environment's is used
    assertEquals("sk-env", resolver(env, "apiKey", "  ").get(TogetherBatchOptions.API_KEY));
    assertNull(resolver(Map.of()).get(TogetherBatchOptions.API_KEY));
    assertNull(
        resolver(Map.of(TogetherBatchOptions.API_KEY_ENV, " ")).get(TogetherBatchOptions.API_KEY));
  }

  @Test
  void onlyOptionsThatNameAVariableReadTheEnvironment() {
    Function<String, String> everything = name -> "3";
    OptionResolver r = new OptionResolver(new CaseInsensitiveStringMap(Map.of()), everything);
    assertEquals(7, r.get(TogetherBatchOptions.MAX_RETRIES));
    assertNull(r.get(TogetherBatchOptions.MODEL));
    for (Option<?> o : TogetherBatchOptions.all()) {
      if (o != TogetherBatchOptions.API_KEY) {
        assertNull(o.envVar(), o.name());
      }
    }
  }

  @Test
  void typedDefaultsAreTheDocumentedOnes() {
    OptionResolver none = resolver(Map.of());
    assertEquals(
        TogetherBatchOptions.BASE_URL.defaultValue(), none.get(TogetherBatchOptions.BASE_URL));
    assertEquals(Duration.ofSeconds(10), none.get(TogetherBatchOptions.CONNECT_TIMEOUT));
    assertEquals(Duration.ofSeconds(120), none.get(TogetherBatchOptions.REQUEST_TIMEOUT));
    assertEquals(7, none.get(TogetherBatchOptions.MAX_RETRIES));
    assertEquals(Duration.ofMinutes(5), none.get(TogetherBatchOptions.RETRY_TIMEOUT));
    assertEquals("/v1/chat/completions", none.get(TogetherBatchOptions.ENDPOINT));
    assertEquals(50_000, none.get(TogetherBatchOptions.MAX_REQUESTS_PER_BATCH));
    assertEquals(100_000_000L, none.get(TogetherBatchOptions.MAX_BYTES_PER_BATCH));
    assertEquals(false, none.get(TogetherBatchOptions.DRY_RUN));
    assertEquals(true, none.get(TogetherBatchOptions.WAIT));
    assertEquals(Duration.ofSeconds(30), none.get(TogetherBatchOptions.POLL_INTERVAL));
    assertEquals(Duration.ofHours(72), none.get(TogetherBatchOptions.WAIT_TIMEOUT));
    // documented, not a value: the writer finds the column, or the JVM's temp dir is used
    for (Option<?> o :
        List.of(
            TogetherBatchOptions.PROMPT_COLUMN,
            TogetherBatchOptions.MESSAGES_COLUMN,
            TogetherBatchOptions.ID_COLUMN,
            TogetherBatchOptions.STAGING_DIR,
            TogetherBatchOptions.API_KEY)) {
      assertNotNull(o.defaultDoc(), o.name());
      assertNull(none.get(o), o.name());
    }
    // every value default parses back to itself
    for (Option<?> o : TogetherBatchOptions.all()) {
      if (o.typedDefault() != null) {
        assertEquals(o.typedDefault(), o.parse(o.defaultDoc()), o.name());
      }
    }
  }
}
