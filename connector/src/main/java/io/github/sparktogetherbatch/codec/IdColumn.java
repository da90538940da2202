package io.github.sparktogetherbatch.codec;

import static io.github.sparktogetherbatch.codec.SchemaLookup.find;
import static io.github.sparktogetherbatch.codec.SchemaLookup.wrongType;

import io.github.sparktogetherbatch.config.TogetherBatchOptions;
import io.github.sparktogetherbatch.config.WriteConfig;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The custom_id column: given by {@code idColumn}, else {@code custom_id} or {@code id}. */
final class IdColumn {
  private static final Logger LOG = LoggerFactory.getLogger(IdColumn.class);

  final InputMapping.IdKind kind;
  final int ordinal;
  final String name;
  final DataType type;

  IdColumn(InputMapping.IdKind kind, int ordinal, String name, DataType type) {
    this.kind = kind;
    this.ordinal = ordinal;
    this.name = name;
    this.type = type;
  }

  static IdColumn resolve(StructType schema, WriteConfig config) {
    String option = TogetherBatchOptions.ID_COLUMN.name();
    if (config.idColumn() != null) {
      int i = SchemaLookup.require(schema, config.idColumn(), option);
      StructField f = schema.fields()[i];
      InputMapping.IdKind k = idKindOf(f.dataType());
      if (k == null) {
        throw wrongType(
            f,
            option,
            "a string or integral (byte, short, int, long) column",
            "cast it, e.g. col(\"" + f.name() + "\").cast(\"string\")");
      }
      return new IdColumn(k, i, f.name(), f.dataType());
    }
    for (String candidate : new String[] {"custom_id", "id"}) {
      int i = find(schema, candidate);
      if (i >= 0) {
        StructField f = schema.fields()[i];
        InputMapping.IdKind k = idKindOf(f.dataType());
        if (k != null) {
          return new IdColumn(k, i, f.name(), f.dataType());
        }
        LOG.info(
            "Column '{}' is {}, not a string or integral column, so it is not used as "
                + "custom_id; ids are derived (set 'idColumn' to choose a column)",
            f.name(),
            f.dataType().simpleString());
      }
    }
    return new IdColumn(InputMapping.IdKind.DERIVED, -1, null, null);
  }

  private static InputMapping.IdKind idKindOf(DataType t) {
    if (t instanceof StringType) {
      return InputMapping.IdKind.STRING;
    }
    if (t instanceof LongType
        || t instanceof IntegerType
        || t instanceof ShortType
        || t instanceof ByteType) {
      return InputMapping.IdKind.INTEGRAL;
    }
    return null;
  }
}
