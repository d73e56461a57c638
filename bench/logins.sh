#!/usr/bin/env bash
# Password logins: logins/s at keycard's default Argon2id parameters (OWASP: 19 MiB x 2 passes) and at
# Keycloak's (7 MiB x 5 passes), hashing throughput by the number of hashing threads (1, the cores,
# 16), the JVM's peak RSS (VmHWM) under each, and one user's refresh latency (p50/p99) without and
# during a login flood of 800 connections sending wrong passwords. Throttling is off in these runs
# (--login-failures-per-account 0): they measure what reaches Argon2id, the part throttling cannot
# stop (many accounts from many addresses). The flood rows compare refusals answered at once with
# refusals held for --login-refusal-hold; the last row is the flood with the defaults.
# Needs wrk. Usage: bench/logins.sh [seconds per run, default 15]. Prints a Markdown table.
# Side by side with a running Keycloak (not installed by this script): set KEYCLOAK_TOKEN_URL (its
# realm's token endpoint), KEYCLOAK_USER and KEYCLOAK_PASSWORD_FILE (a user of that realm) and the same
# wrk load is sent to its password grant (client admin-cli), between keycard's runs.
set -euo pipefail
cd "$(dirname "$0")/.."
# Every server this script starts gets a management listener (/metrics) on a free port of its own.
export KEYCARD_MANAGEMENT_PORT=${KEYCARD_MANAGEMENT_PORT:-0}
. .mvn/find-jdk.sh
secs=${1:-15}
cores=$(nproc)
command -v wrk >/dev/null || { echo "bench/logins.sh needs wrk (apt-get install wrk)" >&2; exit 1; }

