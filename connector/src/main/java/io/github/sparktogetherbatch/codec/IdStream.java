package io.github.sparktogetherbatch.codec;

import java.io.Closeable;
import java.io.IOException;

/**
 * The custom_ids of one batch input file, one request at a time, in file order: read from the file
 * itself ({@link RequestIds}) or from its record at the job path ({@link CustomIdRecord}).
 */
public interface IdStream extends Closeable {
  /**
   * Moves to the next request.
   *
   * @return false at the end
   */
  boolean next() throws IOException;

  /** The current request's custom_id, or null when it has none. */
  String id();
}
