#!/usr/bin/env bash
# Loopback benchmark of keycard's edge beside nginx, with wrk (apt-get install -y wrk nginx):
#   1. nginx serving a 100 KB MPEG-TS segment behind secure_link_md5, configured with the directives
#      that keycard-core's NginxSecureLink.nginxDirectives() renders, with a URL its signer made;
#   2. an edge-only keycard (--roles edge) serving the same segment from its cache, pulled once from
#      the origin instance over HTTP, behind its signed-URL check (scheme 1, HMAC-SHA256, plus the
#      revoked-session lookup), the URL obtained the way a player gets it: login -> POST
#      /api/v1/stream/start on the API -> the ticket opens a playback session at the edge -> the media
#      playlist at its session URL -> a segment URL from it;
#   3. the origin instance's own edge (all roles in one process), the same way.
# All in the same run, on 127.0.0.1, sharing this machine's cores with wrk (each keycard: 2 event
# loops; nginx: worker_processes auto). They take turns for several rounds so that a noisy neighbour
# hurts all alike; the table shows the medians and each round's ratio to nginx, and each server's CPU
# time per request (user + system of its processes during the run, /proc/PID/task/*/stat), which a
# noisy neighbour disturbs less than requests per second.
# EDGE_VARIANTS='label=java options;label=java options' runs one edge-only instance per entry instead
# of the single default one (e.g. to compare settings side by side in one run); options starting with
# @path/to/keycard.jar run that build for the entry (two builds side by side in one run, e.g.
# EDGE_VARIANTS='before=@/tmp/before.jar;after='), and KEYCARD_*=value words set serve's options for
# the entry (e.g. 'big cache=KEYCARD_EDGE_CACHE_MIB=4096'); KEYCARD_JAR=path runs another build for
# the rest.
# Usage: bench/edge.sh [seconds per run, default 10] [rounds, default 3]. Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
. .mvn/find-jdk.sh
secs=${1:-10}
rounds=${2:-3}
threads=2
conns=32
for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "bench/edge.sh needs $tool (apt-get install -y $tool)" >&2; exit 1; }
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

if [ -z "${KEYCARD_JAR:-}" ]; then
  ./mvnw -q -B -DskipTests -pl keycard-core,keycard-server -am package >&2
