package io.github.sparktogetherbatch;

import io.github.sparktogetherbatch.config.TogetherBatchOptions;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * Where a job is: a path (its manifest) or a list of batch ids. Parsed once from the options (or
 * from the catalog identifier Spark hands back), then carried by the table, which puts it back into
 * the options of its reads and writes.
 */
final class JobRef {
  static final String PATH_NAMESPACE = "path";
  static final String BATCH_NAMESPACE = "batch";

  /** The identifier's second namespace part, when the option responseSchema is given. */
  static final String SCHEMA_PREFIX = "responseSchema=";

  /** The job path, or null when the job is given by batch ids. */
  final String path;

  /** The option {@code batchId} as given (comma-separated), or null. */
  final String batchIds;

  /** Whether this is the job's batch view (option {@code view=batches}): one row per batch. */
  final boolean batchView;

  /**
   * The option {@code responseSchema} as given, or null. Carried in the identifier because Spark
   * loads a catalog's table by identifier alone, and the table's schema depends on it.
   */
  final String responseSchema;

  JobRef(String path, String batchIds) {
    this(path, batchIds, false, null);
  }

  JobRef(String path, String batchIds, boolean batchView, String responseSchema) {
    this.path = path;
    this.batchIds = batchIds;
    this.batchView = batchView;
    this.responseSchema = responseSchema;
  }

  static JobRef fromOptions(CaseInsensitiveStringMap options) {
    String path = options.get(TogetherBatchOptions.PATH.key());
    String ids = options.get(TogetherBatchOptions.BATCH_ID.key());
    if ((path == null || path.isEmpty()) && (ids == null || ids.isBlank())) {
      throw new TogetherConfigException(
          "No job path: use save(path) / load(path) with a "
              + "directory on any Hadoop filesystem, or, to read, the option 'batchId'.");
    }
    String view = options.get(TogetherBatchOptions.VIEW.key());
    String schema = options.get(TogetherBatchOptions.RESPONSE_SCHEMA.key());
    return new JobRef(
        path == null || path.isEmpty() ? null : path,
        ids,
        view != null && view.trim().equalsIgnoreCase(TogetherBatchOptions.VIEW_BATCHES),
        schema == null || schema.isBlank() ? null : schema);
  }

  static JobRef fromIdentifier(Identifier ident) {
    String[] ns = ident.namespace();
    boolean view = false;
    String schema = null;
    for (int i = 1; i < ns.length; i++) {
      if (TogetherBatchOptions.VIEW_BATCHES.equals(ns[i])) {
        view = true;
      } else if (ns[i].startsWith(SCHEMA_PREFIX)) {
        schema = ns[i].substring(SCHEMA_PREFIX.length());
      }
    }
    if (ns.length >= 1 && BATCH_NAMESPACE.equals(ns[0])) {
      return new JobRef(null, ident.name(), view, schema);
    }
    return new JobRef(ident.name(), null, view, schema);
  }

  Identifier toIdentifier() {
    List<String> ns = new ArrayList<>();
    ns.add(path != null ? PATH_NAMESPACE : BATCH_NAMESPACE);
    if (batchView) {
      ns.add(TogetherBatchOptions.VIEW_BATCHES);
    }
    if (responseSchema != null) {
      ns.add(SCHEMA_PREFIX + responseSchema);
    }
    return Identifier.of(ns.toArray(new String[0]), path != null ? path : batchIds.trim());
  }

  /** The options, with this job's path or batch ids where the options themselves lack them. */
  CaseInsensitiveStringMap addTo(CaseInsensitiveStringMap options) {
    Map<String, String> m = new HashMap<>(options.asCaseSensitiveMap());
    if (path != null && !options.containsKey(TogetherBatchOptions.PATH.key())) {
      m.put(TogetherBatchOptions.PATH.name(), path);
    }
    if (batchIds != null && !options.containsKey(TogetherBatchOptions.BATCH_ID.key())) {
      m.put(TogetherBatchOptions.BATCH_ID.name(), batchIds);
    }
    return new CaseInsensitiveStringMap(m);
  }

  @Override
  public String toString() {
    return (path != null ? path : "batches " + batchIds) + (batchView ? " (batch view)" : "");
  }
}
