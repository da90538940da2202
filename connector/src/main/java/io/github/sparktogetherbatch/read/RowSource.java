package io.github.sparktogetherbatch.read;

import java.io.IOException;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * One phase of a partition reader, producing rows in turn: the input file's ids, a result file, or
 * the submitted requests left without a result.
 */
interface RowSource {
  /** Moves to the next row; false when the phase is done. */
  boolean next() throws IOException;

  /** The current row (after {@link #next} returned true). */
  InternalRow row();

  /** Releases what the phase holds (streams, the ids); never throws. */
  void close();
}
