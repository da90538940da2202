#!/usr/bin/env bash
# Builds what the examples need and runs one of them (default: QuickStart).
#   examples/run.sh                      # QuickStart, 300 questions, embedded emulator
#   examples/run.sh 1000                 # QuickStart with 1,000 questions
#   TOGETHER_API_KEY=... examples/run.sh # the same against Together's API
#   examples/run.sh SubmitJob /tmp/job   # another main, with its arguments
set -euo pipefail
cd "$(dirname "$0")/.."
main=QuickStart
case "${1:-}" in
  ""|[0-9]*) ;;                 # no main given: QuickStart, with any numeric argument
  *) main="$1"; shift ;;
esac
case "$main" in *.*) ;; *) main="io.github.sparktogetherbatch.examples.$main" ;; esac

mvn -B -q -pl examples -am -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -DincludeScope=runtime >&2

# Spark's JVM options on Java 17: the one list, spark.java.opens in pom.xml.
opens=$(sed -n 's:.*<spark.java.opens>\(.*\)</spark.java.opens>.*:\1:p' pom.xml)
[ -n "$opens" ] || { echo "No spark.java.opens line in pom.xml" >&2; exit 1; }

exec java ${JAVA_OPTS:--Xmx2g} $opens -cp "examples/target/classes:$(cat examples/target/classpath.txt)" "$main" "$@"
