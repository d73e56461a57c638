#!/usr/bin/env bash
# GET /api/v1/me on an instance whose denylist is replicated (two instances on one database with
# --redis-url, a private redis-server) beside the same request on a lone embedded instance, and
# beside GET /health on the replicated instance itself. All three servers run at once and short wrk
# runs alternate between them, round after round, so that the shared machine's noise hits them alike
# (as bench/ab.sh does). The bearer check is a lookup in memory in both cases: no Redis or database
# call per request.
# Usage: bench/replicated-load.sh [seconds per run, default 5] [rounds, default 6]. Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
# Every server this script starts gets a management listener (/metrics) on a free port of its own.
export KEYCARD_MANAGEMENT_PORT=${KEYCARD_MANAGEMENT_PORT:-0}
. .mvn/find-jdk.sh
secs=${1:-5}
rounds=${2:-6}
threads=2
conns=32
command -v wrk >/dev/null || { echo "bench/replicated-load.sh needs wrk (apt-get install wrk)" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "bench/replicated-load.sh needs redis-server (apt-get install redis-server)" >&2; exit 1; }
if [ -z "${KEYCARD_JAR:-}" ]; then
  ./mvnw -q -B -DskipTests -pl keycard-core,keycard-store-redis,keycard-server -am package >&2
fi
jar=${KEYCARD_JAR:-keycard-server/target/keycard.jar}
keycard() { "$JAVA_HOME/bin/java" -jar "$jar" "$@"; }

work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
redis_port=$(( 40000 + RANDOM % 10000 ))
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" --save '' --appendonly no --logfile "$work/redis.log" &
pids+=($!)
for _ in $(seq 1 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done

password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
for d in embedded shared; do
  printf '%s' "$password" | keycard users add bench --password-stdin --scope profile --data-dir "$work/$d" >/dev/null
done
base_port=$(( 20000 + RANDOM % 10000 ))
serve() { # name data-dir port [extra options]
  local name=$1 dir=$2 port=$3; shift 3
  # The per-token rate limit off: wrk sends one token far beyond 1,000 requests an hour.
  KEYCARD_RATE_LIMIT=off KEYCARD_LOG_LEVEL=warn "$JAVA_HOME/bin/java" -jar "$jar" serve --data-dir "$dir" --port "$port" \
    --edge-port $(( port + 1 )) --no-demo-stream "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done
}
embedded="http://127.0.0.1:$base_port"
replicated="http://127.0.0.1:$(( base_port + 2 ))"
serve embedded "$work/embedded" "$base_port"
serve replicated "$work/shared" $(( base_port + 2 )) --redis-url "redis://127.0.0.1:$redis_port"
# Its peer: the replicated instance follows another one's revocations for real.
serve peer "$work/shared" $(( base_port + 4 )) --redis-url "redis://127.0.0.1:$redis_port"
curl -fs "$replicated/health/ready" | grep -q '"redis":"connected"' || { echo "the replicated instance has no Redis" >&2; exit 1; }

token() { curl -fs -X POST "$1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"bench\",\"password\":\"$password\"}" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p'; }
token_e=$(token "$embedded")
token_r=$(token "$replicated")
# A denylist that is not empty on both: 200 logouts on the peer, which the replicated instance applies.
for _ in $(seq 1 200); do
  t=$(token "http://127.0.0.1:$(( base_port + 4 ))")
  curl -fs -o /dev/null -X POST "http://127.0.0.1:$(( base_port + 4 ))/auth/logout" -H "Authorization: Bearer $t"
  t=$(token "$embedded")
  curl -fs -o /dev/null -X POST "$embedded/auth/logout" -H "Authorization: Bearer $t"
done

rps() { sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p'; }
run() { # target -> requests/s
  local out
  case $1 in
    me_e) out=$(wrk -t$threads -c$conns -d"${secs}s" -H "Authorization: Bearer $token_e" "$embedded/api/v1/me") ;;
    me_r) out=$(wrk -t$threads -c$conns -d"${secs}s" -H "Authorization: Bearer $token_r" "$replicated/api/v1/me") ;;
    health_r) out=$(wrk -t$threads -c$conns -d"${secs}s" -H "Authorization: Bearer $token_r" "$replicated/health") ;;
  esac
  if echo "$out" | grep -q 'Non-2xx'; then echo "non-2xx answers, $1:" >&2; echo "$out" >&2; exit 1; fi
  echo "$out" | rps
}
targets=(me_e me_r health_r)
declare -A results
echo "warming up..." >&2
for t in "${targets[@]}"; do run "$t" >/dev/null; done
for round in $(seq 1 "$rounds"); do
  echo "round $round of $rounds..." >&2
  # Rotate which target goes first.
  for k in 0 1 2; do
    t=${targets[$(( (k + round) % 3 ))]}
    results[$t]="${results[$t]:-} $(run "$t")"
  done
done
for t in "${targets[@]}"; do echo "raw $t:${results[$t]}" >&2; done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
read -ra e <<<"${results[me_e]}"
read -ra r <<<"${results[me_r]}"
read -ra h <<<"${results[health_r]}"
per_e=(); per_h=()
for k in "${!r[@]}"; do
  per_e+=("$(awk -v x="${r[$k]}" -v y="${e[$k]}" 'BEGIN { printf "%.2f", x / y }')")
  per_h+=("$(awk -v x="${r[$k]}" -v y="${h[$k]}" 'BEGIN { printf "%.2f", x / y }')")
done
echo "| $(nproc) cores, $rounds rounds of ${secs}s, wrk -t$threads -c$conns | req/s (median) | replicated /me ÷ this (median) | per round |"
echo "|---|---:|---:|---|"
printf '| GET /api/v1/me, replicated denylist (Redis feed, peer instance) | %.0f | 1.00 | |\n' "$(median "${r[@]}")"
printf '| GET /api/v1/me, embedded instance alone | %.0f | %.2f | %s |\n' "$(median "${e[@]}")" "$(median "${per_e[@]}")" "${per_e[*]}"
printf '| GET /health on the replicated instance (same header) | %.0f | %.2f | %s |\n' "$(median "${h[@]}")" "$(median "${per_h[@]}")" "${per_h[*]}"
