package io.github.sparktogetherbatch.s3a;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class the JVM's {@link S3rver} ({@code @RegisterExtension static final
 * S3rverExtension S3 = new S3rverExtension();}), started before the first class that asks.
 */
final class S3rverExtension implements BeforeAllCallback {
  private S3rver server;

  @Override
  public void beforeAll(ExtensionContext context) {
    server = S3rver.get(context);
  }

  /** Sets the S3A options that reach the server ({@link S3rver#configure}). */
  void configure(Configuration conf) {
    server.configure(conf);
  }
}
