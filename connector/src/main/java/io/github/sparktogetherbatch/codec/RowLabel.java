package io.github.sparktogetherbatch.codec;

/**
 * The row being encoded, as messages name it: its custom_id, or its partition and position when ids
 * are derived (and not yet known). Updated in place for every row.
 */
final class RowLabel {
  final int partitionId;
  long rowIndex;

  /** The row's custom_id; null while a derived id is not yet computed. */
  String customId;

  RowLabel(int partitionId) {
    this.partitionId = partitionId;
  }

  /** How messages name the row: its custom_id, or its position when ids are derived. */
  String where() {
    if (customId != null) {
      return "the row with custom_id '" + customId + "'";
    }
    return "row " + rowIndex + " of partition " + partitionId + " (ids are derived: no idColumn)";
  }
}
