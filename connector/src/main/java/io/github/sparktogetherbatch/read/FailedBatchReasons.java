package io.github.sparktogetherbatch.read;

import io.github.sparktogetherbatch.client.BatchJob;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.codec.DecodedResult;
import io.github.sparktogetherbatch.codec.ResultDecoder;
import io.github.sparktogetherbatch.codec.ResultLines;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-request reasons a {@code FAILED} batch gives in its error file, summarised for the read's
 * error message: the distinct error codes and messages of the file's first lines, each with how
 * often it occurs there. Reads a bounded prefix of the file on the driver, only when a read fails.
 */
final class FailedBatchReasons {
  private static final Logger LOG = LoggerFactory.getLogger(FailedBatchReasons.class);

  /** Lines read at most. */
  static final int MAX_LINES = 1000;

  /** Distinct reasons shown at most. */
  static final int MAX_REASONS = 3;

  private FailedBatchReasons() {}

  /**
   * " Its error file <id> says: code: message (n requests); ..." or "" when the batch names no
   * error file, or it cannot be read.
   */
  static String of(TogetherClient client, BatchJob batch) {
    String fileId = batch.errorFileId();
    if (fileId == null || fileId.isEmpty()) {
      return "";
    }
    Map<String, Integer> reasons = new LinkedHashMap<>();
    int lines = 0;
    boolean more = false;
    ResultDecoder decoder = new ResultDecoder(false, false);
    DecodedResult r = new DecodedResult();
    try (InputStream in = client.openFileContent(fileId);
        ResultLines file = new ResultLines(in)) {
      while (file.next()) {
        if (lines == MAX_LINES) {
          more = true;
          break;
        }
        lines++;
        if (decoder.decode(file.bytes(), file.offset(), file.length(), r)
                == ResultDecoder.Outcome.OK
            && r.failed()) {
          String reason =
              (r.errorCode() == null ? "" : r.errorCode() + ": ")
                  + (r.errorMessage() == null ? "no message" : r.errorMessage());
          if (reasons.containsKey(reason) || reasons.size() < MAX_REASONS) {
            reasons.merge(reason, 1, Integer::sum);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("Cannot read the error file {} of batch {}", fileId, batch.id(), e);
      return "";
    }
    if (reasons.isEmpty()) {
      return "";
    }
    StringBuilder sb =
        new StringBuilder(" Its error file ")
            .append(fileId)
            .append(more ? " says (first " + MAX_LINES + " lines): " : " says: ");
    String sep = "";
    for (Map.Entry<String, Integer> e : reasons.entrySet()) {
      sb.append(sep)
          .append(e.getKey())
          .append(" (")
          .append(e.getValue())
          .append(e.getValue() == 1 ? " request)" : " requests)");
      sep = "; ";
    }
    return sb.append('.').toString();
  }
}
