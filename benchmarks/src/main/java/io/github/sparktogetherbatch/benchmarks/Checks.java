package io.github.sparktogetherbatch.benchmarks;

import static io.github.sparktogetherbatch.benchmarks.Bench.log;

import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.client.TogetherClientConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/** What the harness checks and cleans between timed runs (never timed itself). */
final class Checks {
  private Checks() {}

  /** Deletes a job's input and result files from the emulator (not timed). */
  static void deleteJobFiles(String baseUrl, Path job) throws IOException {
    Map<String, com.fasterxml.jackson.databind.JsonNode> byId = new LinkedHashMap<>();
    for (com.fasterxml.jackson.databind.JsonNode b : Workloads.state(baseUrl).path("batches")) {
      byId.put(b.path("id").asText(), b);
    }
    TogetherClientConfig cfg =
        TogetherClientConfig.builder().baseUrl(baseUrl).apiKey(Workloads.API_KEY).build();
    try (TogetherClient client = new TogetherClient(cfg)) {
      for (String[] b : Workloads.manifestBatches(job)) {
        com.fasterxml.jackson.databind.JsonNode st = byId.get(b[0]);
        client.deleteQuietly(b[1]);
        client.deleteQuietly(st.path("output_file_id").asText());
        client.deleteQuietly(st.path("error_file_id").asText());
      }
    }
  }

  /** The connector's uploaded input files hold exactly the baseline's lines. */
  static void identicalLines(String baseUrl, Path job, Path baselineDir) throws IOException {
    List<String> mine = new ArrayList<>();
    Path tmp = Files.createTempFile(baselineDir.getParent(), "input", ".jsonl");
    for (String[] b : Workloads.manifestBatches(job)) {
      Workloads.download(baseUrl, b[1], tmp);
      mine.addAll(Files.readAllLines(tmp));
    }
    Files.delete(tmp);
    List<String> theirs = new ArrayList<>();
    try (var s = Files.list(baselineDir)) {
      for (Path p :
          (Iterable<Path>)
              s.filter(p -> p.getFileName().toString().startsWith("part-"))::iterator) {
        theirs.addAll(Files.readAllLines(p));
      }
    }
    mine.sort(null);
    theirs.sort(null);
    if (!mine.equals(theirs)) {
      String a = mine.isEmpty() ? "(none)" : mine.get(0);
      String b = theirs.isEmpty() ? "(none)" : theirs.get(0);
      throw new IllegalStateException(
          "The connector's request lines differ from the baseline's ("
              + mine.size()
              + " vs "
              + theirs.size()
              + " lines); first lines:\n"
              + a
              + "\n"
              + b);
    }
    log(
        "Check: the connector's "
            + mine.size()
            + " request lines are byte-identical to Spark's "
            + "to_json lines");
  }

  static void sameAggregates(List<Row> connector, List<Row> baseline) {
    if (!connector.toString().equals(baseline.toString())) {
      throw new IllegalStateException(
          "R1 aggregates differ: connector " + connector + ", baseline " + baseline);
    }
  }
}
