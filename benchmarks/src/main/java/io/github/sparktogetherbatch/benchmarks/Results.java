package io.github.sparktogetherbatch.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.apache.spark.sql.Row;

/** Samples of one harness run, and the Markdown table made of them. */
final class Results {
  private final Map<String, List<Double>> samples = new LinkedHashMap<>();
  final List<ScaleChild.Result> small = new ArrayList<>();
  final List<ScaleChild.Result> big = new ArrayList<>();
  final List<ScaleChild.Result> s2Small = new ArrayList<>();
  final List<ScaleChild.Result> s2Big = new ArrayList<>();
  EmulatorRates.E2 e2;
  ScaleChild.Result m1;
  String setup;
  double promptChars;
  long baselineBytes;
  long resultBytes;
  double totalSeconds;
  List<Row> r1Connector;
  List<Row> r1Baseline;

  void add(String key, double value) {
    samples.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    Bench.log(String.format(Locale.ROOT, "  %-10s %8.2f", key, value));
  }

  List<Double> get(String key) {
    return samples.getOrDefault(key, List.of());
  }

  /** Element-wise a[i] / b[i]. */
  static List<Double> ratios(List<Double> a, List<Double> b) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      out.add(a.get(i) / b.get(i));
    }
    return out;
  }

  static double median(List<Double> v) {
    double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (s.length == 0) {
      return Double.NaN;
    }
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  static String stat(List<Double> v, String fmt, String unit) {
    if (v.isEmpty()) {
      return "n/a";
    }
    double min = v.stream().mapToDouble(Double::doubleValue).min().getAsDouble();
    double max = v.stream().mapToDouble(Double::doubleValue).max().getAsDouble();
    return String.format(
        Locale.ROOT, fmt + "%s (" + fmt + "–" + fmt + ")", median(v), unit, min, max);
  }

  static String verdict(List<Double> ratios, double target) {
    if (ratios.isEmpty()) {
      return "n/a";
    }
    double m = median(ratios);
    return m <= target
        ? "**met**"
        : String.format(Locale.ROOT, "**missed** by %.0f%%", (m / target - 1) * 100);
  }

  static List<Double> of(List<ScaleChild.Result> rs, ToDoubleFunction<ScaleChild.Result> f) {
    List<Double> out = new ArrayList<>();
    for (ScaleChild.Result r : rs) {
      if (r.ok()) {
        out.add(f.applyAsDouble(r));
      }
    }
    return out;
  }

  /** W1, W2 and R1 of one emulator setup, as a table; nothing if the setup has no samples. */
  private void workloadTable(StringBuilder sb, Args a, String setupName) {
    String k = setupName.equals(EmulatorSetup.STANDALONE) ? ".sa" : "";
    boolean sa = !k.isEmpty();
    if (get("W1" + k).isEmpty() && get("W2" + k).isEmpty() && get("R1" + k).isEmpty()) {
      return;
    }
    sb.append(
            sa
                ? "**Standalone emulator** (`java -jar emulator/target/together-emulator.jar`,"
                    + " its own JVM, default options: checksum ETags, default heap):\n\n"
                : "**In-process emulator** (in the harness JVM, no MD5 ETags):\n\n")
        .append(
            "| workload | target | ratio: median (min–max) | connector s | baseline s | "
                + "verdict |\n|---|---|---|---|---|---|\n");
    String rows = String.format(Locale.ROOT, "%,d", a.rows);
    row(
        sb,
        "W1 write "
            + rows
            + " rows: full write (encode, stage, upload, create batches, manifest)"
            + " vs `to_json` + `write.text`",
        sa ? 1.0 : 1.2,
        get("W1" + k),
        get("W.base"));
    row(
        sb,
        "W2 encode + stage only (`dryRun`) vs the same baseline",
        1.0,
        get("W2" + k),
        get("W.base"));
    row(
        sb,
        "R1 read "
            + rows
            + " results (download, decode, reconcile) + aggregate vs"
            + " `spark.read.schema(...).json` of local copies",
        sa ? 0.8 : 1.0,
        get("R1" + k),
        get("R.base"));
    sb.append('\n');
  }

  private static void row(
      StringBuilder sb, String what, double target, List<Double> mine, List<Double> base) {
    if (mine.isEmpty()) {
      return;
    }
    List<Double> r = ratios(mine, base);
    sb.append("| ")
        .append(what)
        .append(String.format(Locale.ROOT, " | ≤ %.1f× | ", target))
        .append(stat(r, "%.2f", "×"))
        .append(" | ")
        .append(stat(mine, "%.1f", ""))
        .append(" | ")
        .append(stat(base, "%.1f", ""))
        .append(" | ")
        .append(verdict(r, target))
        .append(" |\n");
  }

  String markdown(Args a) {
    StringBuilder sb = new StringBuilder();
    sb.append("## Results\n\n")
        .append(setup)
        .append(String.format(Locale.ROOT, "; whole harness %.1f min.\n\n", totalSeconds / 60));
    sb.append(
            "Ratios are connector time / baseline time of the same run (baseline and connector "
                + "alternate, order flipped every run); median of ")
        .append(a.runs)
        .append(" runs, min–max in brackets. Absolute seconds are for scale only.\n\n");
    for (String setupName : a.emulators) {
      workloadTable(sb, a, setupName);
    }
    if ((!small.isEmpty() && !big.isEmpty()) || m1 != null) {
      sb.append(
          "M1/S1 (child JVMs, in-process emulator):\n\n| workload | target | ratio: median (min–max)"
              + " | connector s | baseline s | verdict |\n|---|---|---|---|---|---|\n");
    }
    if (!small.isEmpty() && !big.isEmpty()) {
      String sizes = String.format(Locale.ROOT, "%,d vs %,d rows", a.scaleBig, a.scaleSmall);
      List<Double> sw = ratios(of(big, r -> r.writeSeconds), of(small, r -> r.writeSeconds));
      List<Double> sr = ratios(of(big, r -> r.readSeconds), of(small, r -> r.readSeconds));
      List<Double> mr = ratios(of(big, r -> r.rssPeakMb), of(small, r -> r.rssPeakMb));
      sb.append("| S1 write scaling, ")
          .append(sizes)
          .append(" (child JVM, -Xmx768m) | ≤ 4.4× | ")
          .append(stat(sw, "%.2f", "×"))
          .append(" | ")
          .append(stat(of(big, r -> r.writeSeconds), "%.1f", ""))
          .append(" | ")
          .append(stat(of(small, r -> r.writeSeconds), "%.1f", ""))
          .append(" | ")
          .append(verdict(sw, 4.4))
          .append(" |\n");
      sb.append("| S1 read scaling, ")
          .append(sizes)
          .append(" (child JVM, -Xmx768m) | ≤ 4.4× | ")
          .append(stat(sr, "%.2f", "×"))
          .append(" | ")
          .append(stat(of(big, r -> r.readSeconds), "%.1f", ""))
          .append(" | ")
          .append(stat(of(small, r -> r.readSeconds), "%.1f", ""))
          .append(" | ")
          .append(verdict(sr, 4.4))
          .append(" |\n");
      sb.append("| M1 peak RSS (VmHWM), ")
          .append(sizes)
          .append(", write + read, -Xmx768m | ≤ " + "1.15× | ")
          .append(stat(mr, "%.2f", "×"))
          .append(" | ")
          .append(stat(of(big, r -> r.rssPeakMb), "%.0f", " MB"))
          .append(" | ")
          .append(stat(of(small, r -> r.rssPeakMb), "%.0f", " MB"))
          .append(" | ")
          .append(verdict(mr, 1.15))
          .append(" |\n");
    }
    if (m1 != null) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| M1 write + read of %,d rows, whole JVM -Xmx768m | "
                  + "no error | – | %s | – | %s |\n",
              m1.rows,
              m1.ok()
                  ? String.format(
                      Locale.ROOT,
                      "write %.1f, read %.1f; peak RSS %d MB, peak heap %d MB",
                      m1.writeSeconds,
                      m1.readSeconds,
                      m1.rssPeakMb,
                      m1.heapPeakMb)
                  : m1.error,
              m1.ok() ? "**met**" : "**missed**"));
    }
    List<Double> proc = get("E1.process");
    if (a.any("E1") && (!proc.isEmpty() || !get("E1.upMBs").isEmpty())) {
      List<Double> rate = new ArrayList<>();
      for (double s : proc) {
        rate.add(a.rows / s);
      }
      sb.append("\n**E1, the emulator** (in the harness JVM, unlimited speed): processes ")
          .append(stat(rate, "%,.0f", " requests/s"))
          .append(
              " (each W1 write's batches; they "
                  + "stay VALIDATING for "
                  + Bench.VALIDATING_MILLIS / 1000
                  + " s first, so that this "
                  + "work, Together's servers' in real life, stays out of W1's time); takes uploads at ")
          .append(stat(get("E1.upMBs"), "%.0f", " MB/s"))
          .append(" (with S3-style MD5 ETags, not used in this benchmark: ")
          .append(stat(get("E1.upMd5MBs"), "%.0f", " MB/s"))
          .append(")")
          .append(" and serves downloads at ")
          .append(stat(get("E1.downMBs"), "%.0f", " MB/s"))
          .append(" (the connector's own client, loopback, one " + "stream).");
      double up = median(get("E1.upMBs"));
      double down = median(get("E1.downMBs"));
      if (baselineBytes > 0 && !Double.isNaN(up) && !get("W1").isEmpty()) {
        double upS = baselineBytes / 1e6 / up;
        sb.append(
            String.format(
                Locale.ROOT,
                " Uploading W1's %.0f MB at that rate takes %.1f s, "
                    + "%.0f%% of W1's median time",
                baselineBytes / 1e6,
                upS,
                100 * upS / median(get("W1"))));
        if (resultBytes > 0 && !Double.isNaN(down) && !get("R1").isEmpty()) {
          double downS = (resultBytes + baselineBytes) / 1e6 / down;
          sb.append(
              String.format(
                  Locale.ROOT,
                  "; downloading R1's %.0f MB of result and input "
                      + "files takes %.1f s, %.0f%% of R1's median time",
                  (resultBytes + baselineBytes) / 1e6,
                  downS,
                  100 * downS / median(get("R1"))));
        }
        sb.append('.');
      }
      sb.append('\n');
    }
    ScaleReport.s2(sb, this, a);
    ScaleReport.e2(sb, e2);
    if (promptChars > 0) {
      sb.append(
          String.format(
              Locale.ROOT,
              "\nInput: prompts of %.0f characters on average; "
                  + "request lines %,d bytes in all (%.0f per line); result files %,d bytes.\n",
              promptChars,
              baselineBytes,
              (double) baselineBytes / a.rows,
              resultBytes));
    }
    if (r1Connector != null) {
      sb.append("R1 aggregate (connector = baseline): ").append(r1Connector).append('\n');
    }
    if (!small.isEmpty() || !big.isEmpty()) {
      sb.append(
          "\nChild JVM runs (M1/S1; live heap = heap used after a full GC at the end of "
              + "the write, and of the read):\n\n| rows | write s | emulator s (untimed) | read s | "
              + "peak RSS after write MB | peak RSS MB | peak heap MB | live heap MB |\n"
              + "|---|---|---|---|---|---|---|---|\n");
      List<ScaleChild.Result> all = new ArrayList<>();
      if (m1 != null) {
        all.add(m1);
      }
      all.addAll(small);
      all.addAll(big);
      for (ScaleChild.Result r : all) {
        if (r.ok()) {
          sb.append(
              String.format(
                  Locale.ROOT,
                  "| %,d | %.1f | %.1f | %.1f | %d | %d | %d | %d, %d |\n",
                  r.rows,
                  r.writeSeconds,
                  r.processSeconds,
                  r.readSeconds,
                  r.rssAfterWriteMb,
                  r.rssPeakMb,
                  r.heapPeakMb,
                  r.liveAfterWriteMb,
                  r.liveAfterReadMb));
        } else {
          sb.append(
              String.format(Locale.ROOT, "| %,d | failed: %s | | | | | | |\n", r.rows, r.error));
        }
      }
    }
    sb.append("\nRaw samples (s): ");
    for (Map.Entry<String, List<Double>> e : samples.entrySet()) {
      sb.append(e.getKey())
          .append(' ')
          .append(
              Arrays.toString(
                  e.getValue().stream().map(d -> String.format(Locale.ROOT, "%.2f", d)).toArray()))
          .append("; ");
    }
    sb.append('\n');
    return sb.toString();
  }
}
