#!/usr/bin/env bash
# Memory under a long live event: one ffmpeg encoder publishes into a real keycard (stream key, the
# docs' command) while N ffmpeg players watch through the edge; the server's resident set size (RSS)
# and its Java heap in use are sampled every 30 s. Not a test: it takes as long as you ask (default 10
# minutes). KEYCARD_JAVA_OPTS (e.g. -Xmx256m) goes to the server's JVM.
#   bench/live-soak.sh [seconds, default 600] [viewers, default 20]
# Prints a Markdown table: elapsed time, RSS, heap in use, players still playing, encoder running.
# Needs ffmpeg and curl. Everything runs on 127.0.0.1 in a temporary data directory.
set -euo pipefail
cd "$(dirname "$0")/.."
. .mvn/find-jdk.sh
secs=${1:-600}
viewers=${2:-20}
command -v ffmpeg >/dev/null || { echo "bench/live-soak.sh needs ffmpeg (apt-get install ffmpeg)" >&2; exit 1; }

./mvnw -q -B -DskipTests -pl keycard-server -am package >&2
data=$(mktemp -d)
port=$(( 20000 + RANDOM % 20000 ))
edge=$(( port + 1 ))
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  kill "$server" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
printf '%s' "$password" | ./keycard users add viewer --password-stdin --scope "stream:watch" --data-dir "$data" >/dev/null
./keycard streams add soak --data-dir "$data" >/dev/null
key=$(./keycard streams keys add soak --data-dir "$data" | sed -n 's/^stream_key: //p')
KEYCARD_LOG_LEVEL=warn KEYCARD_MANAGEMENT_PORT=0 ./keycard serve --data-dir "$data" --port "$port" --edge-port "$edge" --no-demo-stream \
  >"$data/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.2; done
base="http://127.0.0.1:$port"

ffmpeg -hide_banner -nostdin -loglevel error -re -f lavfi -i testsrc2=size=640x360:rate=30 -f lavfi -i sine \
  -c:v libx264 -preset ultrafast -g 60 -b:v 1500k -c:a aac -f hls -hls_time 2 -hls_list_size 6 \
  -hls_flags delete_segments -method PUT -http_persistent 1 -t "$((secs + 120))" \
  "$base/ingest/soak/$key/index.m3u8" >"$data/encoder.log" 2>&1 &
encoder=$!
pids+=("$encoder")
sleep 8

for i in $(seq 1 "$viewers"); do
  token=$(curl -fs -X POST "$base/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"viewer\",\"password\":\"$password\"}" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
  url=$(curl -fs -X POST "$base/api/v1/stream/start" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d '{"stream_id":"soak"}' | sed -n 's/.*"playlist_url":"\([^"]*\)".*/\1/p')
  ffmpeg -hide_banner -nostdin -loglevel warning -i "$url" -map 0 -c copy -f mpegts -y /dev/null \
    >"$data/viewer-$i.log" 2>&1 &
  pids+=("$!")
done

rss() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$server/status"; }
# Heap in use, from the JVM itself ("garbage-first heap total 262144K, used 81234K").
heap() { "$JAVA_HOME/bin/jcmd" "$server" GC.heap_info 2>/dev/null | sed -n 's/.*used \([0-9]*\)K.*/\1/p' | head -n 1 \
  | awk '{printf "%.0f", $1 / 1024}'; }
playing() { local n=0; for p in "${pids[@]:1}"; do kill -0 "$p" 2>/dev/null && n=$((n + 1)); done; echo "$n"; }
echo "| elapsed | server RSS (MiB) | heap in use (MiB) | players playing | encoder running |"
echo "|---:|---:|---:|---:|---|"
start=$(date +%s)
while :; do
  now=$(( $(date +%s) - start ))
  enc=$(kill -0 "$encoder" 2>/dev/null && echo yes || echo no)
  echo "| ${now} s | $(rss) | $(heap) | $(playing) / $viewers | $enc |"
  [ "$now" -ge "$secs" ] && break
  sleep 30
done
errors=$(grep -c -iE 'exception|error' "$data/server.log" || true)
echo
echo "server log: $(wc -l <"$data/server.log") lines, $errors mentioning an error or exception"
# A player that stopped says why in its last lines (a 503 means the encoder fell behind: a busy machine).
for i in $(seq 1 "$viewers"); do
  kill -0 "${pids[$i]}" 2>/dev/null || echo "player $i stopped: $(grep -v '^\s*$' "$data/viewer-$i.log" | tail -n 2 | tr '\n' ' ' | cut -c1-200)"
done
