#!/usr/bin/env bash
# Revocation propagation from keycard to a JVM service that uses keycard-resource-server (issue 10):
# one real `keycard serve` on loopback, a confidential client with the scope keycard:revocations, and
# N logouts, each timed from keycard's 204 until the library refuses the token (it follows the
# revocation feed's Server-Sent Events; keycard polls its store every 500 ms for the feed).
# Usage: bench/feed-propagation.sh [logouts, default 100]. Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
. .mvn/find-jdk.sh
n=${1:-100}
./mvnw -q -B -DskipTests -pl keycard-server,keycard-bench -am package >&2
jar=keycard-server/target/keycard.jar
bench=keycard-bench/target/benchmarks.jar

work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
port=$(( 20000 + RANDOM % 10000 ))
password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
printf '%s' "$password" | "$JAVA_HOME/bin/java" -jar "$jar" users add bench --password-stdin --scope "profile" \
  --data-dir "$work/data" >/dev/null
secret=$("$JAVA_HOME/bin/java" -jar "$jar" clients add feed-bench --scope "keycard:revocations" --data-dir "$work/data" \
  | sed -n 's/^client_secret: //p')
KEYCARD_LOG_LEVEL=warn KEYCARD_MANAGEMENT_PORT=0 "$JAVA_HOME/bin/java" -jar "$jar" serve --data-dir "$work/data" \
  --port "$port" --edge-port $(( port + 1 )) --no-demo-stream >"$work/keycard.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.2; done
metadata=$(curl -fs "http://127.0.0.1:$port/.well-known/oauth-authorization-server")
issuer=$(printf '%s' "$metadata" | sed -n 's/.*"issuer" *: *"\([^"]*\)".*/\1/p' | head -1)
audience=${KEYCARD_AUDIENCE:-keycard-api}

echo "| path | revocations | p50 | p99 | max |"
echo "|---|---:|---:|---:|---:|"
KEYCARD_BENCH_PASSWORD=$password KEYCARD_BENCH_CLIENT_SECRET=$secret "$JAVA_HOME/bin/java" -cp "$bench" \
  dev.keycard.bench.FeedPropagation "http://127.0.0.1:$port" "$issuer" "$audience" bench feed-bench "$n"