./mvnw -q -B -DskipTests -pl keycard-server -am package >&2
jar=keycard-server/target/keycard.jar
work=$(mktemp -d)
server=
flood=
cleanup() {
  [ -n "$flood" ] && { kill "$flood" 2>/dev/null || true; wait "$flood" 2>/dev/null || true; }
  [ -n "$server" ] && { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT

password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
printf '%s\n' "$password" >"$work/password"
login_lua() { # $1 = file, $2 = user, $3 = password
  cat >"$1" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"username":"$2","password":"$3"}'
LUA
}
login_lua "$work/right.lua" bench "$password"
login_lua "$work/wrong.lua" bench "not-the-password"

# Starts a server on a fresh data directory with user "bench": $1 = label, then serve's options.
start() {
  local label=$1; shift
  port=$(( 20000 + RANDOM % 10000 ))
  local data="$work/data-$label" argon=()
  for a in "$@"; do case $a in --argon2-*) argon+=("$a");; esac; done
  # users add takes the same --argon2-* options (with their values) as serve.
  local i=0 args=("$@") ua=()
  while [ $i -lt ${#args[@]} ]; do
    case ${args[$i]} in --argon2-*) ua+=("${args[$i]}" "${args[$((i + 1))]}"); i=$((i + 1));; esac
    i=$((i + 1))
  done
  printf '%s' "$password" | "$JAVA_HOME/bin/java" -jar "$jar" users add bench --password-stdin --scope profile \
    --data-dir "$data" "${ua[@]}" >/dev/null
  KEYCARD_LOG_LEVEL=warn "$JAVA_HOME/bin/java" ${KEYCARD_JAVA_OPTS:-} -jar "$jar" serve --data-dir "$data" \
    --port "$port" --edge-port $((port + 1)) --no-demo-stream "$@" >"$work/server-$label.log" 2>&1 &
  server=$!
  for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.2; done
}
stop() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=
}
peak_rss_mib() { awk '/^VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$server/status"; }
ok_per_s() { # wrk output on stdin: successful (2xx) requests per second
  awk -v s="$secs" '/requests in/ { n = $1 } /Non-2xx/ { bad = $NF } END { printf "%.1f", (n - bad) / s }'
}

# logins/s with the right password (each: one Argon2id verification, a refresh-token row, a signature).
logins() { # $1 = label, then serve's options
  local label=$1; shift
  start "$label" --login-failures-per-account 0 "$@"
  wrk -t2 -c16 -d3s --timeout 30s -s "$work/right.lua" "http://127.0.0.1:$port/auth/login" >/dev/null
  local out
  out=$(wrk -t2 -c16 -d"${secs}s" --timeout 30s -s "$work/right.lua" "http://127.0.0.1:$port/auth/login")
  echo "| $label | $(echo "$out" | ok_per_s) | $(echo "$out" | awk '/Non-2xx/ {print $NF}' | grep . || echo 0) | $(peak_rss_mib) |"
  stop
}

# Refresh latency of another user without, then during, a flood of wrong passwords (800 connections).
flood() { # $1 = label, then serve's options
  local label=$1; shift
  start "$label" "$@"
  local base="http://127.0.0.1:$port" quiet during
  rm -f "$work/token"
  quiet=$("$JAVA_HOME/bin/java" bench/RefreshLatency.java "$base" bench "$work/password" 200 "$work/token")
  local rss_before; rss_before=$(peak_rss_mib)
  wrk -t2 -c800 -d"$((secs + 20))s" --timeout 30s -s "$work/wrong.lua" "$base/auth/login" >"$work/flood-$label.out" 2>&1 &
  flood=$!
  sleep 5
  during=$("$JAVA_HOME/bin/java" bench/RefreshLatency.java "$base" bench "$work/password" 200 "$work/token")
  wait "$flood" || true
  flood=
  read -r qp50 qp99 _ qfail <<<"$quiet"
  read -r dp50 dp99 _ dfail <<<"$during"
  local rps; rps=$(awk '/Requests\/sec/ {print $2}' "$work/flood-$label.out")
  echo "| $label | $qp50 / $qp99 ($qfail failed) | $dp50 / $dp99 ($dfail failed) | $rps | $rss_before | $(peak_rss_mib) |"
  stop
}

# Keycloak's password grant (the same wrk load), when one is running: see the header.
keycloak() {
  [ -n "${KEYCLOAK_TOKEN_URL:-}" ] || return 0
  local kpw body out
  kpw=$(head -n 1 "$KEYCLOAK_PASSWORD_FILE")
  body="grant_type=password&client_id=admin-cli&username=$KEYCLOAK_USER&password=$(printf %s "$kpw" | jq -sRr @uri)"
  cat >"$work/keycloak.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "$body"
LUA
  wrk -t2 -c16 -d3s --timeout 30s -s "$work/keycloak.lua" "$KEYCLOAK_TOKEN_URL" >/dev/null
  out=$(wrk -t2 -c16 -d"${secs}s" --timeout 30s -s "$work/keycloak.lua" "$KEYCLOAK_TOKEN_URL")
  echo "| Keycloak (password grant, its defaults: Argon2id 7 MiB x 5) | $(echo "$out" | ok_per_s) | $(echo "$out" | awk '/Non-2xx/ {print $NF}' | grep . || echo 0) | — |"
}

echo "measuring logins/s..." >&2
{
  echo "Load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) ($cores cores)."
  echo
  echo "| logins, $cores cores, ${secs}s, wrk -t2 -c16 | logins/s | non-2xx (503 busy) | peak RSS MiB |"
  echo "|---|---:|---:|---:|"
  logins "default: Argon2id 19 MiB x 2, $cores hashing threads"
  logins "Keycloak's parameters: 7 MiB x 5, $cores hashing threads" --argon2-memory 7168 --argon2-iterations 5
  keycloak
  logins "19 MiB x 2, 1 hashing thread" --hashing-threads 1
  logins "19 MiB x 2, 16 hashing threads (as before: the worker pool)" --hashing-threads 16 --hashing-queue 128
  echo
  echo "| login flood (800 connections, wrong passwords) | refresh p50 / p99 ms, quiet | refresh p50 / p99 ms, during the flood | flood answers/s | RSS MiB before | peak RSS MiB |"
  echo "|---|---:|---:|---:|---:|---:|"
  flood "throttling off, $cores hashing threads, refusals answered at once (--login-refusal-hold 0s)" \
    --login-failures-per-account 0 --login-refusal-hold 0s
  flood "throttling off, $cores hashing threads, refusals held 1 s (the default hold)" --login-failures-per-account 0
  flood "throttling off, 16 hashing threads, refusals at once (as before)" --login-failures-per-account 0 \
    --hashing-threads 16 --hashing-queue 128 --login-refusal-hold 0s
  flood "default throttling and hold (one address, one account)"
  echo
  echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
}
