#!/usr/bin/env bash
# Refresh grants per second on the embedded store and on PostgreSQL, each with the JDK's crypto and the
# native provider (--crypto-provider jdk|native), beside raw RSA-2048 signatures per second on the same
# provider, in one run: a refresh signs one RS256 token, so the raw signature rate is its ceiling.
# PostgreSQL is a private server this script starts (initdb into a temporary directory, a random
# loopback port, a generated password, durable as shipped: fsync and synchronous_commit on) and
# stops; as root it runs as the postgres system user. Needs wrk and PostgreSQL's server binaries
# (apt-get install wrk postgresql).
# Usage: bench/refresh.sh [seconds per run, default 15] [warm-up seconds, default 30]. Prints a Markdown table.
# The warm-up is long on purpose: after 5 s of refreshes the JIT's C2 compiler still took about a
# quarter of keycard's CPU (0.46 ms of 1.98 ms per refresh, measured per thread), so a short warm-up
# measured compilation, not the server. JMH warms the RSA loop up the same way.
set -euo pipefail
cd "$(dirname "$0")/.."
# Every server this script starts gets a management listener (/metrics) on a free port of its own.
export KEYCARD_MANAGEMENT_PORT=${KEYCARD_MANAGEMENT_PORT:-0}
. .mvn/find-jdk.sh
secs=${1:-15}
warmup=${2:-30}
threads=2
conns=16
command -v wrk >/dev/null || { echo "bench/refresh.sh needs wrk (apt-get install wrk)" >&2; exit 1; }
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$pgbin/pg_ctl" ] || { echo "bench/refresh.sh needs PostgreSQL (apt-get install postgresql)" >&2; exit 1; }

