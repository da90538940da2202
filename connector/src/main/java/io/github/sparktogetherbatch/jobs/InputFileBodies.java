package io.github.sparktogetherbatch.jobs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.exceptions.TogetherApiException;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The request lines of a batch's input file at Together whose custom_id is to be submitted again,
 * copied verbatim (as the job encoded them) into a local JSONL file, streamed line by line.
 */
final class InputFileBodies {
  private static final JsonFactory JSON = JsonFactory.builder().build();

  /** A local JSONL file of requests to submit again. */
  record Selected(Path file, List<String> ids, long bytes) {}

  private InputFileBodies() {}

  /**
   * Copies the lines of {@code inputFileId} whose custom_id is in {@code wanted} into a new file in
   * {@code dir}; returns null when Together does not serve the file's content (4xx).
   */
  static Selected select(TogetherClient client, String inputFileId, Set<String> wanted, Path dir)
      throws IOException {
    InputStream in;
    try {
      in = client.openFileContent(inputFileId);
    } catch (RuntimeException e) {
      if (notServed(e)) {
        return null;
      }
      throw e;
    }
    Path out = Files.createTempFile(dir, "resubmit-", ".jsonl");
    List<String> ids = new ArrayList<>();
    long bytes = 0;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        String id = customId(line);
        if (id != null && wanted.contains(id)) {
          w.write(line);
          w.write('\n');
          ids.add(id);
          bytes += line.getBytes(StandardCharsets.UTF_8).length + 1L;
        }
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(out);
      if (notServed(e)) {
        return null;
      }
      throw e;
    }
    return new Selected(out, ids, bytes);
  }

  /** Whether Together refused the content (4xx), as it may for batch input files. */
  private static boolean notServed(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof TogetherApiException) {
        int code = ((TogetherApiException) c).statusCode();
        return code >= 400 && code < 500 && code != 408 && code != 429;
      }
    }
    return false;
  }

  /** The top-level {@code custom_id} of a request line, or null. */
  static String customId(String line) throws IOException {
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if ("custom_id".equals(name) && t == JsonToken.VALUE_STRING) {
          return p.getText();
        }
        p.skipChildren();
      }
      return null;
    }
  }
}
