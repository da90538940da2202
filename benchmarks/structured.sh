#!/usr/bin/env bash
# The structured-output benchmark: the column parsed (five-field responseSchema) against the plain
# read of the same job and against Spark's from_json over the same content strings.
#   benchmarks/structured.sh                     # 1,000,000 rows, 3 runs
#   benchmarks/structured.sh --rows 200000 --runs 3
# Results: printed, and written to benchmarks/target/structured.md.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${BENCH_SKIP_BUILD:-}" != "1" ]; then
  mvn -B -q ${MVN_OFFLINE:--o} -pl benchmarks -am -DskipTests package dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt -DincludeScope=runtime >&2
fi

opens=$(sed -n 's:.*<spark.java.opens>\(.*\)</spark.java.opens>.*:\1:p' pom.xml)
[ -n "$opens" ] || { echo "No spark.java.opens line in pom.xml" >&2; exit 1; }

work=benchmarks/target/structured-work
rm -rf "$work"
mkdir -p "$work/tmp"
exec java -Xmx4g ${JAVA_OPTS:-} $opens -Djava.io.tmpdir="$work/tmp" -Dbench.work="$work" \
  -Dbench.results=benchmarks/target/structured.md \
  -Dlog4j2.configurationFile=benchmarks/src/main/resources/bench-log4j2.properties \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  io.github.sparktogetherbatch.benchmarks.StructuredBench "$@"
