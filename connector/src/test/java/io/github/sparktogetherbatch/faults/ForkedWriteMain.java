package io.github.sparktogetherbatch.faults;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.sql.SparkSession;

/**
 * A Spark driver, run in its own JVM by {@link DriverCrashResumeTest}: writes {@code n} rows of
 * {@link FaultSupport#input} to a job path, as a scheduled job would. The API key comes from the
 * environment, the base URL from the session conf.
 *
 * <p>With {@code haltAfterCreated=k}, the JVM halts ({@code Runtime.halt}: no shutdown hook, no
 * clean-up, like a killed driver) the moment the connector logs the k-th "Created batch": Together
 * has created that batch and the job manifest does not record it yet.
 *
 * <p>Arguments: path, baseUrl, n, maxRequestsPerBatch, haltAfterCreated (0 = never), createsAtOnce.
 */
public final class ForkedWriteMain {
  private ForkedWriteMain() {}

  public static void main(String[] args) {
    String path = args[0];
    String baseUrl = args[1];
    long n = Long.parseLong(args[2]);
    String maxRequests = args[3];
    int haltAfter = Integer.parseInt(args[4]);
    String createsAtOnce = args[5];
    if (haltAfter > 0) {
      haltOnCreatedBatch(haltAfter);
    }
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("forked-write")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.datasource.together-batch.baseUrl", baseUrl)
            .getOrCreate();
    FaultSupport.input(spark, n, 2)
        .write()
        .format("together-batch")
        .option("model", FaultSupport.MODEL)
        .option("maxRequestsPerBatch", maxRequests)
        .option("createsAtOnce", createsAtOnce)
        // keep retrying whatever the emulator answers, until the test kills this JVM
        .option("maxRetries", "1000")
        .option("retryTimeout", "10m")
        .save(path);
    spark.stop();
    System.out.println("WRITE FINISHED");
  }

  private static void haltOnCreatedBatch(int k) {
    AtomicInteger created = new AtomicInteger();
    AbstractAppender hook =
        new AbstractAppender("halt-hook", null, null, true, Property.EMPTY_ARRAY) {
          @Override
          public void append(LogEvent event) {
            String msg = event.getMessage().getFormattedMessage();
            if (msg.startsWith("Created batch ") && created.incrementAndGet() == k) {
              System.out.println("HALTING after: " + msg);
              System.out.flush();
              Runtime.getRuntime().halt(137);
            }
          }
        };
    hook.start();
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    ctx.getConfiguration().getRootLogger().addAppender(hook, Level.ALL, null);
    ctx.updateLoggers();
  }
}
