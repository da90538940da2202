package io.github.sparktogetherbatch.testing;

import io.github.sparktogetherbatch.config.WriteConfig;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/** Write options, schemas and rows for tests that encode without Spark. */
public final class WriteFixtures {
  private WriteFixtures() {}

  /** A parsed write config from option pairs, with a test key and path. */
  public static WriteConfig config(String... kv) {
    Map<String, String> cs = new HashMap<>();
    cs.put("apiKey", "k-test");
    cs.put("path", "/tmp/job");
    for (int i = 0; i < kv.length; i += 2) {
      cs.put(kv[i], kv[i + 1]);
    }
    Map<String, String> lower = new HashMap<>();
    cs.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
    return WriteConfig.parse(lower, cs, name -> null, null);
  }

  public static StructType schema(String ddl) {
    return StructType.fromDDL(ddl);
  }

  /** A row of the values, strings as UTF8String. */
  public static InternalRow row(Object... values) {
    Object[] v = new Object[values.length];
    for (int i = 0; i < values.length; i++) {
      v[i] = values[i] instanceof String ? UTF8String.fromString((String) values[i]) : values[i];
    }
    return new GenericInternalRow(v);
  }
}
