package io.github.sparktogetherbatch.codec;

import io.github.sparktogetherbatch.exceptions.TogetherDataException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.ShortType;

/**
 * Turns one {@link InternalRow} into one JSONL request line, {@code {"custom_id": ..., "body":
 * {...}}}, with typed getters: no {@code Row} conversion, no per-row tree except for JSON-string
 * bodies (which must be parsed to be checked). Built once per task from the driver's {@link
 * InputMapping}, with the {@link BodyEncoder} of its input kind; reuses its buffers, so {@link
 * #encode} allocates little more than the id. Without an id column, ids are derived ({@link
 * CustomIds}).
 *
 * <p>Every per-row problem is a {@link TogetherDataException} naming the column, the option, the
 * row's custom_id (or its partition and position) and the fix, never the row's text.
 */
public final class RequestEncoder {
  private static final byte[] PREFIX = bytes("{\"custom_id\":");
  private static final byte[] MIDDLE = bytes(",\"body\":");
  private static final byte[] SUFFIX = bytes("}\n");

  private final InputMapping m;
  private final RowLabel row;
  private final BodyEncoder encoder;
  private final BodyBuffer body;
  private byte[] quotedId;
  private long idDigest;

  public RequestEncoder(InputMapping mapping, int partitionId) {
    this.m = mapping;
    this.row = new RowLabel(partitionId);
    this.encoder = BodyEncoder.of(mapping, row);
    this.body = encoder.body;
  }

  /**
   * Encodes {@code r}, the {@code rowIndex}-th (0-based) row of this partition. Afterwards {@link
   * #customId()}, {@link #idDigest()}, {@link #lineLength()} and {@link #writeLine} describe it,
   * until the next call.
   */
  public void encode(InternalRow r, long rowIndex) {
    row.rowIndex = rowIndex;
    row.customId = null;
    if (m.idKind != InputMapping.IdKind.DERIVED) {
      row.customId = readId(r);
    }
    try {
      encoder.encode(r);
    } catch (JsonValueWriter.BadValueException e) {
      encoder.reset();
      throw new TogetherDataException(
          "Column '"
              + m.inputColumn
              + "' ('"
              + m.inputOption
              + "') in "
              + where()
              + ": "
              + e.getMessage()
              + ". Replace such values (e.g. with null) first.");
    } catch (TogetherDataException e) {
      encoder.reset();
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (row.customId == null) {
      long h = CustomIds.hash64(body.buf, 0, body.size);
      row.customId = CustomIds.derivedId(row.partitionId, rowIndex, h);
    }
    quotedId = CustomIds.quoted(row.customId);
    idDigest = CustomIds.hash64(quotedId, 0, quotedId.length);
  }

  public String customId() {
    return row.customId;
  }

  /** The digest of the current custom_id ({@link CustomIds#digest}), for the duplicate checks. */
  public long idDigest() {
    return idDigest;
  }

  /** Bytes of the current line, newline included. */
  public int lineLength() {
    return PREFIX.length + quotedId.length + MIDDLE.length + body.size + SUFFIX.length;
  }

  /** Writes the current line, newline included. */
  public void writeLine(OutputStream out) throws IOException {
    out.write(PREFIX);
    out.write(quotedId);
    out.write(MIDDLE);
    out.write(body.buf, 0, body.size);
    out.write(SUFFIX);
  }

  /** Writes the current custom_id as one line of a {@link CustomIdRecord}. */
  public void writeIdRecord(OutputStream out) throws IOException {
    out.write(quotedId);
    out.write('\n');
  }

  /** How messages name the current row: its custom_id, or its position when ids are derived. */
  public String where() {
    return row.where();
  }

  private String readId(InternalRow r) {
    int o = m.idOrdinal;
    long rowIndex = row.rowIndex;
    int partitionId = row.partitionId;
    String label = "Column '" + m.idColumn + "' (custom_id; option 'idColumn')";
    if (r.isNullAt(o)) {
      throw new TogetherDataException(
          label
              + " is null in row "
              + rowIndex
              + " of partition "
              + partitionId
              + ". Every request needs a unique, non-empty custom_id: fill or drop rows "
              + "without one, or choose another 'idColumn'.");
    }
    String id;
    if (m.idKind == InputMapping.IdKind.STRING) {
      id = r.getUTF8String(o).toString();
    } else if (m.idType instanceof IntegerType) {
      id = Integer.toString(r.getInt(o));
    } else if (m.idType instanceof ShortType) {
      id = Short.toString(r.getShort(o));
    } else if (m.idType instanceof ByteType) {
      id = Byte.toString(r.getByte(o));
    } else {
      id = Long.toString(r.getLong(o));
    }
    if (id.isBlank()) {
      throw new TogetherDataException(
          label
              + " is empty in row "
              + rowIndex
              + " of partition "
              + partitionId
              + ". Every request needs a unique, non-empty custom_id: fill or drop rows "
              + "without one, or choose another 'idColumn'.");
    }
    int chars = id.codePointCount(0, id.length());
    if (chars > CustomIds.MAX_ID_CHARS) {
      String shown = id.substring(0, id.offsetByCodePoints(0, CustomIds.MAX_ID_CHARS)) + "...";
      throw new TogetherDataException(
          label
              + " has a value of "
              + chars
              + " characters in row "
              + rowIndex
              + " of partition "
              + partitionId
              + " ('"
              + shown
              + "'); Together allows at most "
              + CustomIds.MAX_ID_CHARS
              + ". Use shorter unique ids, e.g. sha2(col(\""
              + m.idColumn
              + "\"), 256) (64 hex characters).");
    }
    return id;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
