package io.github.sparktogetherbatch.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import io.github.sparktogetherbatch.testing.SparkTestSession;
import java.nio.file.Path;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Precedence through Spark: a DataFrame option beats {@code spark.datasource.together-batch.<name>}
 * in the session, which beats the default. Dry runs, so nothing leaves the machine.
 */
class SessionPrecedenceTest {
  private static final String LIMIT = TogetherBatchOptions.MAX_REQUESTS_PER_BATCH.name();
  private static final String SESSION_LIMIT = TogetherBatchOptions.SESSION_PREFIX + LIMIT;
  private static final String TOO_MANY = "50001";

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  @AfterEach
  void unsetSession() {
    spark.conf().unset(SESSION_LIMIT);
  }

  private DataFrameWriter<Row> dryRun() {
    return spark
        .range(0, 10, 1, 1)
        .selectExpr("id", "concat('q', id) AS prompt")
        .write()
        .format(TogetherBatchOptions.SHORT_NAME)
        .option("apiKey", "sk-unit-test-key-123456")
        .option("baseUrl", "http://127.0.0.1:9/v1")
        .option("model", "m")
        .option("dryRun", "true")
        .option("stagingDir", tmp.resolve("staging").toString());
  }

  private static String configMessage(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof TogetherConfigException) {
        return c.getMessage();
      }
    }
    throw new AssertionError("no TogetherConfigException in " + t, t);
  }

  @Test
  void theSessionValueIsUsedWhenNoOptionIsGiven() {
    spark.conf().set(SESSION_LIMIT, TOO_MANY);
    Throwable t = assertThrows(Throwable.class, () -> dryRun().save(tmp.resolve("job").toString()));
    assertEquals(
        "Option 'maxRequestsPerBatch' is 50001, above Together's limit of 50000 requests per"
            + " batch. Use at most 50000.",
        configMessage(t));
  }

  @Test
  void theDataFrameOptionBeatsTheSessionValue() {
    spark.conf().set(SESSION_LIMIT, "3");
    Throwable t =
        assertThrows(
            Throwable.class,
            () -> dryRun().option(LIMIT, TOO_MANY).save(tmp.resolve("job").toString()));
    assertTrue(configMessage(t).startsWith("Option 'maxRequestsPerBatch' is 50001,"), t.toString());

    spark.conf().set(SESSION_LIMIT, TOO_MANY);
    assertDoesNotThrow(() -> dryRun().option(LIMIT, "3").save(tmp.resolve("job").toString()));
  }

  @Test
  void theDefaultIsUsedWhenNeitherIsGiven() {
    assertDoesNotThrow(() -> dryRun().save(tmp.resolve("job").toString()));
  }
}
