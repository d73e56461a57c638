#!/usr/bin/env bash
# The per-token rate limit under wrk, on loopback:
#   1. GET /api/v1/me with the limit off, on (local buckets) and on with Redis-backed buckets (an
#      instance with --redis-url and a peer sharing its budgets), a policy far too large to be hit;
#      and a fourth server with --redis-url and the limit off, the baseline of the Redis-backed one
#      (what Redis costs without the limit is bench/replicated-load.sh's figure). The four servers
#      run at once and short wrk runs alternate between them, round after round, so that the shared
#      machine's noise hits them alike (as bench/replicated-load.sh does).
#   2. The overshoot of a shared budget: one session's token sent by two wrk processes at once, one
#      to each of the two Redis-sharing instances, against a 5000/1h policy; the 2xx answers beyond
#      5000 are the overshoot.
# Usage: bench/ratelimit-load.sh [seconds per run, default 5] [rounds, default 4]. Prints Markdown tables.
set -euo pipefail
cd "$(dirname "$0")/.."
# Every server this script starts gets a management listener (/metrics) on a free port of its own.
export KEYCARD_MANAGEMENT_PORT=${KEYCARD_MANAGEMENT_PORT:-0}
. .mvn/find-jdk.sh
secs=${1:-5}
rounds=${2:-4}
threads=2
conns=32
quota=5000
command -v wrk >/dev/null || { echo "bench/ratelimit-load.sh needs wrk (apt-get install wrk)" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "bench/ratelimit-load.sh needs redis-server (apt-get install redis-server)" >&2; exit 1; }
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
for d in off local shared redisoff; do
  printf '%s' "$password" | keycard users add bench --password-stdin --scope "profile overshoot" --data-dir "$work/$d" >/dev/null
done
base_port=$(( 20000 + RANDOM % 10000 ))
declare -A server_pid
serve() { # name data-dir port [extra options]
  local name=$1 dir=$2 port=$3; shift 3
  KEYCARD_LOG_LEVEL=warn "$JAVA_HOME/bin/java" -jar "$jar" serve --data-dir "$dir" --port "$port" \
    --edge-port $(( port + 1 )) --no-demo-stream "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
  server_pid[$name]=$!
  for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done
}
never=1000000000/1h
off="http://127.0.0.1:$base_port"
local_="http://127.0.0.1:$(( base_port + 2 ))"
shared="http://127.0.0.1:$(( base_port + 4 ))"
peer="http://127.0.0.1:$(( base_port + 6 ))"
redisoff="http://127.0.0.1:$(( base_port + 8 ))"
redis="redis://127.0.0.1:$redis_port"
serve off "$work/off" "$base_port" --rate-limit off
serve local "$work/local" $(( base_port + 2 )) --rate-limit "$never"
# One issuer for the two, so that each accepts the other's tokens.
serve shared "$work/shared" $(( base_port + 4 )) --rate-limit "$never" --rate-limit-for "scope:overshoot=$quota/1h" --redis-url "$redis" --issuer "$shared"
serve peer "$work/shared" $(( base_port + 6 )) --rate-limit "$never" --rate-limit-for "scope:overshoot=$quota/1h" --redis-url "$redis" --issuer "$shared"
serve redisoff "$work/redisoff" $(( base_port + 8 )) --rate-limit off --redis-url "$redis" --issuer "$redisoff"

