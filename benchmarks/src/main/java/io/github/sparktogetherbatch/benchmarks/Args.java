package io.github.sparktogetherbatch.benchmarks;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/** Command-line arguments. */
final class Args {
  long rows = 1_000_000;
  int runs = 3;
  boolean quick;
  Set<String> only = Bench.ALL;
  long m1Rows = -1;
  long scaleSmall = -1;
  long scaleBig = -1;
  boolean child;
  String baseUrl;
  String workDir;

  /** The emulator setups, in order: in-process, standalone, or both (see {@link EmulatorSetup}). */
  java.util.List<String> emulators = java.util.List.of(EmulatorSetup.IN_PROCESS);

  /** S2's heap for the child JVM. */
  String s2Heap = "1g";

  /** How many times S2 runs each size. */
  int s2Runs = 1;

  static Args parse(String[] argv) {
    Args a = new Args();
    for (int i = 0; i < argv.length; i++) {
      switch (argv[i]) {
        case "--rows":
          a.rows = Long.parseLong(argv[++i].replace("_", "").replace(",", ""));
          break;
        case "--runs":
          a.runs = Integer.parseInt(argv[++i]);
          break;
        case "--quick":
          a.quick = true;
          break;
        case "--only":
          a.only =
              new LinkedHashSet<>(Arrays.asList(argv[++i].toUpperCase(Locale.ROOT).split(",")));
          break;
        case "--emulator":
          a.emulators = EmulatorSetup.names(argv[++i]);
          break;
        case "--s2-runs":
          a.s2Runs = Integer.parseInt(argv[++i]);
          break;
        case "--child":
          a.child = true;
          break;
        case "--base-url":
          a.baseUrl = argv[++i];
          break;
        case "--work":
          a.workDir = argv[++i];
          break;
        default:
          throw new IllegalArgumentException(
              "unknown argument "
                  + argv[i]
                  + "; use --rows N "
                  + "--runs R --quick --only W1,W2,R1,E1,M1,S1,S2,E2 "
                  + "--emulator in-process|standalone|both");
      }
    }
    if (a.quick && !Arrays.asList(argv).contains("--rows")) {
      a.rows = 200_000;
    }
    a.m1Rows = 2 * a.rows;
    a.scaleSmall = a.rows;
    a.scaleBig = 4 * a.rows;
    for (String w : a.only) {
      if (!Bench.KNOWN.contains(w)) {
        throw new IllegalArgumentException("unknown workload " + w + "; known: " + Bench.KNOWN);
      }
    }
    return a;
  }

  boolean any(String... names) {
    for (String n : names) {
      if (only.contains(n)) {
        return true;
      }
    }
    return false;
  }
}
