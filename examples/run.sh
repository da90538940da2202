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

opens="-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED \
--add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
--add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED \
--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED \
--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
--add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED \
--add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false"

exec java ${JAVA_OPTS:--Xmx2g} $opens -cp "examples/target/classes:$(cat examples/target/classpath.txt)" "$main" "$@"
