package io.github.sparktogetherbatch.read;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.unsafe.types.UTF8String;

/** The batch view's rows, taken on the driver; the one partition of the view. */
final class BatchViewPartition implements InputPartition {
  private static final long serialVersionUID = 1L;

  /** One batch as the view shows it ({@link BatchViewSchema}); timestamps in microseconds. */
  record Values(
      String batchId,
      String status,
      Double progress,
      Long requests,
      int attempt,
      Long createdAt,
      Long completedAt,
      String inputFileId,
      String outputFileId,
      String errorFileId,
      String error,
      Long epoch)
      implements Serializable {

    InternalRow toRow() {
      return new GenericInternalRow(
          new Object[] {
            utf8(batchId),
            utf8(status),
            progress,
            requests,
            attempt,
            createdAt,
            completedAt,
            utf8(inputFileId),
            utf8(outputFileId),
            utf8(errorFileId),
            utf8(error),
            epoch
          });
    }

    private static UTF8String utf8(String s) {
      return s == null ? null : UTF8String.fromString(s);
    }
  }

  private final List<Values> rows;

  BatchViewPartition(List<Values> rows) {
    this.rows = List.copyOf(rows);
  }

  List<Values> rows() {
    return rows;
  }
}