fi
jar=${KEYCARD_JAR:-keycard-server/target/keycard.jar}
keycard() { "$JAVA_HOME/bin/java" ${KEYCARD_JAVA_OPTS:-} -jar "$jar" "$@"; }
work=$(mktemp -d)
api_port=$(( 50000 + RANDOM % 9000 ))
edge_port=$(( api_port + 1 ))
nginx_port=$(( api_port + 2 ))
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  [ -f "$work/nginx/nginx.pid" ] && kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The segment every server serves: 100 KB of MPEG-TS packets (0x47 sync byte every 188 bytes).
segment="$work/seg-0.ts"
python3 - "$segment" <<'PY'
import sys
packet = bytes([0x47]) + bytes(187)
data = (packet * (102400 // 188 + 1))[:102400 - 102400 % 188]
open(sys.argv[1], "wb").write(data)
PY
bytes=$(stat -c %s "$segment")

# --- keycard: an origin instance with every role, and edge-only instances pulling from it ---------
data="$work/data"
password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
printf '%s' "$password" | keycard users add bench --password-stdin --scope "stream:watch" --data-dir "$data" >/dev/null
keycard streams add bench --data-dir "$data" >/dev/null
secret=$(keycard clients add encoder --scope "stream:publish:bench" --data-dir "$data" | sed -n 's/^client_secret: //p')
export KEYCARD_ORIGIN_SECRET
KEYCARD_ORIGIN_SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
KEYCARD_LOG_LEVEL=warn KEYCARD_MANAGEMENT_PORT=0 "$JAVA_HOME/bin/java" ${KEYCARD_JAVA_OPTS:-} -jar "$jar" serve --data-dir "$data" \
  --port "$api_port" --edge-port "$edge_port" --edge-base-url "http://127.0.0.1:$edge_port" --no-demo-stream \
  >"$work/origin.log" 2>&1 &
pids+=($!)
server_pids=($!)
await() { # url
  for _ in $(seq 1 150); do curl -s -o /dev/null "$1" && return 0; sleep 0.2; done
  echo "nothing answers at $1; logs:" >&2; cat "$work"/*.log >&2; exit 1
}
await "http://127.0.0.1:$api_port/health"
labels=("keycard, all roles in one process")
ports=("$edge_port")
IFS=';' read -ra variants <<<"${EDGE_VARIANTS:-edge-only (--roles edge)=}"
port=$(( api_port + 3 ))
for variant in "${variants[@]}"; do
  label=${variant%%=*}
  opts=${variant#*=}
  variant_jar=$jar
  if [[ $opts == @* ]]; then # @path/to/keycard.jar first: this edge runs that build
    variant_jar=${opts%% *}
    opts=${opts#"$variant_jar"}
    variant_jar=${variant_jar#@}
  fi
  variant_env=()
  read -ra words <<<"$opts"
  opts=""
  for word in "${words[@]}"; do # KEYCARD_...=value words: its environment (serve's options)
    if [[ $word == KEYCARD_*=* ]]; then variant_env+=("$word"); else opts="$opts $word"; fi
  done
  env ${variant_env[@]+"${variant_env[@]}"} KEYCARD_LOG_LEVEL=warn KEYCARD_MANAGEMENT_PORT=0 "$JAVA_HOME/bin/java" ${KEYCARD_JAVA_OPTS:-} $opts -jar "$variant_jar" serve --data-dir "$data" \
    --roles edge --origin-url "http://127.0.0.1:$api_port" --edge-port "$port" --no-demo-stream \
    >"$work/edge-$port.log" 2>&1 &
  pids+=($!)
  server_pids+=($!)
  await "http://127.0.0.1:$port/"
  labels+=("keycard $label")
  ports+=("$port")
  port=$(( port + 1 ))
done

api="http://127.0.0.1:$api_port"
json() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p"; }
publish_token=$(curl -fs -u "encoder:$secret" -X POST "$api/oauth2/token" -d grant_type=client_credentials | json access_token)
curl -fs -X PUT --data-binary @"$segment" -H "Authorization: Bearer $publish_token" "$api/ingest/bench/seg-0.ts"
viewer_token=$(curl -fs -X POST "$api/auth/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"bench\",\"password\":\"$password\"}" | json access_token)
[ -n "$viewer_token" ] || { echo "login failed; server log:" >&2; cat "$work/origin.log" >&2; exit 1; }

# A fresh segment URL at the edge on port $1: a 30 s target duration makes the edge sign segments for
# 90 s, longer than a run. Any edge opens the ticket: stream-start's URLs name the first, the path and
# query are the same at every edge.
segment_url() {
  printf '#EXTM3U\n#EXT-X-TARGETDURATION:30\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:30.0,\nseg-0.ts\n' \
    | curl -fs -X PUT --data-binary @- -H "Authorization: Bearer $publish_token" "$api/ingest/bench/index.m3u8"
  local playlist
  playlist=$(curl -fs -X POST "$api/api/v1/stream/start" -H "Authorization: Bearer $viewer_token" \
    -H 'Content-Type: application/json' -d '{"stream_id":"bench"}' | json playlist_url)
  playlist="http://127.0.0.1:$1${playlist#http://127.0.0.1:$edge_port}"
  local media
  media=$(curl -fs "$playlist" | grep -v '^#' | head -n 1)
  echo "http://127.0.0.1:$1$(curl -fs "http://127.0.0.1:$1$media" | grep -v '^#' | head -n 1)"
}

# --- nginx -----------------------------------------------------------------------------------
nginx_secret=$(head -c 30 /dev/urandom | base64 | tr -d '/+=')
mkdir -p "$work/nginx/www/live/bench"
# nginx's workers run as an unprivileged user: let them reach the media (only the media).
chmod 711 "$work" "$work/nginx"
chmod -R a+rX "$work/nginx/www"
cp "$segment" "$work/nginx/www/live/bench/seg-0.ts"
tool=(java -cp keycard-core/target/classes bench/NginxSecureLinkTool.java)
"$JAVA_HOME/bin/${tool[0]}" "${tool[@]:1}" directives "$nginx_secret" >"$work/nginx/secure_link.conf"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  client_body_temp_path $work/nginx/client_body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  types { video/mp2t ts; }
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/nginx/www;
    location /live/ {
      include $work/nginx/secure_link.conf;
    }
  }
}
CONF
"$nginx_bin" -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf"
expires=$(( $(date +%s) + 3600 ))
nginx_url="http://127.0.0.1:$nginx_port$("$JAVA_HOME/bin/${tool[0]}" "${tool[@]:1}" sign "$nginx_secret" /live/bench/seg-0.ts "$expires")"

# --- sanity: all serve the same bytes, and refuse a tampered URL ---------------------------------
check() { # url expected-status
  local got
  got=$(curl -s -o "$work/body" -w '%{http_code}' "$1")
  [ "$got" = "$2" ] || { echo "expected $2 from $1, got $got" >&2; exit 1; }
  [ "$2" != 200 ] || cmp -s "$work/body" "$segment" || { echo "$1 served other bytes" >&2; exit 1; }
}
check "$nginx_url" 200
check "${nginx_url/md5=/md5=A}" 403
for p in "${ports[@]}"; do
  url=$(segment_url "$p")
  check "$url" 200
  check "${url/seg-0.ts/seg-1.ts}" 403
done

nginx_pids=("$(cat "$work/nginx/nginx.pid")")
for p in $(pgrep -P "${nginx_pids[0]}"); do nginx_pids+=("$p"); done
ticks() { # pids... -> CPU clock ticks (user + system) of all their threads so far
  local t=0 p task f
  for p in "$@"; do
    for task in /proc/"$p"/task/*; do
      read -ra f <"$task/stat" 2>/dev/null || continue
      t=$(( t + f[13] + f[14] ))
    done
  done
  echo "$t"
}
hz=$(getconf CLK_TCK)
run() { # url seconds pids... -> "requests/s microseconds-of-CPU-per-request"
  local url=$1 d=$2 out before after requests
  shift 2
  before=$(ticks "$@")
  out=$(wrk -t$threads -c$conns -d"${d}s" "$url")
  after=$(ticks "$@")
  if echo "$out" | grep -q 'Non-2xx'; then echo "a run had non-2xx answers:" >&2; echo "$out" >&2; exit 1; fi
  requests=$(echo "$out" | sed -n 's/^ *\([0-9]*\) requests in.*/\1/p')
  awk -v rps="$(echo "$out" | sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p')" -v t=$(( after - before )) -v hz="$hz" \
    -v n="$requests" 'BEGIN { printf "%s %.1f", rps, t / hz * 1e6 / n }'
}
echo "warming up..." >&2
run "$nginx_url" 5 "${nginx_pids[@]}" >/dev/null
for i in "${!ports[@]}"; do run "$(segment_url "${ports[$i]}")" 5 "${server_pids[$i]}" >/dev/null; done
nginx_runs=()
nginx_cpu=()
declare -A edge_runs edge_cpu ratios
for round in $(seq 1 "$rounds"); do
  echo "round $round of $rounds..." >&2
  read -r r c <<<"$(run "$nginx_url" "$secs" "${nginx_pids[@]}")"
  nginx_runs+=("$r")
  nginx_cpu+=("$c")
  line="  nginx $r req/s ($c us CPU/request)"
  for i in "${!ports[@]}"; do
    read -r r c <<<"$(run "$(segment_url "${ports[$i]}")" "$secs" "${server_pids[$i]}")"
    edge_runs[$i]="${edge_runs[$i]:-} $r"
    edge_cpu[$i]="${edge_cpu[$i]:-} $c"
    ratios[$i]="${ratios[$i]:-} $(awk -v a="$r" -v b="${nginx_runs[-1]}" 'BEGIN { printf "%.2f", a / b }')"
    line="$line, ${labels[$i]} $r ($c)"
  done
  echo "$line" >&2
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
nginx_rps=$(median "${nginx_runs[@]}")

echo "| ${bytes}-byte segment, signed URL ($(nproc) cores; median of $rounds rounds of ${secs}s runs taking turns, wrk -t$threads -c$conns) | requests/s | ratio to nginx (median of rounds) | ratio per round | CPU µs per request |"
echo "|---|---:|---:|---|---:|"
echo "| nginx $("$nginx_bin" -v 2>&1 | sed 's/.*nginx\///') secure_link_md5 (worker_processes auto, sendfile) | $nginx_rps | 1.00 | | $(median "${nginx_cpu[@]}") |"
for i in "${!ports[@]}"; do
  read -ra r <<<"${edge_runs[$i]}"
  read -ra q <<<"${ratios[$i]}"
  read -ra c <<<"${edge_cpu[$i]}"
  printf '| %s | %s | **%.2f** | %s | %s |\n' "${labels[$i]}" "$(median "${r[@]}")" "$(median "${q[@]}")" "${ratios[$i]# }" \
    "$(median "${c[@]}")"
done
