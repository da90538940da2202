package io.github.sparktogetherbatch.jobs;

import static org.apache.spark.sql.functions.col;

import io.github.sparktogetherbatch.codec.ResultSchema;
import io.github.sparktogetherbatch.config.TogetherBatchOptions;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;

/**
 * The requests of a job to submit again: those whose latest outcome (a read of the job, without
 * waiting) is {@code missing}, or {@code failed} with one of the retryable codes; grouped by the
 * batch that gave that outcome. Requests that succeeded, or whose batch still runs ({@code
 * pending}), are never among them.
 */
final class ResubmitTargets {
  private ResubmitTargets() {}

  /** custom_ids to submit again, by the batch of their latest outcome, in job order. */
  static Map<String, Set<String>> find(JobSettings s, Collection<String> codes) {
    Map<String, String> options = new HashMap<>(s.options.asCaseSensitiveMap());
    options.remove(TogetherBatchOptions.PATH.key());
    options.remove(TogetherBatchOptions.VIEW.key());
    options.remove(TogetherBatchOptions.BATCH_ID.key());
    options.put(TogetherBatchOptions.WAIT.name(), "false");
    Column retry =
        col(ResultSchema.STATUS)
            .equalTo(ResultSchema.MISSING)
            .or(
                col(ResultSchema.STATUS)
                    .equalTo(ResultSchema.FAILED)
                    .and(col(ResultSchema.ERROR_CODE).isin(codes.toArray())));
    Iterator<Row> rows =
        s.spark
            .read()
            .format(TogetherBatchOptions.SHORT_NAME)
            .options(options)
            .load(s.path)
            .where(retry)
            .select(ResultSchema.CUSTOM_ID, ResultSchema.BATCH_ID)
            .toLocalIterator();
    Map<String, Set<String>> out = new LinkedHashMap<>();
    while (rows.hasNext()) {
      Row r = rows.next();
      out.computeIfAbsent(r.getString(1), k -> new LinkedHashSet<>()).add(r.getString(0));
    }
    return out;
  }
}
