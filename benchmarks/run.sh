#!/usr/bin/env bash
# The benchmarks: builds (the emulator's runnable jar too), then runs every workload and its Spark
# baseline side by side against an in-process emulator (unlimited speed, no MD5 ETags) or the
# standalone one (java -jar emulator/target/together-emulator.jar, default options) or both, and
# M1/S1 in child JVMs with -Xmx768m, S2 (10x rows, -Xmx1g) and E2 (the standalone emulator's rates).
#   benchmarks/run.sh                         # the full run: 1,000,000 rows, 3 runs (~20 min)
#   benchmarks/run.sh --quick                 # 200,000 rows, 3 runs (~5 min)
#   benchmarks/run.sh --rows 500000 --runs 5 --only W1,W2,R1,E1
#   benchmarks/run.sh --emulator both --only W1,W2,R1  # in-process and standalone, alternating
#   benchmarks/run.sh --only S2,E2                     # 10,000,000 vs 1,000,000 rows; E2
# Results: printed, and written to benchmarks/target/results.md.
# BENCH_EMULATOR_ARGS adds options to the standalone emulator, e.g. --md5-etags (S3's MD5 ETags).
# JAVA_OPTS adds JVM options to the harness JVM, e.g. a JFR recording:
#   JAVA_OPTS="-XX:StartFlightRecording=filename=benchmarks/target/w.jfr,settings=profile" \
#     benchmarks/run.sh --only W2 --runs 3
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${BENCH_SKIP_BUILD:-}" != "1" ]; then
  mvn -B -q ${MVN_OFFLINE:--o} -pl benchmarks -am -DskipTests package dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt -DincludeScope=runtime >&2
fi

# The connector and the emulator must be this tree's, not older copies from the local Maven
# repository (what building the benchmarks module without -am puts on the classpath).
if tr ':' '\n' < benchmarks/target/classpath.txt | grep -E '/(spark-together-batch|together-emulator)[^/]*\.jar$' \
    | grep -qv "^$PWD/"; then
  echo "benchmarks/target/classpath.txt names connector or emulator jars outside this tree;" \
    "run benchmarks/run.sh without BENCH_SKIP_BUILD to rebuild it" >&2
  exit 1
fi

# Spark's JVM options on Java 17: the one list, spark.java.opens in pom.xml.
opens=$(sed -n 's:.*<spark.java.opens>\(.*\)</spark.java.opens>.*:\1:p' pom.xml)
[ -n "$opens" ] || { echo "No spark.java.opens line in pom.xml" >&2; exit 1; }

work=benchmarks/target/bench-work
rm -rf "$work"
mkdir -p "$work/tmp"
exec java -Xmx4g ${JAVA_OPTS:-} $opens -Djava.io.tmpdir="$work/tmp" -Dbench.work="$work" \
  -Dbench.results=benchmarks/target/results.md \
  -Dlog4j2.configurationFile=benchmarks/src/main/resources/bench-log4j2.properties \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  io.github.sparktogetherbatch.benchmarks.Bench "$@"
