package io.github.sparktogetherbatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each option type's parsing: the values it takes and the ones it refuses. */
class OptionTypeTest {
  private static String error(OptionType<?> type, String value) {
    return assertThrows(TogetherConfigException.class, () -> type.parse("opt", value)).getMessage();
  }

  @Test
  void stringsAreKeptAsGivenAndTrimmedOnesLoseTheirBlanks() {
    assertEquals(" a b ", OptionType.STRING.parse("opt", " a b "));
    assertEquals("a b", OptionType.TRIMMED.parse("opt", " a b "));
    assertNull(OptionType.TRIMMED.parse("opt", " \t "));
  }

  @Test
  void durations() {
    assertEquals(Duration.ofMillis(200), OptionType.DURATION.parse("opt", "200ms"));
    assertEquals(Duration.ofSeconds(90), OptionType.DURATION.parse("opt", " 1.5 min "));
    assertEquals(Duration.ofDays(2), OptionType.DURATION.parse("opt", "2days"));
    assertEquals(Duration.ZERO, OptionType.DURATION.parse("opt", "0s"));
    assertEquals(
        "Option 'opt' is '7', a number without a unit: write it with one, e.g. '7s' for seconds or"
            + " '7ms' for milliseconds (units: ms, s, m, h, d).",
        assertThrows(TogetherConfigException.class, () -> OptionType.DURATION.parse("opt", "7"))
            .getMessage());
    assertEquals(
        "Option 'opt' must be a duration such as 200ms, 30s, 10m or 24h; got '10 parsecs'.",
        error(OptionType.DURATION, "10 parsecs"));
    assertEquals(
        "Option 'opt' must not be negative; got '-1s'.", error(OptionType.DURATION, "-1s"));
  }

  @Test
  void sizes() {
    assertEquals(100_000_000L, OptionType.SIZE.parse("opt", "100MB"));
    assertEquals(1_536L, OptionType.SIZE.parse("opt", "1.5KiB"));
    assertEquals(2_000_000_000L, OptionType.SIZE.parse("opt", "2g"));
    assertEquals(1L << 30, OptionType.SIZE.parse("opt", "1GiB"));
    assertEquals(42L, OptionType.SIZE.parse("opt", "42"));
    assertTrue(error(OptionType.SIZE, "-1MB").contains("got '-1MB'"));
  }

  @Test
  void wholeNumbers() {
    assertEquals(1, OptionType.POSITIVE_INT.parse("opt", " 1 "));
    assertEquals(0, OptionType.NON_NEGATIVE_INT.parse("opt", "0"));
    assertEquals(
        "Option 'opt' must be a positive whole number; got '0'.",
        error(OptionType.POSITIVE_INT, "0"));
    assertEquals(
        "Option 'opt' must be a positive whole number; got '1.5'.",
        error(OptionType.POSITIVE_INT, "1.5"));
    assertEquals(
        "Option 'opt' must be a whole number of 0 or more; got '-1'.",
        error(OptionType.NON_NEGATIVE_INT, "-1"));
    assertEquals(
        "Option 'opt' must be a whole number of 0 or more; got '99999999999'.",
        error(OptionType.NON_NEGATIVE_INT, "99999999999"));
  }

  @Test
  void booleans() {
    assertTrue(OptionType.BOOLEAN.parse("opt", " TRUE "));
    assertFalse(OptionType.BOOLEAN.parse("opt", "false"));
    assertEquals("Option 'opt' must be true or false; got '1'.", error(OptionType.BOOLEAN, "1"));
  }

  @Test
  void commaListsDropBlanksAndRepeats() {
    assertEquals(List.of("a", "b"), OptionType.COMMA_LIST.parse("opt", " a ,, b,a, "));
    assertEquals(List.of(), OptionType.COMMA_LIST.parse("opt", " , "));
  }

  @Test
  void choicesAreNormalizedThenChecked() {
    OptionType<String> colour =
        OptionType.oneOf("colours", List.of("red", "blue"), s -> s.trim().toLowerCase());
    assertEquals("red", colour.parse("opt", " Red "));
    assertEquals(
        "Option 'opt' is 'green'; supported colours are red and blue.", error(colour, "green"));
    OptionType<String> endpoint = TogetherBatchOptions.ENDPOINT.type();
    assertEquals(WriteConfig.CHAT_COMPLETIONS, endpoint.parse("endpoint", "chat/completions"));
    assertEquals(
        WriteConfig.CHAT_COMPLETIONS, endpoint.parse("endpoint", " /v1/chat/completions "));
  }

  @Test
  void completionsIsRefusedNamingTheChatEndpoint() {
    OptionType<String> endpoint = TogetherBatchOptions.ENDPOINT.type();
    for (String v : List.of("completions", "/completions", "/v1/completions")) {
      String message = error(endpoint, v);
      assertTrue(message.startsWith("Option 'opt' is '" + v + "'"), message);
      assertTrue(message.contains("Use " + WriteConfig.CHAT_COMPLETIONS), message);
    }
  }

  @Test
  void checksBoundAParsedValue() {
    OptionType<Integer> small =
        OptionType.POSITIVE_INT.check(
            n -> n <= 10, (option, value, n) -> option + ": " + n + " from '" + value + "'");
    assertEquals(10, small.parse("opt", "10"));
    assertEquals("opt: 11 from ' 11'", error(small, " 11"));
    // the base type's own message comes first
    assertEquals("Option 'opt' must be a positive whole number; got '0'.", error(small, "0"));
  }
}
