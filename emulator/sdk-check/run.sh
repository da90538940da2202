#!/usr/bin/env bash
# Builds the emulator's jar, starts it standalone on a free port, runs Together's TypeScript SDK
# against it (models.mjs) and stops it. Needs Java 17+, Maven, Node 20+ and npm.
# SKIP_BUILD=1 reuses emulator/target/together-emulator.jar.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
jar="$root/emulator/target/together-emulator.jar"
key=sdk-check-key

if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$jar" ]; then
  (cd "$root" && mvn -B -q -pl emulator package -DskipTests)
fi
(cd "$here" && npm install --no-package-lock --no-audit --no-fund --silent)

log=$(mktemp)
java -jar "$jar" --port 0 --api-key "$key" >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$log"' EXIT

url=""
for _ in $(seq 1 100); do
  url=$(sed -n 's/^Together emulator listening on //p' "$log" | head -1)
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "the emulator did not start" >&2; cat "$log" >&2; exit 1; }
echo "emulator at $url (together-ai $(node -p "require('$here/node_modules/together-ai/package.json').version"))"

TOGETHER_BASE_URL="$url" TOGETHER_API_KEY="$key" node "$here/models.mjs"
