package io.github.sparktogetherbatch.benchmarks;

import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.client.TogetherClientConfig;
import io.github.sparktogetherbatch.emulator.EmulatorOptions;
import io.github.sparktogetherbatch.emulator.TogetherEmulator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** E1: the emulator's upload and download throughput, with the connector's own HTTP client. */
final class Throughput {
  private Throughput() {}

  /** Upload and download throughput of the emulator, with the connector's own HTTP client. */
  static void measure(Path work, String baseUrl, Path job, int runs, Results results)
      throws IOException {
    List<String[]> batches = Workloads.manifestBatches(job);
    Path big = work.resolve("e1-upload.jsonl");
    // About 80 MB of request lines: five input files of the R1 job, concatenated.
    try (OutputStream out = Files.newOutputStream(big)) {
      for (int i = 0; i < Math.min(5, batches.size()); i++) {
        Path part = work.resolve("e1-part.jsonl");
        Workloads.download(baseUrl, batches.get(i)[1], part);
        Files.copy(part, out);
        Files.delete(part);
      }
    }
    long size = Files.size(big);
    TogetherClientConfig cfg =
        TogetherClientConfig.builder().baseUrl(baseUrl).apiKey(Workloads.API_KEY).build();
    Map<String, String> outputs = new LinkedHashMap<>();
    for (com.fasterxml.jackson.databind.JsonNode b : Workloads.state(baseUrl).path("batches")) {
      outputs.put(b.path("id").asText(), b.path("output_file_id").asText());
    }
    try (TogetherEmulator md5 =
            TogetherEmulator.start(EmulatorOptions.builder().dataDir(work).md5ETags(true).build());
        TogetherClient client =
            new TogetherClient(
                TogetherClientConfig.builder()
                    .baseUrl(md5.baseUrl())
                    .apiKey(Workloads.API_KEY)
                    .build())) {
      for (int i = 0; i < runs; i++) {
        long t0 = System.nanoTime();
        client.uploadFile(big, "e1-upload.jsonl");
        results.add("E1.upMd5MBs", size / 1e6 / ((System.nanoTime() - t0) / 1e9));
      }
    }
    try (TogetherClient client = new TogetherClient(cfg)) {
      for (int i = 0; i < runs; i++) {
        long t0 = System.nanoTime();
        String id = client.uploadFile(big, "e1-upload.jsonl").id();
        double s = (System.nanoTime() - t0) / 1e9;
        results.add("E1.upMBs", size / 1e6 / s);
        client.deleteQuietly(id);
        long bytes = 0;
        t0 = System.nanoTime();
        for (int j = 0; j < Math.min(3, batches.size()); j++) {
          try (InputStream in = client.openFileContent(outputs.get(batches.get(j)[0]))) {
            byte[] buf = new byte[64 * 1024];
            int r;
            while ((r = in.read(buf)) >= 0) {
              bytes += r;
            }
          }
        }
        s = (System.nanoTime() - t0) / 1e9;
        results.add("E1.downMBs", bytes / 1e6 / s);
      }
    }
    Files.delete(big);
  }
}
