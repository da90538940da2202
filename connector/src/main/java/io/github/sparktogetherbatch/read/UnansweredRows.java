package io.github.sparktogetherbatch.read;

import io.github.sparktogetherbatch.client.BatchStatus;
import io.github.sparktogetherbatch.codec.ResultRowBuilder;
import java.util.Locale;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * One row for every submitted custom_id still without one after both result files, in input-file
 * order: {@code missing} (error_code {@code batch_expired}, {@code batch_cancelled} or {@value
 * #NO_RESULT_CODE}), or {@code failed} with {@value #BATCH_FAILED_CODE} and the batch's own error
 * for a FAILED batch.
 */
final class UnansweredRows implements RowSource {
  static final String BATCH_FAILED_CODE = "batch_failed";
  static final String NO_RESULT_CODE = "no_result";

  private SubmittedIds submitted;
  private final boolean batchFailed;
  private final boolean pending;
  private final int end;
  private final UTF8String code;
  private final UTF8String message;
  private final ResultRowBuilder rows;
  private final ReadCounters counters;

  /** The next submitted id to check for a row. */
  private int next;

  private InternalRow current;

  UnansweredRows(
      SubmittedIds submitted,
      TogetherInputPartition part,
      ResultRowBuilder rows,
      ReadCounters counters) {
    this(submitted, 0, submitted.size(), part, rows, counters);
  }

  /**
   * The ids at positions {@code [from, to)} of {@code submitted} (one batch's, when several batches
   * share the ids); a running batch's are {@code pending}.
   */
  UnansweredRows(
      SubmittedIds submitted,
      int from,
      int to,
      TogetherInputPartition part,
      ResultRowBuilder rows,
      ReadCounters counters) {
    this.submitted = submitted;
    this.next = from;
    this.end = to;
    this.rows = rows;
    this.counters = counters;
    this.pending = part.mode() == TogetherInputPartition.Mode.PENDING;
    this.batchFailed = part.mode() == TogetherInputPartition.Mode.FAILED_BATCH;
    if (batchFailed) {
      this.code = UTF8String.fromString(BATCH_FAILED_CODE);
      String e = part.batchError();
      this.message =
          UTF8String.fromString(
              "Batch "
                  + part.batchId()
                  + " failed: "
                  + (e == null || e.isBlank() ? "Together gave no reason" : e));
    } else {
      BatchStatus s = BatchStatus.parse(part.batchStatus());
      this.code =
          UTF8String.fromString(
              s == BatchStatus.EXPIRED || s == BatchStatus.CANCELLED
                  ? "batch_" + s.name().toLowerCase(Locale.ROOT)
                  : NO_RESULT_CODE);
      this.message =
          UTF8String.fromString(
              "Batch "
                  + part.batchId()
                  + " ended "
                  + part.batchStatus()
                  + " without a result for this request (it is in neither the "
                  + "output nor the error file).");
    }
  }

  @Override
  public boolean next() {
    while (submitted != null && next < end) {
      int i = next++;
      if (!submitted.hasRow(i)) {
        current = rowFor(submitted.id(i));
        return true;
      }
    }
    return false;
  }

  /** The row of a request of this batch without a result: pending, failed or missing. */
  InternalRow rowFor(String id) {
    if (pending) {
      counters.pending++;
      return rows.pending(id);
    } else if (batchFailed) {
      counters.failed++;
      return rows.failed(id, code, message);
    }
    counters.missing++;
    return rows.missing(id, code, message);
  }

  @Override
  public InternalRow row() {
    return current;
  }

  /** Lets the ids go: the largest thing a partition reader holds. */
  @Override
  public void close() {
    submitted = null;
  }
}
