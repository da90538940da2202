package io.github.sparktogetherbatch.read;

import io.github.sparktogetherbatch.codec.ResultSchema;
import io.github.sparktogetherbatch.config.ReadConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Builds the read of a job ({@link TogetherScan}). Makes no network call: the schema is the fixed
 * {@link ResultSchema}, narrowed to the columns the query uses ({@link
 * SupportsPushDownRequiredColumns}); the content and raw response are only decoded when asked for.
 */
public final class TogetherScanBuilder implements ScanBuilder, SupportsPushDownRequiredColumns {
  private final ReadConfig config;
  private StructType schema = ResultSchema.SCHEMA;

  public TogetherScanBuilder(ReadConfig config) {
    this.config = config;
  }

  @Override
  public void pruneColumns(StructType requiredSchema) {
    Set<String> wanted = new HashSet<>();
    for (StructField f : requiredSchema.fields()) {
      wanted.add(f.name().toLowerCase(Locale.ROOT));
    }
    List<StructField> kept = new ArrayList<>();
    for (StructField f : ResultSchema.SCHEMA.fields()) {
      if (wanted.contains(f.name().toLowerCase(Locale.ROOT))) {
        kept.add(f);
      }
    }
    this.schema = new StructType(kept.toArray(new StructField[0]));
  }

  @Override
  public Scan build() {
    int[] columns = new int[schema.fields().length];
    for (int i = 0; i < columns.length; i++) {
      columns[i] = ResultSchema.SCHEMA.fieldIndex(schema.fields()[i].name());
    }
    return new TogetherScan(config, schema, columns);
  }
}
