package io.github.sparktogetherbatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.junit.jupiter.api.Test;

/** The exact text of every option error a user can meet: these messages are part of the product. */
class OptionMessagesTest {
  private static final String KEY = "sk-unit-test-key-123456";

  private static CaseInsensitiveStringMap opts(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("apiKey", KEY);
    m.put("path", "/tmp/job");
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return new CaseInsensitiveStringMap(m);
  }

  private static String writeError(String... kv) {
    CaseInsensitiveStringMap o = opts(kv);
    return assertThrows(
            TogetherConfigException.class,
            () -> WriteConfig.parse(o, o.asCaseSensitiveMap(), name -> null, null))
        .getMessage();
  }

  private static String readError(CaseInsensitiveStringMap o) {
    return assertThrows(
            TogetherConfigException.class, () -> ReadConfig.parse(o, name -> null, null))
        .getMessage();
  }

  @Test
  void badNumbers() {
    assertEquals(
        "Option 'maxRequestsPerBatch' is 50001, above Together's limit of 50000 requests per"
            + " batch. Use at most 50000.",
        writeError("maxRequestsPerBatch", "50001"));
    assertEquals(
        "Option 'maxRequestsPerBatch' must be a positive whole number; got '0'.",
        writeError("maxRequestsPerBatch", "0"));
    assertEquals(
        "Option 'maxRequestsPerBatch' must be a positive whole number; got 'many'.",
        writeError("maxRequestsPerBatch", "many"));
    assertEquals(
        "Option 'maxRetries' must be a whole number of 0 or more; got '-1'.",
        writeError("maxRetries", "-1"));
  }

  @Test
  void badStreamOptions() {
    assertEquals(
        "Option 'maxBatchesPerTrigger' must be a positive whole number; got '0'.",
        readError(opts("maxBatchesPerTrigger", "0")));
    assertEquals(
        "Option 'availableNowWait' must be true or false; got 'yes'.",
        readError(opts("availableNowWait", "yes")));
  }

  @Test
  void badSizes() {
    assertEquals(
        "Option 'maxBytesPerBatch' is 101000000 bytes; it must be between 1KB (1000 bytes) and"
            + " Together's limit of 100MB (100000000 bytes).",
        writeError("maxBytesPerBatch", "101MB"));
    assertEquals(
        "Option 'maxBytesPerBatch' is 999 bytes; it must be between 1KB (1000 bytes) and"
            + " Together's limit of 100MB (100000000 bytes).",
        writeError("maxBytesPerBatch", "999"));
    assertEquals(
        "Option 'maxBytesPerBatch' must be a size such as 100MB, 64KB or a plain number of bytes;"
            + " got 'lots'.",
        writeError("maxBytesPerBatch", "lots"));
  }

  @Test
  void badDurationsAndBooleans() {
    assertEquals(
        "Option 'connectTimeout' must be a duration such as 200ms, 30s, 10m or 24h; got 'soon'.",
        writeError("connectTimeout", "soon"));
    assertEquals(
        "Option 'retryTimeout' must not be negative; got '-5s'.",
        writeError("retryTimeout", "-5s"));
    assertEquals("Option 'dryRun' must be true or false; got 'yes'.", writeError("dryRun", "yes"));
    assertEquals(
        "Option 'pollInterval' must be at least 1ms (Together advises 30s to 60s); got '0s'.",
        readError(opts("pollInterval", "0s")));
    assertEquals(
        "Option 'wait' must be true or false; got 'maybe'.", readError(opts("wait", "maybe")));
  }

  @Test
  void badEndpoint() {
    assertEquals(
        "Option 'endpoint' is '/v1/embeddings'; supported endpoints are /v1/chat/completions.",
        writeError("endpoint", "/v1/embeddings"));
    assertEquals(
        "Option 'endpoint' is ' '; supported endpoints are /v1/chat/completions.",
        writeError("endpoint", " "));
  }

  @Test
  void unknownNames() {
    String known =
        " Known options: path, apiKey, baseUrl, connectTimeout, requestTimeout, maxRetries,"
            + " retryTimeout, model, endpoint, promptColumn, messagesColumn, bodyColumn,"
            + " systemPrompt, idColumn, maxRequestsPerBatch, maxBytesPerBatch, minRequestsPerBatch,"
            + " maxCarryDelay, uploadsPerTask, createsAtOnce, stagingDir, modelCheck, dryRun, responseSchema, wait, pollInterval, waitTimeout,"
            + " progress, batchId, view, pricing, maxBatchesPerTrigger, availableNowWait, and"
            + " body.<field>.";
    assertEquals(
        "Unknown option 'promtColumn' for format(\"together-batch\"). Did you mean"
            + " 'promptColumn'?"
            + known,
        writeError("promtColumn", "q"));
    assertEquals(
        "Unknown option 'max_tokens' for format(\"together-batch\"). Request fields go under"
            + " body., e.g. 'body.max_tokens'."
            + known,
        writeError("max_tokens", "5"));
    assertEquals(
        "Unknown option 'frobnicate' for format(\"together-batch\")." + known,
        writeError("frobnicate", "1"));
    assertEquals(
        "Option 'body' is not an option: set request fields one by one as body.<field>, e.g."
            + " .option(\"body.max_tokens\", 200), or use 'bodyColumn' for a per-row body.",
        writeError("body", "{}"));
    assertEquals(
        "Option 'body.' names no field: use body.<field>, e.g. body.max_tokens.",
        writeError("body.", "5"));
  }

  @Test
  void nothingToRead() {
    assertEquals(
        "Nothing to read: give the job path to load(path), or the option 'batchId' with one or"
            + " more comma-separated batch ids.",
        readError(new CaseInsensitiveStringMap(Map.of("apiKey", KEY, "batchId", " , "))));
  }
}
