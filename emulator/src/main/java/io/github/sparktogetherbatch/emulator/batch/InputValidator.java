package io.github.sparktogetherbatch.emulator.batch;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.github.sparktogetherbatch.emulator.json.Json;
import io.github.sparktogetherbatch.emulator.model.ModelCatalog;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Validates a batch input file in one streaming pass with Together's limits and line rules: at most
 * {@value #MAX_BYTES} bytes and {@value #MAX_LINES} requests, UTF-8, no blank lines, each line one
 * JSON object with a unique non-empty string {@code custom_id} of at most {@value #MAX_CUSTOM_ID}
 * characters and an object {@code body}. The first failing rule wins; its message names the line.
 * It also collects the models that requests target (their {@code body.model}, else the batch's
 * {@code model_id}) which batches cannot use.
 */
final class InputValidator {
  private static final int MAX_LINES = 50_000;

  /** 100 MB, decimal: never more lenient than Together. */
  private static final long MAX_BYTES = 100_000_000L;

  private static final int MAX_CUSTOM_ID = 64;

  private InputValidator() {}

  /** Result of validating an input file. */
  static final class Validation {
    final String error;
    final long lines;
    final String firstModel;

    /** Models the requests target (by {@code body.model} or the default) that batches cannot. */
    final Set<String> notForBatch;

    Validation(String error, long lines, String firstModel) {
      this(error, lines, firstModel, Set.of());
    }

    Validation(String error, long lines, String firstModel, Set<String> notForBatch) {
      this.error = error;
      this.lines = lines;
      this.firstModel = firstModel;
      this.notForBatch = notForBatch;
    }
  }

  /**
   * Streams the input once; the error is null when the file is a valid batch input. {@code
   * defaultModel} (the batch's {@code model_id}, or null) is the model of lines that name none.
   */
  static Validation validate(Path input, String defaultModel) throws IOException {
    long size;
    try {
      size = Files.size(input);
    } catch (NoSuchFileException e) {
      return new Validation("Input file not found", 0, null);
    }
    if (size > MAX_BYTES) {
      return new Validation(
          "Input file is too large: "
              + size
              + " bytes; the limit is "
              + MAX_BYTES
              + " bytes (100 MB)",
          0,
          null);
    }
    if (size == 0) {
      return new Validation("Input file is empty", 0, null);
    }
    Set<String> ids = new HashSet<>();
    Set<String> notForBatch = new LinkedHashSet<>();
    long n = 0;
    long lineNo = 0;
    String firstModel = null;
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(Files.newInputStream(input), decoder), 256 * 1024)) {
      String line;
      while ((line = r.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          return new Validation("Invalid JSONL: line " + lineNo + " is empty", 0, null);
        }
        n++;
        if (n > MAX_LINES) {
          return new Validation(
              "Input file has more than "
                  + MAX_LINES
                  + " requests; the limit is "
                  + MAX_LINES
                  + " requests per batch",
              0,
              null);
        }
        String customId = null;
        boolean hasCustomId = false;
        boolean customIdIsString = false;
        boolean hasBody = false;
        boolean bodyIsObject = false;
        String model = null;
        try (JsonParser p = Json.FACTORY.createParser(line)) {
          if (p.nextToken() != JsonToken.START_OBJECT) {
            return new Validation(
                "Invalid JSONL: line " + lineNo + " is not a JSON object", 0, null);
          }
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.getCurrentName();
            JsonToken t = p.nextToken();
            if ("custom_id".equals(name)) {
              hasCustomId = true;
              customIdIsString = t == JsonToken.VALUE_STRING;
              customId = customIdIsString ? p.getText() : null;
              p.skipChildren();
            } else if ("body".equals(name)) {
              hasBody = true;
              bodyIsObject = t == JsonToken.START_OBJECT;
              if (bodyIsObject) {
                model = bodyModel(p);
              } else {
                p.skipChildren();
              }
            } else {
              p.skipChildren();
            }
          }
          if (p.nextToken() != null) {
            return new Validation(
                "Invalid JSONL: line " + lineNo + " has data after the JSON object", 0, null);
          }
        } catch (JsonProcessingException e) {
          return new Validation("Invalid JSONL: line " + lineNo + " is not valid JSON", 0, null);
        }
        if (!hasCustomId) {
          return new Validation("Line " + lineNo + ": missing required field 'custom_id'", 0, null);
        }
        if (!customIdIsString) {
          return new Validation("Line " + lineNo + ": 'custom_id' must be a string", 0, null);
        }
        if (customId.isEmpty()) {
          return new Validation("Line " + lineNo + ": 'custom_id' must not be empty", 0, null);
        }
        if (customId.codePointCount(0, customId.length()) > MAX_CUSTOM_ID) {
          return new Validation(
              "Line " + lineNo + ": 'custom_id' is longer than " + MAX_CUSTOM_ID + " characters",
              0,
              null);
        }
        if (!ids.add(customId)) {
          return new Validation(
              "Line " + lineNo + ": duplicate custom_id '" + customId + "'", 0, null);
        }
        if (!hasBody) {
          return new Validation("Line " + lineNo + ": missing required field 'body'", 0, null);
        }
        if (!bodyIsObject) {
          return new Validation("Line " + lineNo + ": 'body' must be a JSON object", 0, null);
        }
        if (firstModel == null) {
          firstModel = model;
        }
        String target = model != null ? model : defaultModel;
        if (ModelCatalog.isNotAvailableForBatch(target)) {
          notForBatch.add(target);
        }
      }
    } catch (CharacterCodingException e) {
      return new Validation(
          "Input file is not valid UTF-8 text (line " + (lineNo + 1) + ")", 0, null);
    }
    if (n == 0) {
      return new Validation("Input file contains no requests", 0, null);
    }
    return new Validation(null, n, firstModel, notForBatch);
  }

  /** The string {@code model} of the body object the parser is at the start of, or null. */
  static String bodyModel(JsonParser p) throws IOException {
    String model = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.getCurrentName();
      JsonToken v = p.nextToken();
      if ("model".equals(field) && v == JsonToken.VALUE_STRING) {
        model = p.getText();
      } else {
        p.skipChildren();
      }
    }
    return model;
  }
}
