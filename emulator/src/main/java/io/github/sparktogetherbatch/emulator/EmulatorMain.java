package io.github.sparktogetherbatch.emulator;

import java.io.PrintStream;
import java.nio.file.Paths;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the emulator standalone: {@code java -jar together-emulator.jar --port 8090 [--host H]
 * [--api-key K] [--requests-per-second N] [--validating-millis M] [--data-dir D]
 * [--null-empty-batch-list] [--no-serve-input-files] [--md5-etags]}. Prints {@code Together
 * emulator listening on <baseUrl>} as its first line and runs until killed.
 */
public final class EmulatorMain {
  private EmulatorMain() {}

  static final String USAGE =
      String.join(
          "\n",
          "Usage: java -jar together-emulator.jar [options]",
          "",
          "A local emulator of Together AI's Files and Batches API.",
          "",
          "Options:",
          "  --port N                  TCP port (default 8090; 0 picks a free port)",
          "  --host H                  address to bind (default 127.0.0.1)",
          "  --api-key K               accept only this bearer token (default: any non-empty token)",
          "  --requests-per-second N   batch processing speed per batch (default 0 = unlimited)",
          "  --validating-millis M     minimum time a batch stays VALIDATING (default 0)",
          "  --data-dir D              parent directory for data (default: system temp dir)",
          "  --null-empty-batch-list   answer GET /v1/batches with null instead of [] when empty",
          "  --no-serve-input-files    answer 404 for the content of batch-api input files",
          "  --md5-etags               answer an upload's MD5 as its ETag (default: a checksum)",
          "  --help                    print this help",
          "",
          "The API is under http://<host>:<port>/v1; the control surface under /_emulator/.");

  /** Entry point. */
  public static void main(String[] args) throws InterruptedException {
    EmulatorOptions options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    if (options == null) {
      System.out.println(USAGE);
      return;
    }
    TogetherEmulator emulator = TogetherEmulator.start(options);
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  emulator.close();
                  stop.countDown();
                },
                "together-emulator-shutdown"));
    PrintStream out = System.out;
    out.println("Together emulator listening on " + emulator.baseUrl());
    out.flush();
    stop.await();
  }

  /** Parses arguments; returns null for --help. */
  static EmulatorOptions parse(String[] args) {
    EmulatorOptions.Builder b = EmulatorOptions.builder().port(8090);
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        value = a.substring(eq + 1);
        a = a.substring(0, eq);
      }
      switch (a) {
        case "--help":
        case "-h":
          return null;
        case "--null-empty-batch-list":
          b.nullEmptyBatchList(true);
          continue;
        case "--no-serve-input-files":
          b.serveInputFiles(false);
          continue;
        case "--md5-etags":
          b.md5ETags(true);
          continue;
        default:
          break;
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("missing value for " + a);
        }
        value = args[++i];
      }
      try {
        switch (a) {
          case "--port":
            b.port(Integer.parseInt(value));
            break;
          case "--host":
            b.host(value);
            break;
          case "--api-key":
            b.apiKey(value);
            break;
          case "--requests-per-second":
            b.requestsPerSecond(Double.parseDouble(value));
            break;
          case "--validating-millis":
            b.validatingMillis(Long.parseLong(value));
            break;
          case "--data-dir":
            b.dataDir(Paths.get(value));
            break;
          default:
            throw new IllegalArgumentException("unknown option " + a);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("invalid value for " + a + ": " + value);
      }
    }
    return b.build();
  }
}