./mvnw -q -B -DskipTests -pl keycard-server,keycard-bench -am package >&2
jar=keycard-server/target/keycard.jar
work=$(mktemp -d)
server=
pgstarted=
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  [ -n "$server" ] && { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
  [ -n "$pgstarted" ] && as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# --- a private PostgreSQL -------------------------------------------------------------------------
chmod 0711 "$work"   # the postgres user must reach its directory inside
mkdir "$work/pg"
[ "$(id -u)" = 0 ] && chown postgres: "$work/pg"
admin_password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
db_password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
printf '%s\n' "$admin_password" >"$work/pg/pw"
[ "$(id -u)" = 0 ] && chown postgres: "$work/pg/pw"
as_pg "$pgbin/initdb" -D "$work/pg/data" -U postgres --pwfile="$work/pg/pw" --auth=scram-sha-256 -E UTF8 \
  --locale=C >/dev/null
rm -f "$work/pg/pw"
printf "listen_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\n" "$work/pg" >>"$work/pg/data/postgresql.conf"
pgport=$(( 30000 + RANDOM % 10000 ))
as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -o "-p $pgport" -w start >/dev/null
pgstarted=1
PGPASSWORD=$admin_password "$pgbin/psql" -q -h 127.0.0.1 -p "$pgport" -U postgres -d postgres \
  -c "CREATE ROLE keycard LOGIN PASSWORD '$db_password'" -c "CREATE DATABASE keycard OWNER keycard"
database_url="postgresql://keycard@127.0.0.1:$pgport/keycard"

rps() { sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p'; }

# --- refresh grants against one backend: $1 = embedded | postgres ----------------------------------
measure() {
  local backend=$1 crypto=$2 port=$(( 20000 + RANDOM % 10000 )) store=()
  local run="$backend-$crypto"
  local data="$work/data-$run" password
  if [ "$backend" = postgres ]; then
    store=(--database-url "$database_url")
    export KEYCARD_DATABASE_PASSWORD=$db_password
  else
    unset KEYCARD_DATABASE_PASSWORD
  fi
  password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
  printf '%s' "$password" | "$JAVA_HOME/bin/java" -jar "$jar" users add "bench-$run" --password-stdin \
    --scope profile --data-dir "$data" "${store[@]}" >/dev/null
  # The per-token rate limit off: each session here refreshes far more than 1,000 times an hour.
  KEYCARD_RATE_LIMIT=off KEYCARD_LOG_LEVEL=warn "$JAVA_HOME/bin/java" ${KEYCARD_JAVA_OPTS:-} -jar "$jar" serve \
    --data-dir "$data" --port "$port" --edge-port $((port + 1)) --no-demo-stream --crypto-provider "$crypto" \
    "${store[@]}" >"$work/server-$run.log" 2>&1 &
  server=$!
  for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.2; done
  local base="http://127.0.0.1:$port" tokens="$work/tokens-$run"
  echo "$run: logging in 128 sessions (Argon2id)..." >&2
  : >"$tokens"
  for _ in $(seq 1 128); do
    { curl -fs -X POST "$base/auth/login" -H 'Content-Type: application/json' \
        -d "{\"username\":\"bench-$run\",\"password\":\"$password\"}" \
        | sed -n 's/.*"refresh_token":"\([^"]*\)".*/\1/p'; echo; } >>"$tokens"
  done
  sed -i '/^$/d' "$tokens"
  [ -s "$tokens" ] || { echo "$run: login failed; server log:" >&2; cat "$work/server-$run.log" >&2; exit 1; }
  head -n 64 "$tokens" >"$tokens.warm"
  tail -n +65 "$tokens" >"$tokens.run"
  KEYCARD_REFRESH_TOKENS="$tokens.warm" KEYCARD_WRK_THREADS=$threads \
    wrk -t$threads -c$conns -d"${warmup}s" -s bench/refresh.lua "$base" >/dev/null
  local out before after
  before=$(cpu_ticks)
  out=$(KEYCARD_REFRESH_TOKENS="$tokens.run" KEYCARD_WRK_THREADS=$threads \
    wrk -t$threads -c$conns -d"${secs}s" -s bench/refresh.lua "$base")
  after=$(cpu_ticks)
  if ! kill "$server" 2>/dev/null; then
    echo "$run: the server stopped during the run; its log:" >&2
    tail -n 30 "$work/server-$run.log" >&2
    exit 1
  fi
  wait "$server" 2>/dev/null || true
  server=
  echo "$(echo "$out" | rps) $(echo "$out" | sed -n 's/^non-2xx responses: *//p')" >"$work/result-$run"
  # CPU seconds during the measured run, per process group, per 1,000 refreshes.
  echo "$before" "$after" | awk -v n="$(echo "$out" | sed -n 's/^ *\([0-9]*\) requests in.*/\1/p')" -v hz="$(getconf CLK_TCK)" \
    '{ printf "%.2f %.2f\n", ($3 - $1) / hz * 1000 / n, ($4 - $2) / hz * 1000 / n }' >"$work/cpu-$run"
}

# CPU ticks (user + system) so far of the keycard server and of the private PostgreSQL's processes.
proc_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
cpu_ticks() {
  local k pg=0 pid postmaster
  k=$(proc_ticks "$server")
  postmaster=$(head -n 1 "$work/pg/data/postmaster.pid")
  for pid in "$postmaster" $(pgrep -P "$postmaster"); do pg=$((pg + $(proc_ticks "$pid"))); done
  echo "$k $pg"
}

# Raw RSA right before each run, on the run's provider, so each ratio compares figures taken minutes
# apart at most (on a shared machine the capacity drifts between the parts of one run).
rsa_rate() {
  echo "measuring raw RSA-2048 signing on the $1 provider (JMH, all cores)..." >&2
  "$JAVA_HOME/bin/java" -jar keycard-bench/target/benchmarks.jar RsaSigningBenchmark -p provider="$1" \
    -wi 2 -w 3 -i 3 -r 5 -f 1 2>/dev/null | awk '/^RsaSigningBenchmark.sign/ {print $5}'
}
for backend in embedded postgres; do
  for crypto in jdk native; do
    rsa_rate "$crypto" >"$work/rsa-$backend-$crypto"
    measure "$backend" "$crypto"
  done
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
pgversion=$("$pgbin/postgres" --version | awk '{print $3}')
echo "| run ($(nproc) cores, ${secs}s each after ${warmup}s of warm-up, wrk -t$threads -c$conns) | crypto | raw RSA-2048 signatures/s (JMH, $(nproc) threads, same provider, just before) | refresh grants/s | ÷ RSA | CPU s per 1,000 refreshes: keycard / PostgreSQL |"
echo "|---|---|---:|---:|---:|---:|"
for backend in embedded postgres; do
  for crypto in jdk native; do
    read -r rps bad <"$work/result-$backend-$crypto"
    read -r cpu dbcpu <"$work/cpu-$backend-$crypto"
    rsa=$(cat "$work/rsa-$backend-$crypto")
    label=$([ "$backend" = embedded ] && echo "embedded H2" || echo "PostgreSQL $pgversion")
    echo "| $label (${bad:-0} non-2xx) | $crypto | $rsa | $rps | $(ratio "$rps" "$rsa") | $cpu / $([ "$backend" = embedded ] && echo – || echo "$dbcpu") |"
  done
done
for backend in embedded postgres; do
  read -r j _ <"$work/result-$backend-jdk"
  read -r n _ <"$work/result-$backend-native"
  echo "- $backend: native ÷ JDK refresh grants/s = $(ratio "$n" "$j")"
done