login() { # base scope
  curl -fs -X POST "$1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"bench\",\"password\":\"$password\",\"scope\":\"$2\"}" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p'
}
token_off=$(login "$off" profile)
token_local=$(login "$local_" profile)
token_shared=$(login "$shared" profile)
token_redisoff=$(login "$redisoff" profile)
[ -n "$token_off" ] && [ -n "$token_local" ] && [ -n "$token_shared" ] && [ -n "$token_redisoff" ] || { echo "login failed" >&2; cat "$work"/*.log >&2; exit 1; }
curl -fsi "$shared/api/v1/me" -H "Authorization: Bearer $token_shared" | grep -qi '^ratelimit-policy: "session";q=1000000000' \
  || { echo "the shared instance sends no RateLimit-Policy" >&2; exit 1; }

rps() { sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p'; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
declare -A cpu
run() { # target; sets last_rps and appends the server's CPU µs per request to cpu[target]
  local out before after
  before=$(cpu_ticks "${server_pid[$1]}")
  case $1 in
    off) out=$(wrk -t$threads -c$conns -d"${secs}s" -H "Authorization: Bearer $token_off" "$off/api/v1/me") ;;
    local) out=$(wrk -t$threads -c$conns -d"${secs}s" -H "Authorization: Bearer $token_local" "$local_/api/v1/me") ;;
    shared) out=$(wrk -t$threads -c$conns -d"${secs}s" -H "Authorization: Bearer $token_shared" "$shared/api/v1/me") ;;
    redisoff) out=$(wrk -t$threads -c$conns -d"${secs}s" -H "Authorization: Bearer $token_redisoff" "$redisoff/api/v1/me") ;;
  esac
  after=$(cpu_ticks "${server_pid[$1]}")
  if echo "$out" | grep -q 'Non-2xx'; then echo "non-2xx answers, $1:" >&2; echo "$out" >&2; exit 1; fi
  cpu[$1]="${cpu[$1]:-} $(echo "$out" | awk -v t=$(( after - before )) -v hz="$(getconf CLK_TCK)" \
    '/requests in/ { printf "%.1f", t * 1e6 / hz / $1 }')"
  last_rps=$(echo "$out" | rps)
}
targets=(off local shared redisoff)
declare -A results
echo "warming up..." >&2
for t in "${targets[@]}"; do run "$t"; done
unset cpu; declare -A cpu # the warm-up does not count
for round in $(seq 1 "$rounds"); do
  echo "round $round of $rounds..." >&2
  for k in 0 1 2 3; do
    t=${targets[$(( (k + round) % 4 ))]}
    run "$t"
    results[$t]="${results[$t]:-} $last_rps"
  done
done
for t in "${targets[@]}"; do echo "raw $t:${results[$t]} (CPU µs/request:${cpu[$t]})" >&2; done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
read -ra o <<<"${results[off]}"
read -ra l <<<"${results[local]}"
read -ra s <<<"${results[shared]}"
read -ra ro <<<"${results[redisoff]}"
per_l=(); per_s=(); per_sr=()
for k in "${!o[@]}"; do
  per_l+=("$(awk -v x="${l[$k]}" -v y="${o[$k]}" 'BEGIN { printf "%.2f", x / y }')")
  per_s+=("$(awk -v x="${s[$k]}" -v y="${o[$k]}" 'BEGIN { printf "%.2f", x / y }')")
  per_sr+=("$(awk -v x="${s[$k]}" -v y="${ro[$k]}" 'BEGIN { printf "%.2f", x / y }')")
done
read -ra co <<<"${cpu[off]}"
read -ra cl <<<"${cpu[local]}"
read -ra cs <<<"${cpu[shared]}"
read -ra cr <<<"${cpu[redisoff]}"
echo "| $(nproc) cores, $rounds rounds of ${secs}s, wrk -t$threads -c$conns | req/s (median) | ÷ its baseline (median of rounds) | per round | ÷ embedded, limit off | server CPU µs per request (median) |"
echo "|---|---:|---:|---|---:|---:|"
printf '| GET /api/v1/me, embedded, --rate-limit off | %.0f | 1.00 | | 1.00 | %.1f |\n' "$(median "${o[@]}")" "$(median "${co[@]}")"
printf '| GET /api/v1/me, embedded, local buckets | %.0f | %.2f | %s | %.2f | %.1f |\n' "$(median "${l[@]}")" "$(median "${per_l[@]}")" "${per_l[*]}" "$(median "${per_l[@]}")" "$(median "${cl[@]}")"
printf '| GET /api/v1/me, --redis-url, --rate-limit off | %.0f | 1.00 | | | %.1f |\n' "$(median "${ro[@]}")" "$(median "${cr[@]}")"
printf '| GET /api/v1/me, --redis-url, Redis-backed buckets (peer instance) | %.0f | %.2f | %s | %.2f | %.1f |\n' "$(median "${s[@]}")" "$(median "${per_sr[@]}")" "${per_sr[*]}" "$(median "${per_s[@]}")" "$(median "${cs[@]}")"

# The overshoot: a fresh session per trial, its token hammered on both instances at once.
allowed() { # wrk output -> 2xx answers
  awk '/requests in/ { total = $1 } /Non-2xx or 3xx responses:/ { bad = $5 } END { print total - bad }'
}
echo
echo "| trial: one session, $quota/1h, two wrk -t1 -c16 (one per instance) for 3 s | 2xx on A | 2xx on B | total 2xx (+1 check) | overshoot |"
echo "|---|---:|---:|---:|---:|"
for trial in 1 2 3; do
  t=$(login "$shared" "profile overshoot")
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$peer/api/v1/me" -H "Authorization: Bearer $t")" = 200 ] \
    || { echo "the peer refuses the shared instance's token" >&2; exit 1; }
  wrk -t1 -c16 -d3s -H "Authorization: Bearer $t" "$shared/api/v1/me" >"$work/a.out" &
  wa=$!
  wrk -t1 -c16 -d3s -H "Authorization: Bearer $t" "$peer/api/v1/me" >"$work/b.out" &
  wb=$!
  wait "$wa" "$wb"
  a=$(allowed <"$work/a.out"); b=$(allowed <"$work/b.out")
  printf '| %d | %d | %d | %d | %d |\n' "$trial" "$a" "$b" $(( a + b + 1 )) $(( a + b + 1 - quota ))
done
