package io.github.sparktogetherbatch.config;

import static io.github.sparktogetherbatch.config.TogetherBatchOptions.BATCH_ID;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.PATH;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.POLL_INTERVAL;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.WAIT;
import static io.github.sparktogetherbatch.config.TogetherBatchOptions.WAIT_TIMEOUT;

import io.github.sparktogetherbatch.client.TogetherClientConfig;
import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The read side's options, parsed and checked once on the driver. */
public final class ReadConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  private final TogetherClientConfig client;
  private final String path;
  private final List<String> batchIds;
  private final boolean waitForCompletion;
  private final long pollIntervalMillis;
  private final long waitTimeoutMillis;

  private ReadConfig(TogetherClientConfig client, Map<String, String> o) {
    this.client = client;
    this.path = ClientSettings.get(o, PATH);
    String ids = ClientSettings.get(o, BATCH_ID);
    List<String> parsed = new ArrayList<>();
    if (ids != null) {
      for (String id : ids.split(",")) {
        if (!id.isBlank()) {
          parsed.add(id.trim());
        }
      }
    }
    this.batchIds = new ArrayList<>(new LinkedHashSet<>(parsed));
    if (path == null && batchIds.isEmpty()) {
      throw new TogetherConfigException(
          "Nothing to read: give the job path to load(path), or the "
              + "option 'batchId' with one or more comma-separated batch ids.");
    }
    this.waitForCompletion = OptionParsers.bool(WAIT.name(), ClientSettings.orDefault(o, WAIT));
    Duration poll =
        OptionParsers.duration(POLL_INTERVAL.name(), ClientSettings.orDefault(o, POLL_INTERVAL));
    if (poll.toMillis() < 1) {
      throw new TogetherConfigException(
          "Option 'pollInterval' must be at least 1ms (Together "
              + "advises 30s to 60s); got '"
              + o.get(POLL_INTERVAL.key())
              + "'.");
    }
    this.pollIntervalMillis = poll.toMillis();
    this.waitTimeoutMillis =
        OptionParsers.duration(WAIT_TIMEOUT.name(), ClientSettings.orDefault(o, WAIT_TIMEOUT))
            .toMillis();
  }

  /** Parses the read options ({@code options}: lower-case keys, a CaseInsensitiveStringMap). */
  public static ReadConfig parse(
      Map<String, String> options, Function<String, String> env, String sparkVersion) {
    TogetherBatchOptions.checkNames(options);
    return new ReadConfig(ClientSettings.fromOptions(options, env, sparkVersion), options);
  }

  public TogetherClientConfig client() {
    return client;
  }

  /** The job path, or null when reading by batch id. */
  public String path() {
    return path;
  }

  /** Batch ids given with the option batchId (may be empty when a path is given). */
  public List<String> batchIds() {
    return Collections.unmodifiableList(batchIds);
  }

  public boolean waitForCompletion() {
    return waitForCompletion;
  }

  public Duration pollInterval() {
    return Duration.ofMillis(pollIntervalMillis);
  }

  public Duration waitTimeout() {
    return Duration.ofMillis(waitTimeoutMillis);
  }

  @Override
  public String toString() {
    return "ReadConfig{path="
        + path
        + ", batchIds="
        + batchIds
        + ", wait="
        + waitForCompletion
        + ", pollInterval="
        + pollIntervalMillis
        + "ms, waitTimeout="
        + waitTimeoutMillis
        + "ms, "
        + client
        + "}";
  }
}
