#!/usr/bin/env bash
# Two keycard builds side by side, on the same machine at the same time: both servers run at once, and
# short wrk runs alternate between them, round after round, so that a noisy neighbour slows both alike.
# Each round measures, on each build:
#   GET  /health                   API, unprotected (the same Authorization header sent)
#   GET  /api/v1/me                API, RS256 bearer (cached after first use)
#   POST /oauth2/token             API, form body, answered on the event loop (unsupported grant: 400)
#   GET  /live/bench/seg-0.ts?...  edge, a cached 100 KB segment behind a signed URL
# Prints a Markdown table: medians per build and the ratio B/A with each round's ratio.
# Usage: bench/ab.sh A.jar B.jar [seconds per run, default 5] [rounds, default 6]
set -euo pipefail
cd "$(dirname "$0")/.."
. .mvn/find-jdk.sh
[ $# -ge 2 ] || { echo "usage: bench/ab.sh A.jar B.jar [seconds] [rounds]" >&2; exit 2; }
jars=("$1" "$2")
secs=${3:-5}
rounds=${4:-6}
threads=2
conns=32
command -v wrk >/dev/null || { echo "bench/ab.sh needs wrk (apt-get install wrk)" >&2; exit 1; }

work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
python3 - "$work/seg-0.ts" <<'PY'
import sys
packet = bytes([0x47]) + bytes(187)
open(sys.argv[1], "wb").write((packet * (102400 // 188 + 1))[:102400 - 102400 % 188])
PY
printf '%s' 'grant_type=password&username=x&password=y' >"$work/form"
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
local f = io.open("$work/form", "rb"); wrk.body = f:read("*a"); f:close()
LUA

json() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p"; }
declare -a api edge token publish
base_port=$(( 20000 + RANDOM % 10000 ))
for i in 0 1; do
  data="$work/data$i"
  keycard() { "$JAVA_HOME/bin/java" -jar "${jars[$i]}" "$@"; }
  password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
  printf '%s' "$password" | keycard users add bench --password-stdin --scope "profile stream:watch" --data-dir "$data" >/dev/null
  keycard streams add bench --data-dir "$data" >/dev/null
  secret=$(keycard clients add encoder --scope "stream:publish:bench" --data-dir "$data" | sed -n 's/^client_secret: //p')
  api[$i]=$(( base_port + 2 * i ))
  edge[$i]=$(( base_port + 2 * i + 1 ))
  # The per-token rate limit off (a variable: jars from before the option ignore it).
  KEYCARD_RATE_LIMIT=off KEYCARD_LOG_LEVEL=warn KEYCARD_MANAGEMENT_PORT=0 "$JAVA_HOME/bin/java" -jar "${jars[$i]}" serve --data-dir "$data" --port "${api[$i]}" \
    --edge-port "${edge[$i]}" --edge-base-url "http://127.0.0.1:${edge[$i]}" --no-demo-stream >"$work/server$i.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:${api[$i]}/health" >/dev/null 2>&1 && break; sleep 0.2; done
  a="http://127.0.0.1:${api[$i]}"
  publish[$i]=$(curl -fs -u "encoder:$secret" -X POST "$a/oauth2/token" -d grant_type=client_credentials | json access_token)
  curl -fs -X PUT --data-binary @"$work/seg-0.ts" -H "Authorization: Bearer ${publish[$i]}" "$a/ingest/bench/seg-0.ts"
  token[$i]=$(curl -fs -X POST "$a/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"bench\",\"password\":\"$password\"}" | json access_token)
  [ -n "${token[$i]}" ] || { echo "login failed on ${jars[$i]}" >&2; cat "$work/server$i.log" >&2; exit 1; }
done

# A fresh segment URL for each run: the playlist is published again (a stream with no new playlist
# for three target durations goes offline), then started and read as a player would.
segment_url() {
  local playlist
  printf '#EXTM3U\n#EXT-X-TARGETDURATION:30\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:30.0,\nseg-0.ts\n' \
    | curl -fs -X PUT --data-binary @- -H "Authorization: Bearer ${publish[$1]}" "http://127.0.0.1:${api[$1]}/ingest/bench/index.m3u8"
  playlist=$(curl -fs -X POST "http://127.0.0.1:${api[$1]}/api/v1/stream/start" -H "Authorization: Bearer ${token[$1]}" \
    -H 'Content-Type: application/json' -d '{"stream_id":"bench"}' | json playlist_url)
  echo "http://127.0.0.1:${edge[$1]}$(curl -fs "$playlist" | grep -v '^#' | head -n 1)"
}
rps() { sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p'; }
run() { # build target -> requests/s
  local i=$1 out
  case $2 in
    health) out=$(wrk -t$threads -c$conns -d"${secs}s" -H "Authorization: Bearer ${token[$i]}" "http://127.0.0.1:${api[$i]}/health") ;;
    me) out=$(wrk -t$threads -c$conns -d"${secs}s" -H "Authorization: Bearer ${token[$i]}" "http://127.0.0.1:${api[$i]}/api/v1/me") ;;
    post) out=$(wrk -t$threads -c$conns -d"${secs}s" -s "$work/post.lua" "http://127.0.0.1:${api[$i]}/oauth2/token") ;;
    edge) out=$(wrk -t$threads -c$conns -d"${secs}s" "$(segment_url "$i")") ;;
  esac
  if [ "$2" != post ] && echo "$out" | grep -q 'Non-2xx'; then echo "non-2xx answers from build $i, $2:" >&2; echo "$out" >&2; exit 1; fi
  echo "$out" | rps
}

targets=(health me post edge)
declare -A results
echo "warming up..." >&2
for t in "${targets[@]}"; do run 0 "$t" >/dev/null; run 1 "$t" >/dev/null; done
for round in $(seq 1 "$rounds"); do
  echo "round $round of $rounds..." >&2
  for t in "${targets[@]}"; do
    # Alternate which build goes first, so that neither always follows the other's run.
    if (( round % 2 )); then first=0; else first=1; fi
    for i in $first $(( 1 - first )); do
      results[$t,$i]="${results[$t,$i]:-} $(run "$i" "$t")"
    done
  done
done

for t in "${targets[@]}"; do echo "raw $t: A${results[$t,0]} | B${results[$t,1]}" >&2; done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "| $(nproc) cores, $rounds rounds of ${secs}s, wrk -t$threads -c$conns | A: $(basename "${jars[0]}") req/s | B: $(basename "${jars[1]}") req/s | B/A (median) | B/A per round |"
echo "|---|---:|---:|---:|---|"
for t in "${targets[@]}"; do
  read -ra a <<<"${results[$t,0]}"
  read -ra b <<<"${results[$t,1]}"
  per=()
  for k in "${!a[@]}"; do per+=("$(awk -v x="${b[$k]}" -v y="${a[$k]}" 'BEGIN { printf "%.2f", x / y }')"); done
  ma=$(median "${a[@]}"); mb=$(median "${b[@]}")
  case $t in
    health) label="GET /health" ;;
    me) label="GET /api/v1/me (RS256 bearer)" ;;
    post) label="POST /oauth2/token (form, answered 400 on the event loop)" ;;
    *) label="edge: cached 100 KB segment, signed URL" ;;
  esac
  printf '| %s | %.0f | %.0f | %.2f | %s |\n' "$label" "$ma" "$mb" "$(median "${per[@]}")" "${per[*]}"
done
