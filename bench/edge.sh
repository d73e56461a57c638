#!/usr/bin/env bash
# Loopback benchmark of keycard's edge beside nginx, with wrk (apt-get install -y wrk nginx):
#   1. keycard's edge serving a cached 100 KB MPEG-TS segment behind its signed-URL check (scheme 1,
#      HMAC-SHA256, plus the revoked-session lookup), the URL obtained the way a player gets it:
#      login -> POST /api/v1/stream/start -> the ticket opens a playback session at the edge -> the
#      media playlist at its session URL -> a segment URL from it;
#   2. nginx serving the same file behind secure_link_md5, configured with the directives that
#      keycard-core's NginxSecureLink.nginxDirectives() renders, with a URL its signer made.
# Both in the same run, on 127.0.0.1, sharing this machine's cores with wrk (keycard: 2 event loops;
# nginx: worker_processes auto). The two alternate for several rounds so that a noisy neighbour hurts
# both alike; the table shows the medians and each round's ratio.
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

# KEYCARD_JAR=path/to/keycard.jar runs that server build instead of this tree's (before/after comparisons).
./mvnw -q -B -DskipTests -pl keycard-core,keycard-server -am package >&2
jar=${KEYCARD_JAR:-keycard-server/target/keycard.jar}
keycard() { "$JAVA_HOME/bin/java" ${KEYCARD_JAVA_OPTS:-} -jar "$jar" "$@"; }
work=$(mktemp -d)
api_port=$(( 20000 + RANDOM % 10000 ))
edge_port=$(( api_port + 1 ))
nginx_port=$(( api_port + 2 ))
server=""
cleanup() {
  [ -n "$server" ] && { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
  [ -f "$work/nginx/nginx.pid" ] && kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The segment both servers serve: 100 KB of MPEG-TS packets (0x47 sync byte every 188 bytes).
segment="$work/seg-0.ts"
python3 - "$segment" <<'PY'
import sys
packet = bytes([0x47]) + bytes(187)
data = (packet * (102400 // 188 + 1))[:102400 - 102400 % 188]
open(sys.argv[1], "wb").write(data)
PY
bytes=$(stat -c %s "$segment")

# --- keycard ---------------------------------------------------------------------------------
data="$work/data"
password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
printf '%s' "$password" | keycard users add bench --password-stdin --scope "stream:watch" --data-dir "$data" >/dev/null
keycard streams add bench --data-dir "$data" >/dev/null
secret=$(keycard clients add encoder --scope "stream:publish:bench" --data-dir "$data" | sed -n 's/^client_secret: //p')
KEYCARD_LOG_LEVEL=warn "$JAVA_HOME/bin/java" ${KEYCARD_JAVA_OPTS:-} -jar "$jar" serve --data-dir "$data" --port "$api_port" --edge-port "$edge_port" \
  --edge-base-url "http://127.0.0.1:$edge_port" --no-demo-stream >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$api_port/health" >/dev/null 2>&1 && break; sleep 0.2; done
api="http://127.0.0.1:$api_port"
json() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p"; }
publish_token=$(curl -fs -u "encoder:$secret" -X POST "$api/oauth2/token" -d grant_type=client_credentials | json access_token)
curl -fs -X PUT --data-binary @"$segment" -H "Authorization: Bearer $publish_token" "$api/ingest/bench/seg-0.ts"
viewer_token=$(curl -fs -X POST "$api/auth/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"bench\",\"password\":\"$password\"}" | json access_token)
[ -n "$viewer_token" ] || { echo "login failed; server log:" >&2; cat "$work/server.log" >&2; exit 1; }

# A fresh segment URL: a 30 s target duration makes the edge sign segments for 90 s, longer than a run.
segment_url() {
  printf '#EXTM3U\n#EXT-X-TARGETDURATION:30\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:30.0,\nseg-0.ts\n' \
    | curl -fs -X PUT --data-binary @- -H "Authorization: Bearer $publish_token" "$api/ingest/bench/index.m3u8"
  local playlist
  playlist=$(curl -fs -X POST "$api/api/v1/stream/start" -H "Authorization: Bearer $viewer_token" \
    -H 'Content-Type: application/json' -d '{"stream_id":"bench"}' | json playlist_url)
  local media
  media=$(curl -fs "$playlist" | grep -v '^#' | head -n 1)
  echo "http://127.0.0.1:$edge_port$(curl -fs "http://127.0.0.1:$edge_port$media" | grep -v '^#' | head -n 1)"
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

# --- sanity: both serve the same bytes, and refuse a tampered URL --------------------------------
check() { # url expected-status
  local got
  got=$(curl -s -o "$work/body" -w '%{http_code}' "$1")
  [ "$got" = "$2" ] || { echo "expected $2 from $1, got $got" >&2; exit 1; }
  [ "$2" != 200 ] || cmp -s "$work/body" "$segment" || { echo "$1 served other bytes" >&2; exit 1; }
}
edge_url=$(segment_url)
check "$edge_url" 200
check "$nginx_url" 200
check "${edge_url/seg-0.ts/seg-1.ts}" 403
check "${nginx_url/md5=/md5=A}" 403

rps() { sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p'; }
echo "warming up..." >&2
wrk -t$threads -c$conns -d5s "$nginx_url" >/dev/null
wrk -t$threads -c$conns -d5s "$(segment_url)" >/dev/null
nginx_runs=()
edge_runs=()
ratios=()
for round in $(seq 1 "$rounds"); do
  echo "round $round of $rounds..." >&2
  nginx_out=$(wrk -t$threads -c$conns -d"${secs}s" "$nginx_url")
  edge_out=$(wrk -t$threads -c$conns -d"${secs}s" "$(segment_url)")
  for out in "$nginx_out" "$edge_out"; do
    if echo "$out" | grep -q 'Non-2xx'; then echo "a run had non-2xx answers:" >&2; echo "$out" >&2; exit 1; fi
  done
  nginx_runs+=("$(echo "$nginx_out" | rps)")
  edge_runs+=("$(echo "$edge_out" | rps)")
  ratios+=("$(awk -v a="${edge_runs[-1]}" -v b="${nginx_runs[-1]}" 'BEGIN { printf "%.2f", a / b }')")
  echo "  nginx ${nginx_runs[-1]} req/s, edge ${edge_runs[-1]} req/s" >&2
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
nginx_rps=$(median "${nginx_runs[@]}")
edge_rps=$(median "${edge_runs[@]}")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
cat <<TABLE
| ${bytes}-byte segment, signed URL ($(nproc) cores; median of $rounds alternating ${secs}s runs, wrk -t$threads -c$conns) | requests/s | ratio | ratio per round |
|---|---:|---:|---|
| nginx $("$nginx_bin" -v 2>&1 | sed 's/.*nginx\///') secure_link_md5 (worker_processes auto, sendfile) | $nginx_rps | 1.00 | |
| keycard edge (HMAC-SHA256 URL + revoked-session check, cached segment, epoll) | $edge_rps | $(ratio "$edge_rps" "$nginx_rps") | ${ratios[*]} |
TABLE
