package io.github.sparktogetherbatch;

import io.github.sparktogetherbatch.codec.ResultSchema;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Helpers for the results of a read ({@code spark.read().format("together-batch").load(path)}). */
public final class TogetherBatchResults {
  /** Prefix given to a result column whose name the input DataFrame already uses. */
  public static final String COLLISION_PREFIX = "result_";

  private TogetherBatchResults() {}

  /**
   * Joins each input row to its result: a left join of {@code input} with {@code results} on {@code
   * input[idColumn]} cast to string = {@code results.custom_id} (the writer's {@code idColumn}
   * becomes the request's custom_id). Every input row is kept once (each custom_id has exactly one
   * result row); rows that were never submitted get nulls.
   *
   * <p>The output has every input column, then every result column except {@code custom_id}; a
   * result column whose name the input already has (case-insensitively, e.g. {@code status} or
   * {@code model}) is renamed with the prefix {@value #COLLISION_PREFIX}.
   *
   * <p>Needs an id column: when the job was written without one, its custom_ids were derived and
   * cannot be joined back this way.
   *
   * @param input the DataFrame that was written
   * @param results the read's result (all columns or a selection that includes {@code custom_id})
   * @param idColumn the input's id column (the writer's {@code idColumn})
   */
  public static Dataset<Row> joinWithInput(
      Dataset<Row> input, Dataset<Row> results, String idColumn) {
    if (idColumn == null || idColumn.isEmpty()) {
      throw new IllegalArgumentException(
          "idColumn is required: the input column whose values "
              + "became the requests' custom_id");
    }
    Set<String> inputNames = new HashSet<>();
    for (String n : input.columns()) {
      inputNames.add(n.toLowerCase(Locale.ROOT));
    }
    Column condition =
        input.col(idColumn).cast("string").equalTo(results.col(ResultSchema.CUSTOM_ID));
    List<Column> selected = new ArrayList<>();
    for (String n : input.columns()) {
      selected.add(input.col(quote(n)));
    }
    for (String n : results.columns()) {
      if (n.equalsIgnoreCase(ResultSchema.CUSTOM_ID)) {
        continue;
      }
      Column c = results.col(quote(n));
      selected.add(
          inputNames.contains(n.toLowerCase(Locale.ROOT)) ? c.as(COLLISION_PREFIX + n) : c);
    }
    return input.join(results, condition, "left").select(selected.toArray(new Column[0]));
  }

  private static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
