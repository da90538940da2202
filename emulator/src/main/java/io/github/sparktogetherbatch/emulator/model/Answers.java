package io.github.sparktogetherbatch.emulator.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.github.sparktogetherbatch.emulator.json.Json;
import io.github.sparktogetherbatch.emulator.model.DeterministicModel.Answer;
import io.github.sparktogetherbatch.emulator.model.DeterministicModel.Kind;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The successful answers of {@link DeterministicModel}.
 *
 * <ul>
 *   <li><b>Forced tool call</b> (a {@code tool_choice} naming a function, or {@code "required"}):
 *       {@code content} null, one {@link ToolCall} of that function (the first one for {@code
 *       required}) whose arguments are a {@link JsonSchemaInstance} of its {@code parameters}, and
 *       {@code finish_reason} {@code tool_calls}.
 *   <li><b>Content.</b> With {@code response_format} {@code json_schema}: a {@link
 *       JsonSchemaInstance} of the schema, seeded by the model and the messages, pretty-printed.
 *       With {@code json_object}: {@code {"echo": <input text>, "words": <its words>}},
 *       pretty-printed. Otherwise, or when the input text contains {@code !!badjson!!}: {@code
 *       "Echo: " + inputText}, followed for a last user message with media parts by e.g. {@code "
 *       [images: 2]"}. {@code !!fence!!} wraps the content in a Markdown {@code json} code fence;
 *       {@code !!think!!} puts a {@code <think>...</think>} block before it.
 *   <li><b>Length.</b> When {@code max_tokens} is set and the content has more words, it becomes
 *       its first {@code max_tokens} words joined by single spaces and {@code finish_reason} is
 *       {@code length}; else {@code finish_reason} is {@code eos} for {@value ModelCatalog#EOS} and
 *       {@code stop} for every other model.
 *   <li><b>Reasoning.</b> {@value ModelCatalog#REASONING} adds a {@code reasoning} string (never
 *       cut).
 *   <li><b>Usage.</b> {@code prompt_tokens}: words over all message texts (or the prompt), at least
 *       1; {@code completion_tokens}: words of the content, the reasoning and the tool call
 *       arguments.
 * </ul>
 */
final class Answers {
  private static final ObjectWriter PRETTY =
      Json.MAPPER.writer(
          new DefaultPrettyPrinter()
              .withObjectIndenter(new DefaultIndenter("  ", "\n"))
              .withArrayIndenter(new DefaultIndenter("  ", "\n")));

  private Answers() {}

  /** A completion of a prompt ({@code /v1/completions}). */
  static Answer text(String model, String prompt, int promptWords, int maxTokens) {
    return finish(
        model, "Echo: " + prompt, null, maxTokens, promptWords, prompt.contains("!!fail-once!!"));
  }

  /** A chat completion. */
  static Answer chat(String model, ChatRequest r, long seed) {
    String input = r.inputText;
    boolean failsOnce = input.contains("!!fail-once!!");
    String reasoning = ModelCatalog.REASONING.equals(model) ? reasoning(r) : null;
    if (r.forcedFunction != null) {
      String name = r.forcedFunction.get("name").asText();
      JsonNode params = r.forcedFunction.get("parameters");
      if (params == null || !params.isObject()) {
        params = Json.object().put("type", "object");
      }
      long h = seed ^ Completions.hash(name);
      String arguments = JsonSchemaInstance.generate(params, h).toString();
      String id = "call_" + Completions.hex(h) + Completions.hex(h * 31 + 7).substring(0, 8);
      return new Answer(
          Kind.SUCCESS,
          model,
          null,
          reasoning,
          List.of(new ToolCall(id, name, arguments)),
          "tool_calls",
          Math.max(1, r.promptWords),
          Math.max(1, Words.count(arguments)) + Words.count(reasoning),
          null,
          null,
          failsOnce);
    }
    String content;
    boolean json = !input.contains("!!badjson!!");
    if (json && "json_schema".equals(r.responseFormat)) {
      content = pretty(JsonSchemaInstance.generate(r.schema, seed));
    } else if (json && "json_object".equals(r.responseFormat)) {
      content =
          pretty(
              Json.object().put("echo", input).put("words", DeterministicModel.countWords(input)));
    } else {
      content = "Echo: " + input + media(r);
    }
    if (input.contains("!!fence!!")) {
      content = "```json\n" + content + "\n```";
    }
    if (input.contains("!!think!!")) {
      content = "<think>\n" + reasoning(r) + "\n</think>\n\n" + content;
    }
    return finish(model, content, reasoning, r.maxTokens, r.promptWords, failsOnce);
  }

  private static Answer finish(
      String model,
      String content,
      String reasoning,
      int maxTokens,
      int promptWords,
      boolean failsOnce) {
    int words = Words.count(content);
    String finish = ModelCatalog.EOS.equals(model) ? "eos" : "stop";
    if (maxTokens > 0 && words > maxTokens) {
      content = DeterministicModel.firstWords(content, maxTokens);
      words = maxTokens;
      finish = "length";
    }
    return new Answer(
        Kind.SUCCESS,
        model,
        content,
        reasoning,
        List.of(),
        finish,
        Math.max(1, promptWords),
        words + Words.count(reasoning),
        null,
        null,
        failsOnce);
  }

  private static String reasoning(ChatRequest r) {
    return "The last user message has "
        + Words.count(r.inputText)
        + " words, so the answer echoes it.";
  }

  private static String media(ChatRequest r) {
    StringBuilder sb = new StringBuilder();
    append(sb, "images", r.images);
    append(sb, "videos", r.videos);
    append(sb, "audio", r.audios);
    return sb.length() == 0 ? "" : " [" + sb + "]";
  }

  private static void append(StringBuilder sb, String what, int n) {
    if (n > 0) {
      sb.append(sb.length() == 0 ? "" : ", ").append(what).append(": ").append(n);
    }
  }

  private static String pretty(JsonNode node) {
    try {
      return PRETTY.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
