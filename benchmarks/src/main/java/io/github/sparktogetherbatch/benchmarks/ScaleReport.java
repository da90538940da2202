package io.github.sparktogetherbatch.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The Markdown of S2 (10× rows in -Xmx1g) and E2 (the standalone emulator's rates). */
final class ScaleReport {
  private ScaleReport() {}

  static void s2(StringBuilder sb, Results r, Args a) {
    if (r.s2Small.isEmpty() && r.s2Big.isEmpty()) {
      return;
    }
    List<Double> total =
        Results.ratios(
            Results.of(r.s2Big, x -> x.writeSeconds + x.readSeconds),
            Results.of(r.s2Small, x -> x.writeSeconds + x.readSeconds));
    sb.append(
            String.format(
                Locale.ROOT,
                "\n**S2, scale** (child JVM `-Xmx%s` for driver and executors, `local[2]`, the"
                    + " standalone emulator): write + read of %,d rows against %,d: ",
                a.s2Heap,
                10 * a.rows,
                a.rows))
        .append(Results.stat(total, "%.2f", "×"))
        .append(" (target ≤ 10.5×: ")
        .append(Results.verdict(total, 10.5))
        .append(").\n\n")
        .append(
            "Phases in seconds: the write before its Spark job (preflight), its tasks (encode,"
                + " stage, upload), after (driver commit: duplicate-id merge, batch creates,"
                + " manifest); the emulator's processing (untimed); the read before its job"
                + " (manifest, status polls, planning), its tasks (download, decode, reconcile,"
                + " aggregate), after. Live heap: heap used after a full GC, after the commit and"
                + " after the read.\n\n"
                + "| rows | write s | preflight | tasks | commit | emulator s | read s | before job"
                + " | tasks | after | peak heap MB | live heap after commit, after read MB |"
                + " peak RSS MB |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    List<ScaleChild.Result> all = new ArrayList<>(r.s2Small);
    all.addAll(r.s2Big);
    for (ScaleChild.Result x : all) {
      if (!x.ok()) {
        sb.append(String.format(Locale.ROOT, "| %,d | failed: %s |\n", x.rows, x.error));
        continue;
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "| %,d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %d | %d, %d |"
                  + " %d |\n",
              x.rows,
              x.writeSeconds,
              x.writeSpans[0],
              x.writeSpans[1],
              x.writeSpans[2],
              x.processSeconds,
              x.readSeconds,
              x.readSpans[0],
              x.readSpans[1],
              x.readSpans[2],
              x.heapPeakMb,
              x.liveAfterWriteMb,
              x.liveAfterReadMb,
              x.rssPeakMb));
    }
  }

  static void e2(StringBuilder sb, EmulatorRates.E2 e2) {
    if (e2 == null) {
      return;
    }
    List<Double> ok = new ArrayList<>();
    for (int n : e2.pollOk) {
      ok.add((double) n);
    }
    sb.append(
            "\n**E2, the standalone emulator** (`java -jar together-emulator.jar`, default options:"
                + " checksum ETags; the connector's own client over loopback, one stream, after two"
                + " warm-up uploads): uploads ")
        .append(Results.stat(e2.upMBs, "%.0f", " MB/s"))
        .append(
            String.format(Locale.ROOT, " (a %,d-byte file; target ≥ 500 MB/s: ", e2.uploadBytes))
        .append(Results.median(e2.upMBs) >= 500 ? "**met**" : "**missed**")
        .append("), downloads ")
        .append(Results.stat(e2.downMBs, "%.0f", " MB/s"))
        .append(" (target ≥ 1,000 MB/s: ")
        .append(Results.median(e2.downMBs) >= 1000 ? "**met**" : "**missed**")
        .append(
            String.format(
                Locale.ROOT,
                "); %,d concurrent `GET /v1/batches/{id}`, each on its own connection: ",
                EmulatorRates.POLLS))
        .append(Results.stat(ok, "%.0f", ""))
        .append(" answered 200 per run, all in ")
        .append(Results.stat(e2.pollSeconds, "%.2f", " s"))
        .append(
            ", connections dropped for a full accept queue (the kernel's ListenOverflows, whole machine) ")
        .append(Results.stat(e2.listenOverflows, "%.0f", ""))
        .append(
            e2.pollErrors.isEmpty()
                ? " (no errors: **met**)"
                : " (errors: "
                    + e2.pollErrors.subList(0, Math.min(5, e2.pollErrors.size()))
                    + ", "
                    + e2.pollErrors.size()
                    + " in all: **missed**)")
        .append(".\n");
  }
}
