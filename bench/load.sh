#!/usr/bin/env bash
# Loopback load test of a real keycard server, with wrk (apt-get install wrk):
#   1. GET /api/v1/me with a valid RS256 token, beside GET /health (unprotected) on the same server;
#   2. refresh_token grants per second, beside raw RSA-2048 signatures per second (JMH, same JVM).
# Usage: bench/load.sh [seconds per run, default 15]. Prints a Markdown table. Everything runs on
# 127.0.0.1; the server, wrk and JMH share this machine's cores, as they would in the README's figures.
set -euo pipefail
cd "$(dirname "$0")/.."
. .mvn/find-jdk.sh
secs=${1:-15}
threads=2
conns=32
command -v wrk >/dev/null || { echo "bench/load.sh needs wrk (apt-get install wrk)" >&2; exit 1; }

# KEYCARD_JAR=path/to/keycard.jar runs that server build instead of this tree's (before/after comparisons).
if [ -z "${KEYCARD_JAR:-}" ] || [ ! -f keycard-bench/target/benchmarks.jar ]; then
  ./mvnw -q -B -DskipTests -pl keycard-core,keycard-server,keycard-bench -am package >&2
fi
jar=${KEYCARD_JAR:-keycard-server/target/keycard.jar}
keycard() { "$JAVA_HOME/bin/java" ${KEYCARD_JAVA_OPTS:-} -jar "$jar" "$@"; }
data=$(mktemp -d)
port=$(( 20000 + RANDOM % 20000 ))
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$data"' EXIT

password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
printf '%s' "$password" | keycard users add bench --password-stdin --scope "profile" --data-dir "$data" >/dev/null
# The per-token rate limit off: wrk sends one token far beyond 1,000 requests an hour (its cost is
# bench/ratelimit-load.sh's). As a variable, so that an older KEYCARD_JAR, without the option, runs too.
KEYCARD_RATE_LIMIT=off KEYCARD_LOG_LEVEL=warn KEYCARD_MANAGEMENT_PORT=0 "$JAVA_HOME/bin/java" ${KEYCARD_JAVA_OPTS:-} -jar "$jar" serve --data-dir "$data" --port "$port" >"$data/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.2; done
base="http://127.0.0.1:$port"

login() {
  curl -fs -X POST "$base/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"bench\",\"password\":\"$password\"}"
}
access=$(login | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
[ -n "$access" ] || { echo "login failed; server log:" >&2; cat "$data/server.log" >&2; exit 1; }

rps() { sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p'; }
echo "warming up..." >&2
# Both runs send the same Authorization header, so wrk and Netty do the same work for each and the
# difference is the bearer check (plus /me's slightly larger JSON answer).
auth="Authorization: Bearer $access"
wrk -t$threads -c$conns -d5s -H "$auth" "$base/health" >/dev/null
wrk -t$threads -c$conns -d5s -H "$auth" "$base/api/v1/me" >/dev/null
health=$(wrk -t$threads -c$conns -d"${secs}s" -H "$auth" "$base/health" | rps)
me=$(wrk -t$threads -c$conns -d"${secs}s" -H "$auth" "$base/api/v1/me" | rps)

echo "logging in 768 sessions for the refresh runs (Argon2id, takes a while)..." >&2
tokens="$data/refresh-tokens.txt"
: >"$tokens"
# The body has no final newline, so sed's output has none either: add one per token.
for _ in $(seq 1 768); do { login | sed -n 's/.*"refresh_token":"\([^"]*\)".*/\1/p'; echo; } >>"$tokens"; done
sed -i '/^$/d' "$tokens"
# Every token is good for one request; the chains live inside wrk, so warm-up and measurement each
# get their own sessions.
head -n 256 "$tokens" >"$tokens.warm"
tail -n +257 "$tokens" >"$tokens.run"
KEYCARD_REFRESH_TOKENS="$tokens.warm" KEYCARD_WRK_THREADS=$threads \
  wrk -t$threads -c16 -d5s -s bench/refresh.lua "$base" >/dev/null
refresh_out=$(KEYCARD_REFRESH_TOKENS="$tokens.run" KEYCARD_WRK_THREADS=$threads \
  wrk -t$threads -c16 -d"${secs}s" -s bench/refresh.lua "$base")
refresh=$(echo "$refresh_out" | rps)
refresh_bad=$(echo "$refresh_out" | sed -n 's/^non-2xx responses: *//p')

kill "$server"; wait "$server" 2>/dev/null || true
echo "measuring raw RSA-2048 signing (JMH, all cores)..." >&2
rsa=$("$JAVA_HOME/bin/java" -jar keycard-bench/target/benchmarks.jar RsaSigningBenchmark \
  -p provider="${KEYCARD_CRYPTO_PROVIDER:-native}" -wi 2 -w 3 -i 3 -r 5 -f 1 2>/dev/null \
  | awk '/^RsaSigningBenchmark.sign/ {print $5}')

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
cat <<TABLE
| run ($(nproc) cores, ${secs}s each, wrk -t$threads) | requests/s | ratio |
|---|---:|---:|
| GET /health (unprotected, same Authorization header sent) | $health | 1.00 |
| GET /api/v1/me (RS256 bearer, cached after first use) | $me | $(ratio "$me" "$health") |
| raw RSA-2048 signatures (JMH, $(nproc) threads) | $rsa | 1.00 |
| POST /oauth2/token refresh_token grants (${refresh_bad:-0} non-2xx) | $refresh | $(ratio "$refresh" "$rsa") |
TABLE
