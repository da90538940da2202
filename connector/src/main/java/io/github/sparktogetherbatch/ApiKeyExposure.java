package io.github.sparktogetherbatch;

import io.github.sparktogetherbatch.config.TogetherBatchOptions;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Keeps the API key out of what Spark itself shows: adds {@code apiKey} to the redaction of plan
 * options, and warns (without the value) when the key sits in the Spark configuration. Run on the
 * driver each time the source resolves its catalog.
 */
final class ApiKeyExposure {
  private static final Logger LOG = LoggerFactory.getLogger(ApiKeyExposure.class);

  static final String REDACTION_CONF = "spark.sql.redaction.options.regex";

  private ApiKeyExposure() {}

  /** Spark contexts and sessions already warned about (weak: they come and go in tests). */
  private static final Map<Object, Boolean> WARNED =
      Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * Warns, without the value, when the API key sits where Spark itself shows it:
   *
   * <ul>
   *   <li>in the start-up Spark configuration ({@code --conf
   *       spark.datasource.together-batch.apiKey=...}, spark-defaults.conf) while {@code
   *       spark.redaction.regex} does not cover the name (the default, {@code
   *       (?i)secret|password|token|access[.]?key}, does not): the UI's Environment tab and the
   *       event log show it. Spark records it before any data source runs.
   *   <li>set at run time ({@code spark.conf.set(...)}): Spark copies every session configuration
   *       into the properties of each job it runs, and its event log records those without any
   *       redaction.
   * </ul>
   *
   * Once per Spark context and once per session.
   */
  static void warnIfInSparkConf(SparkSession spark) {
    try {
      String prefix = "spark.datasource." + TogetherBatchOptions.SHORT_NAME + ".";
      SparkConf conf = spark.sparkContext().getConf();
      String regex = conf.get("spark.redaction.regex", "(?i)secret|password|token|access[.]?key");
      Pattern redaction = Pattern.compile(regex);
      boolean inStartupConf = false;
      for (Tuple2<String, String> kv : conf.getAllWithPrefix(prefix)) {
        if (kv._1().equalsIgnoreCase(TogetherBatchOptions.API_KEY.name())) {
          inStartupConf = true;
          String name = prefix + kv._1();
          if (!redaction.matcher(name).find() && WARNED.put(spark.sparkContext(), true) == null) {
            LOG.warn(
                "The Together API key is in the Spark configuration as '{}', which "
                    + "spark.redaction.regex does not cover: Spark shows its value in the UI's "
                    + "Environment tab and writes it to the event log. Give the key as the environment "
                    + "variable {} or the option 'apiKey' instead, or add apikey to "
                    + "spark.redaction.regex, e.g. --conf "
                    + "spark.redaction.regex='(?i)secret|password|token|access[.]?key|apikey'.",
                name,
                TogetherBatchOptions.API_KEY_ENV);
          }
        }
      }
      if (inStartupConf) {
        return;
      }
      for (String key :
          new String[] {
            prefix + TogetherBatchOptions.API_KEY.name(),
            prefix + TogetherBatchOptions.API_KEY.name().toLowerCase(Locale.ROOT)
          }) {
        String v = spark.conf().get(key, null);
        if (v != null && !v.isEmpty() && WARNED.put(spark, true) == null) {
          LOG.warn(
              "The Together API key is set as the session configuration '{}' at run time: "
                  + "Spark copies session configurations into the properties of every job it runs, "
                  + "which its event log (and any SparkListener) records unredacted. Give the key as "
                  + "the environment variable {} or the option 'apiKey' instead, or in the start-up "
                  + "configuration together with spark.redaction.regex covering apikey.",
              key,
              TogetherBatchOptions.API_KEY_ENV);
        }
      }
    } catch (RuntimeException e) {
      LOG.debug("Could not check the Spark configuration for the API key: {}", e.toString());
    }
  }

  /**
   * Spark prints data source options in plans (explain, the SQL tab, the event log), redacting the
   * keys that match {@code spark.sql.redaction.options.regex}; the default ("url") does not cover
   * {@code apiKey}, so it is added here.
   */
  static void protectInPlans(SparkSession spark) {
    String current = spark.conf().get(REDACTION_CONF, "(?i)url");
    boolean covered;
    try {
      covered = Pattern.compile(current).matcher("apiKey").find();
    } catch (PatternSyntaxException e) {
      covered = false;
    }
    if (!covered) {
      spark
          .conf()
          .set(
              REDACTION_CONF,
              current == null || current.isEmpty()
                  ? "(?i)apikey"
                  : "(?:" + current + ")|(?i)apikey");
    }
  }
}
