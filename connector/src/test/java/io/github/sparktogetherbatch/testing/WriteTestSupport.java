package io.github.sparktogetherbatch.testing;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.client.TogetherClientConfig;
import io.github.sparktogetherbatch.manifest.HadoopConfs;
import io.github.sparktogetherbatch.manifest.JobManifest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Shared helpers of the writer's tests against the emulator. */
public final class WriteTestSupport {
  public static final String MODEL = "emulator/echo";
  public static final ObjectMapper JSON = new ObjectMapper();

  private WriteTestSupport() {}

  /** A write to the emulator with the test key and model. */
  public static DataFrameWriter<Row> writer(Dataset<Row> df, EmulatorExtension emu) {
    return df.write()
        .format("together-batch")
        .option("apiKey", EmulatorExtension.TEST_API_KEY)
        .option("baseUrl", emu.baseUrl())
        .option("model", MODEL);
  }

  public static TogetherClient client(EmulatorExtension emu) {
    return new TogetherClient(
        TogetherClientConfig.builder()
            .baseUrl(emu.baseUrl())
            .apiKey(EmulatorExtension.TEST_API_KEY)
            .build());
  }

  public static Optional<JobManifest> manifest(SparkSession spark, String path) {
    return JobManifest.read(path, HadoopConfs.forSession(spark));
  }

  /** The emulator's batch input files (purpose batch-api). */
  public static List<JsonNode> inputFiles(EmulatorExtension emu) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode f : emu.emulator().state().path("files")) {
      if ("batch-api".equals(f.path("purpose").asText())) {
        out.add(f);
      }
    }
    return out;
  }

  public static List<JsonNode> batches(EmulatorExtension emu) {
    List<JsonNode> out = new ArrayList<>();
    emu.emulator().state().path("batches").forEach(out::add);
    return out;
  }

  /** Every line of a file, as JSON. */
  public static List<JsonNode> lines(TogetherClient client, String fileId) {
    List<JsonNode> out = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(client.openFileContent(fileId), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        out.add(JSON.readTree(line));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The first throwable of {@code type} in the cause chain (Spark wraps executor errors). */
  public static <T extends Throwable> T causeOf(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    assertNotNull(null, "no " + type.getSimpleName() + " in the cause chain of " + t);
    return null;
  }

  /**
   * Waits until no task runs on any executor: after a failed job, Spark kills the tasks still
   * running without waiting for them, and a killed task deletes its own staged and uploaded files
   * (its abort and close) only once it stops. Checks of what a failed write left run after this.
   */
  public static void awaitNoRunningTasks(SparkSession spark) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      int running = 0;
      for (org.apache.spark.SparkExecutorInfo e :
          spark.sparkContext().statusTracker().getExecutorInfos()) {
        running += e.numRunningTasks();
      }
      if (running == 0) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    throw new AssertionError("tasks still running 60 s after the job ended");
  }

  /** Every message in the cause chain, joined. */
  public static String messages(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c.getClass().getName()).append(": ").append(c.getMessage()).append('\n');
    }
    return sb.toString();
  }
}
