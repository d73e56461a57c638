#!/usr/bin/env bash
# Revocation propagation between two keycard instances on one database and one Redis: two real
# `keycard serve` processes on one embedded database (H2 reached by both, as several instances
# reach one PostgreSQL), each with --redis-url to a private redis-server on a random loopback port.
# Three phases of N revocations each (log in on B, log out on B, time until A refuses the token):
#   1. Redis up: the message reaches A within milliseconds;
#   2. Redis killed (kill -9): A learns it from its database catch-up (--denylist-catch-up, 1 s);
#   3. Redis started again on the same port: back to milliseconds once both have resubscribed.
# Usage: bench/propagation.sh [revocations per phase, default 100]. Prints a Markdown table.
# A is polled every millisecond, so delays are measured to about a millisecond.
set -euo pipefail
cd "$(dirname "$0")/.."
. .mvn/find-jdk.sh
n=${1:-100}
command -v redis-server >/dev/null || { echo "bench/propagation.sh needs redis-server (apt-get install redis-server)" >&2; exit 1; }
if [ -z "${KEYCARD_JAR:-}" ]; then
  ./mvnw -q -B -DskipTests -pl keycard-core,keycard-store-redis,keycard-server -am package >&2
fi
jar=${KEYCARD_JAR:-keycard-server/target/keycard.jar}
keycard() { "$JAVA_HOME/bin/java" -jar "$jar" "$@"; }

work=$(mktemp -d)
pids=()
redis_pid=
stop_all() {
  for p in "${pids[@]}" $redis_pid; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap stop_all EXIT
redis_port=$(( 40000 + RANDOM % 10000 ))
start_redis() {
  redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" --save '' --appendonly no \
    --logfile "$work/redis.log" &
  redis_pid=$!
  for _ in $(seq 1 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
}
start_redis

export KEYCARD_BENCH_PASSWORD=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
printf '%s' "$KEYCARD_BENCH_PASSWORD" | keycard users add bench --password-stdin --scope profile --data-dir "$work/data" >/dev/null
base_port=$(( 20000 + RANDOM % 10000 ))
urls=()
for i in 0 1; do
  api=$(( base_port + 2 * i ))
  KEYCARD_LOG_LEVEL=warn KEYCARD_MANAGEMENT_PORT=0 KEYCARD_REDIS_URL="redis://127.0.0.1:$redis_port" "$JAVA_HOME/bin/java" -jar "$jar" serve \
    --data-dir "$work/data" --port "$api" --edge-port $(( api + 1 )) --no-demo-stream \
    --issuer "http://127.0.0.1:$base_port" >"$work/server$i.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$api/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done
  urls+=("http://127.0.0.1:$api")
done
redis_state() { curl -s "$1/health/ready" | sed -n 's/.*"redis":"\([a-z]*\)".*/\1/p'; }
await_redis() { # state: wait until both instances report it
  for _ in $(seq 1 200); do
    [ "$(redis_state "${urls[0]}")" = "$1" ] && [ "$(redis_state "${urls[1]}")" = "$1" ] && return 0
    sleep 0.05
  done
  echo "instances did not report redis $1" >&2; exit 1
}
measure() { "$JAVA_HOME/bin/java" bench/Propagation.java "${urls[0]}" "${urls[1]}" bench "$2" "$1" "${3:-0}"; }

await_redis connected
echo "| $(nproc) cores, loopback, B's 204 to A's first 401 | revocations | p50 | p99 | max | A polled |"
echo "|---|---:|---:|---:|---:|---:|"
echo "warming up (100 revocations)..." >&2
measure warm-up 100
echo "phase 1: Redis up..." >&2
measure "Redis up" "$n"
echo "phase 2: kill -9 Redis..." >&2
kill -9 "$redis_pid"; wait "$redis_pid" 2>/dev/null || true; redis_pid=
await_redis disconnected
# Logouts at random moments (0-1 s), so they do not fall in step with A's catch-up timer.
measure "Redis killed (catch-up every 1 s)" "$n" 1000
echo "phase 3: Redis back on the same port..." >&2
start_redis
await_redis connected
measure "Redis back" "$n"
if grep -q 'ERROR\|Exception' "$work"/server*.log; then
  echo "server logs carry errors:" >&2; grep -h 'ERROR\|Exception' "$work"/server*.log | head -5 >&2
fi
