package io.github.sparktogetherbatch.s3a;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An S3-compatible server for the tests: s3rver (installed by this module's build into {@code
 * target/s3rver}) run by Node.js on a free loopback port, its objects in a temporary folder, with
 * one bucket {@code bucket}. One per test JVM ({@link S3rverExtension}), stopped when the JVM's
 * tests end.
 */
public final class S3rver implements ExtensionContext.Store.CloseableResource {
  /** s3rver's built-in key pair. */
  static final String ACCESS_KEY = "S3RVER";

  static final String SECRET_KEY = "S3RVER";

  private final Process process; // null: a server started by hand (-Ds3rver.port=N)
  private final int port;

  private S3rver(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** The JVM's one server, started on first use. */
  static S3rver get(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(S3rver.class, k -> start(), S3rver.class);
  }

  private static S3rver start() {
    String byHand = System.getProperty("s3rver.port");
    if (byHand != null) {
      return new S3rver(null, Integer.parseInt(byHand));
    }
    String module = System.getProperty("s3rver.module");
    if (module == null || !Files.isDirectory(Paths.get(module))) {
      throw new IllegalStateException(
          "s3rver is not installed at "
              + module
              + ": run these tests through Maven (mvn -pl connector-s3a -am verify), which installs"
              + " it with npm");
    }
    try {
      Path data = Files.createTempDirectory("s3rver");
      Path launcher = data.resolveSibling(data.getFileName() + "-launch.js");
      try (InputStream in = S3rver.class.getResourceAsStream("/s3rver-launch.js")) {
        Files.copy(in, launcher);
      }
      Process p;
      try {
        p =
            new ProcessBuilder(
                    "node",
                    // s3rver makes list-v2 continuation tokens with DES, which OpenSSL 3 (Node 17
                    // and later) offers only with its legacy provider: without it every truncated
                    // listing fails with HTTP 500
                    "--openssl-legacy-provider",
                    launcher.toString(),
                    module,
                    data.resolve("objects").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
      } catch (IOException e) {
        throw new IllegalStateException(
            "Cannot run node (" + e.getMessage() + "): install Node.js 20 or later and npm", e);
      }
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      if (line == null || !line.startsWith("PORT ")) {
        p.destroyForcibly();
        throw new IllegalStateException("s3rver did not start (it printed " + line + ")");
      }
      return new S3rver(p, Integer.parseInt(line.substring(5).trim()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /**
   * The S3A settings for this server: what a user of any S3-compatible store sets (endpoint, path
   * style, credentials), plus what a plain-http local server needs (no TLS) and short retries.
   */
  public void configure(Configuration conf) {
    conf.set("fs.s3a.endpoint", endpoint());
    conf.set("fs.s3a.endpoint.region", "us-east-1");
    conf.setBoolean("fs.s3a.path.style.access", true);
    conf.setBoolean("fs.s3a.connection.ssl.enabled", false);
    conf.set(
        "fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    conf.set("fs.s3a.access.key", ACCESS_KEY);
    conf.set("fs.s3a.secret.key", SECRET_KEY);
    conf.setInt("fs.s3a.attempts.maximum", 2);
    conf.setInt("fs.s3a.retry.limit", 2);
    conf.set("fs.s3a.retry.interval", "100ms");
  }

  @Override
  public void close() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
