package io.github.sparktogetherbatch.read;

import java.util.Iterator;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;

/** Reads the batch view's one partition: the rows the driver took. */
final class BatchViewReaderFactory implements PartitionReaderFactory {
  private static final long serialVersionUID = 1L;

  @Override
  public PartitionReader<InternalRow> createReader(InputPartition partition) {
    Iterator<BatchViewPartition.Values> it = ((BatchViewPartition) partition).rows().iterator();
    return new PartitionReader<>() {
      private InternalRow current;

      @Override
      public boolean next() {
        if (!it.hasNext()) {
          return false;
        }
        current = it.next().toRow();
        return true;
      }

      @Override
      public InternalRow get() {
        return current;
      }

      @Override
      public void close() {}
    };
  }
}
