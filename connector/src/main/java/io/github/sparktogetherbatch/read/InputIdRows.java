package io.github.sparktogetherbatch.read;

import io.github.sparktogetherbatch.codec.IdStream;
import io.github.sparktogetherbatch.codec.ResultRowBuilder;
import java.io.IOException;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * The rows of a batch's custom_ids alone (from its record at the job path, else its input file),
 * streamed without holding the ids: one {@code pending} row per request of a batch still running,
 * or one row of ids only when a query reads nothing but {@code custom_id} and {@code batch_id} (the
 * rows are exactly the submitted ids, so the result files are not downloaded at all).
 */
final class InputIdRows implements RowSource {
  private final BatchFiles files;
  private final String fileId;
  private final boolean pending;
  private final ResultRowBuilder rows;
  private final ReadCounters counters;
  private IdStream ids;

  /** The first request was read by {@link #open}; {@link #peekedMore} is its answer. */
  private boolean peeked;

  private boolean peekedMore;
  private InternalRow current;

  private InputIdRows(
      BatchFiles files,
      String fileId,
      boolean pending,
      ResultRowBuilder rows,
      ReadCounters counters) {
    this.files = files;
    this.fileId = fileId;
    this.pending = pending;
    this.rows = rows;
    this.counters = counters;
  }

  /** Opens a batch's custom_ids. */
  interface IdSource {
    IdStream open() throws IOException;
  }

  /**
   * Opens the ids and reads its first request, so that a file that is gone shows at once (the
   * caller may then fall back to the result files).
   *
   * @param pending whether the rows are {@code pending} (else ids only)
   * @throws IOException when the file cannot be read (closed by then)
   */
  static InputIdRows open(
      IdSource source,
      BatchFiles files,
      String fileId,
      boolean pending,
      ResultRowBuilder rows,
      ReadCounters counters)
      throws IOException {
    InputIdRows r = new InputIdRows(files, fileId, pending, rows, counters);
    try {
      // Jackson reads the first bytes on creation.
      r.ids = source.open();
      r.peekedMore = r.ids.next();
      r.peeked = true;
      return r;
    } catch (IOException e) {
      r.close();
      throw e;
    }
  }

  @Override
  public boolean next() throws IOException {
    while (true) {
      boolean more;
      if (peeked) {
        more = peekedMore;
        peeked = false;
      } else {
        try {
          more = ids.next();
        } catch (IOException e) {
          throw files.downloadFailed("input", fileId, e);
        }
      }
      if (!more) {
        return false;
      }
      String id = ids.id();
      if (id == null) {
        counters.inputWithoutId++;
        continue;
      }
      if (pending) {
        counters.pending++;
        current = rows.pending(id);
      } else {
        current = rows.idOnly(id);
      }
      return true;
    }
  }

  @Override
  public InternalRow row() {
    return current;
  }

  @Override
  public void close() {
    if (ids != null) {
      try {
        ids.close();
      } catch (IOException ignored) {
        // nothing left to read from it
      }
      ids = null;
    }
  }
}
