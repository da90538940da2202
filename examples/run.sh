#!/usr/bin/env bash
# Builds what the examples need (only when a source changed) and runs one of them (default: QuickStart).
#   examples/run.sh                      # QuickStart, 300 questions, embedded emulator
#   examples/run.sh 1000                 # QuickStart with 1,000 questions
#   TOGETHER_API_KEY=... examples/run.sh # the same against Together's API
#   examples/run.sh SubmitJob /tmp/job   # another main, with its arguments
#   examples/run.sh IncrementalSubmit    # three scheduled streaming runs over a growing folder
# The JVM's temporary folder (the quick start's job folder, staged files, Spark's scratch space) is a
# new folder that is removed when the run ends; paths given as arguments are yours and stay.
set -euo pipefail
cd "$(dirname "$0")/.."
main=QuickStart
case "${1:-}" in
  ""|[0-9]*) ;;                 # no main given: QuickStart, with any numeric argument
  *) main="$1"; shift ;;
esac
case "$main" in *.*) ;; *) main="io.github.sparktogetherbatch.examples.$main" ;; esac

# Build only when a source or POM of the modules the examples use is newer than the last build.
stamp=examples/target/run-sh.stamp
stale() {
  [ -f "$stamp" ] && [ -f examples/target/classpath.txt ] || return 0
  local entry
  IFS=: read -r -a entries < examples/target/classpath.txt || true
  for entry in "${entries[@]}"; do [ -e "$entry" ] || return 0; done
  [ -n "$(find pom.xml emulator client connector examples \
            -path '*/target' -prune -o -type f -newer "$stamp" -print 2>/dev/null | head -1)" ]
}
if stale; then
  color=()
  [ -t 2 ] || color=(-Dstyle.color=never)   # no colour codes in a log file or a pipe
  mvn -B -q ${color[@]+"${color[@]}"} -pl examples -am -DskipTests package dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt -DincludeScope=runtime >&2
  touch "$stamp"
else
  echo "examples/run.sh: sources unchanged since the last build; not building" >&2
fi

# Spark's JVM options on Java 17: the one list, spark.java.opens in pom.xml.
opens=$(sed -n 's:.*<spark.java.opens>\(.*\)</spark.java.opens>.*:\1:p' pom.xml)
[ -n "$opens" ] || { echo "No spark.java.opens line in pom.xml" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/together-batch-example-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
status=0
java ${JAVA_OPTS:--Xmx2g} $opens -Djava.io.tmpdir="$tmp" \
  -cp "examples/target/classes:$(cat examples/target/classpath.txt)" "$main" "$@" || status=$?
exit "$status"
