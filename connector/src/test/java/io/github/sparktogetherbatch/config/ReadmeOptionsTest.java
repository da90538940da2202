package io.github.sparktogetherbatch.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** README's options table is the one generated from {@link TogetherBatchOptions}. */
class ReadmeOptionsTest {
  @Test
  void readmeListsEveryOptionAsDefined() throws Exception {
    Path readme = Path.of(System.getProperty("user.dir")).resolve("../README.md").normalize();
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    for (String row : TogetherBatchOptions.markdownTable().split("\n")) {
      assertTrue(
          text.contains(row),
          "README.md lacks the options row: "
              + row
              + "\n(regenerate it from TogetherBatchOptions.markdownTable())");
    }
  }
}
