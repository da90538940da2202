package io.github.sparktogetherbatch.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The custom_id record: ids back in order, whatever their characters; records concatenate. */
class CustomIdRecordTest {
  private static byte[] record(List<String> ids) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = CustomIdRecord.writer(bytes)) {
      for (String id : ids) {
        out.write(CustomIds.quoted(id));
        out.write('\n');
      }
    }
    return bytes.toByteArray();
  }

  private static List<String> read(byte[] record) throws IOException {
    List<String> out = new ArrayList<>();
    try (IdStream in = CustomIdRecord.reader(new ByteArrayInputStream(record))) {
      while (in.next()) {
        out.add(in.id());
      }
    }
    return out;
  }

  @Test
  void idsComeBackInOrderWhateverTheirCharacters() throws IOException {
    List<String> ids =
        List.of("a", "line\nbreak", "quote\"and\\slash", "tab\there", "é 中文 😀", "123", " ");
    assertEquals(ids, read(record(ids)));
  }

  @Test
  void recordsJoinThroughTheirContent() throws IOException {
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    try (OutputStream out = CustomIdRecord.writer(joined)) {
      for (byte[] r :
          List.of(record(List.of("x-1", "x-2")), record(List.of()), record(List.of("y-1")))) {
        try (InputStream in = CustomIdRecord.content(new ByteArrayInputStream(r))) {
          in.transferTo(out);
        }
      }
    }
    assertEquals(List.of("x-1", "x-2", "y-1"), read(joined.toByteArray()));
  }

  @Test
  void anEmptyRecordHasNoIds() throws IOException {
    assertEquals(List.of(), read(record(List.of())));
  }
}
