#!/usr/bin/env bash
# The Spark/Scala compatibility matrix: for each cell, the round-trip suite on the shaded jar
# (connector-it: in-process, spark-submit --jars and spark.jars, local-cluster with two executor
# JVMs) and the connector module's own tests, on that cell's Spark runtime. The connector is
# always compiled against Spark 3.5 / Scala 2.12; the profiles change only the test runtime.
#
#   .ci/matrix.sh                          # every cell
#   .ci/matrix.sh spark-4.1 spark-4.2      # some cells
#   MAVEN_ARGS=-o .ci/matrix.sh            # extra Maven arguments (here: offline)
#   CONNECTOR_TESTS=0 .ci/matrix.sh        # round trips only
#   MATRIX_BUILD=0 .ci/matrix.sh           # reuse the jars and classes of the last build of this
#                                          # checkout (.ci/run: after mvn verify) instead of building
#
# The emulator and the connector (shaded jar, unshaded jar, test jar) are built once, up front
# (mvn -pl emulator,connector -am verify -DskipTests); every cell then runs only connector-it, with
# -Dit.prebuilt, on those same files: the cells test one jar, and none rebuilds it.
#
# Logs: target/matrix/<cell>.log (build: target/matrix/build.log). Exit status: non-zero if any
# cell failed (or the build did).
set -uo pipefail
cd "$(dirname "$0")/.."

cells=("$@")
if [ ${#cells[@]} -eq 0 ]; then
  cells=(spark-3.5-scala-2.12 spark-3.5-scala-2.13 spark-4.1 spark-4.2)
fi

need_apt=()
command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need_apt+=(maven)
command -v unzip >/dev/null 2>&1 || need_apt+=(unzip)
if [ ${#need_apt[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${need_apt[@]}"
fi

skip_connector_tests=false
[ "${CONNECTOR_TESTS:-1}" = "0" ] && skip_connector_tests=true

out=target/matrix
mkdir -p "$out"
base=connector/target/spark-together-batch-$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)
jar=$base.jar

# The one build of the emulator and the connector every cell reuses (or, with MATRIX_BUILD=0, a check
# that an earlier build of this checkout left them).
if [ "${MATRIX_BUILD:-1}" != "0" ]; then
  echo "=== build: emulator and connector (tests skipped; each cell runs them)"
  start=$(date +%s)
  # shellcheck disable=SC2086
  if ! mvn -B ${MAVEN_ARGS:-} -pl emulator,connector -am verify -DskipTests >"$out/build.log" 2>&1; then
    tail -40 "$out/build.log" | sed 's/^/    /'
    echo "    build FAILED; log: $out/build.log"
    exit 1
  fi
  echo "    built in $(( $(date +%s) - start ))s; log: $out/build.log"
fi
for f in "$jar" "$base-unshaded.jar" "$base-tests.jar" \
    "client/target/spark-together-batch-client-${base##*spark-together-batch-}.jar" emulator/target/together-emulator.jar \
    emulator/target/classes; do
  if [ ! -e "$f" ]; then
    echo "Missing $f: build first (mvn -B verify, or run this script without MATRIX_BUILD=0)"
    exit 1
  fi
done

# "completed errors failures skipped" from a failsafe summary, or "-" when the suite did not run.
summary() {
  local f=$1
  [ -f "$f" ] || { echo "-"; return; }
  local c e fl s
  c=$(sed -n 's:.*<completed>\([0-9]*\)</completed>.*:\1:p' "$f")
  e=$(sed -n 's:.*<errors>\([0-9]*\)</errors>.*:\1:p' "$f")
  fl=$(sed -n 's:.*<failures>\([0-9]*\)</failures>.*:\1:p' "$f")
  s=$(sed -n 's:.*<skipped>\([0-9]*\)</skipped>.*:\1:p' "$f")
  if [ "${c:-0}" -gt 0 ] && [ "${e:-0}" -eq 0 ] && [ "${fl:-0}" -eq 0 ]; then
    echo "pass ($((c - ${s:-0})) tests)"
  else
    echo "FAIL (${c:-0} run, ${fl:-0} failures, ${e:-0} errors)"
  fi
}

# One field of the round-trip suite's "Runtime: Spark 3.5.9 | Scala 2.12.18 | ..." line.
field() { echo "$runtime" | tr '|' '\n' | sed -n "s/^ *\(Runtime: \)\{0,1\}$1 \([^ ]*\) *$/\2/p" | head -1; }

rows=()
status=0
for cell in "${cells[@]}"; do
  echo "=== $cell"
  log="$out/$cell.log"
  rm -rf connector-it/target/failsafe-reports connector-it/target/connector-test-reports
  start=$(date +%s)
  # shellcheck disable=SC2086
  mvn -B ${MAVEN_ARGS:-} -P "$cell" -pl connector-it verify -Dit.prebuilt \
      -Dit.skipConnectorTests="$skip_connector_tests" >"$log" 2>&1
  rc=$?
  secs=$(( $(date +%s) - start ))
  # "Runtime: Spark 3.5.9 | Scala 2.12.18 | Jackson 2.15.2 | shaded Jackson 2.15.2 | Java 17.0.15"
  runtime=$(grep -h '^Runtime: ' connector-it/target/failsafe-reports/*-output.txt 2>/dev/null | head -1)
  spark=$(field Spark); scala=$(field Scala); jackson=$(field Jackson); java=$(field Java)
  rt=$(summary connector-it/target/failsafe-reports/failsafe-summary.xml)
  ct="skipped"
  [ "$skip_connector_tests" = false ] && ct=$(summary connector-it/target/connector-test-reports/failsafe-summary.xml)
  fingerprint="-"
  [ -f "$jar" ] && fingerprint=$(unzip -v "$jar" | awk '$8 ~ /\.class$/ {print $7, $8}' | sort | sha256sum | cut -c1-12)
  verdict=pass
  if [ $rc -ne 0 ]; then verdict=FAIL; status=1; fi
  rows+=("| $cell | ${spark:-?} | ${scala:-?} | ${jackson:-?} | ${java:-?} | $rt | $ct | $fingerprint | ${secs}s | $verdict |")
  echo "    $verdict in ${secs}s (round trips: $rt; connector tests: $ct); log: $log"
  if [ $rc -ne 0 ]; then
    grep -E "Tests run:.*(Fail|Err)|FAIL|ERROR\]" "$log" | head -20 | sed 's/^/    /'
  fi
done

{
  echo "| profile | Spark | Scala | Jackson (Spark's) | Java | round trips on the shaded jar | connector tests | jar classes sha256 | time | result |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} | tee "$out/matrix.md"
exit $status
