package io.github.sparktogetherbatch.read;

import io.github.sparktogetherbatch.codec.ParsedContent;
import io.github.sparktogetherbatch.codec.ResultSchema;
import io.github.sparktogetherbatch.config.ReadConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Builds the read of a job ({@link TogetherScan}). Makes no network call: the schema is the fixed
 * {@link ResultSchema} (with {@code parsed} when the job has a responseSchema), narrowed to the
 * columns the query uses ({@link SupportsPushDownRequiredColumns}); the content, the raw response
 * and {@code parsed} are only decoded when asked for.
 */
public final class TogetherScanBuilder implements ScanBuilder, SupportsPushDownRequiredColumns {
  private final ReadConfig config;
  private final StructType full;
  private final ParsedContent parsed;
  private StructType schema;

  /**
   * @param parsed the struct of the column {@code parsed}, or null when the job has none
   * @param sessionTimeZone the zone of timestamps without an offset in answers
   */
  public TogetherScanBuilder(ReadConfig config, StructType parsed, String sessionTimeZone) {
    this.config = config;
    this.full = ResultSchema.of(parsed);
    this.schema = full;
    this.parsed = parsed == null ? null : new ParsedContent(parsed, sessionTimeZone);
  }

  @Override
  public void pruneColumns(StructType requiredSchema) {
    Set<String> wanted = new HashSet<>();
    for (StructField f : requiredSchema.fields()) {
      wanted.add(f.name().toLowerCase(Locale.ROOT));
    }
    List<StructField> kept = new ArrayList<>();
    // parsed is kept whole (no nested pruning): every answer is checked against the whole struct
    for (StructField f : full.fields()) {
      if (wanted.contains(f.name().toLowerCase(Locale.ROOT))) {
        kept.add(f);
      }
    }
    this.schema = new StructType(kept.toArray(new StructField[0]));
  }

  /**
   * The planner of the streaming source's micro-batches, for the columns the query uses.
   *
   * @param conf the Hadoop configuration of the job path
   */
  public FinishedBatchPlanner finishedBatchPlanner(Configuration conf) {
    return new FinishedBatchPlanner(config, columns(), parsed, conf);
  }

  @Override
  public Scan build() {
    return new TogetherScan(config, schema, columns(), parsed);
  }

  /** The pruned columns, as positions in {@link ResultSchema#SCHEMA}. */
  private int[] columns() {
    int[] columns = new int[schema.fields().length];
    for (int i = 0; i < columns.length; i++) {
      String name = schema.fields()[i].name();
      columns[i] =
          parsed != null && name.equals(ResultSchema.PARSED)
              ? ResultSchema.PARSED_POSITION
              : ResultSchema.SCHEMA.fieldIndex(name);
    }
    return columns;
  }
}
