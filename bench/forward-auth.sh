#!/usr/bin/env bash
# Forward authentication, side by side in one run (issue 10's goals): on one keycard, GET /auth/verify
# with an RS256 bearer (cached after first use) beside GET /health; and nginx in front of a trivial
# upstream with auth_request to keycard beside the same nginx without it. wrk rounds alternate, so a
# noisy neighbour slows both sides of each pair alike. Prints medians and ratios (Markdown).
# Usage: bench/forward-auth.sh [seconds per run, default 5] [rounds, default 5]
set -euo pipefail
cd "$(dirname "$0")/.."
. .mvn/find-jdk.sh
secs=${1:-5}
rounds=${2:-5}
threads=2
conns=32
for tool in wrk nginx; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "bench/forward-auth.sh needs $tool" >&2; exit 1; }
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
jar=keycard-server/target/keycard.jar
[ -f "$jar" ] || ./mvnw -q -B -DskipTests package >&2

work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
base_port=$(( 20000 + RANDOM % 10000 ))
api=$base_port; edge=$(( base_port + 1 )); upstream=$(( base_port + 2 )); plain=$(( base_port + 3 )); guarded=$(( base_port + 4 ))

password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
printf '%s' "$password" | "$JAVA_HOME/bin/java" -jar "$jar" users add bench --password-stdin --scope "profile" \
  --data-dir "$work/data" >/dev/null
KEYCARD_LOG_LEVEL=warn KEYCARD_MANAGEMENT_PORT=0 "$JAVA_HOME/bin/java" -jar "$jar" serve --data-dir "$work/data" \
  --port "$api" --edge-port "$edge" --no-demo-stream >"$work/keycard.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$api/health" >/dev/null 2>&1 && break; sleep 0.2; done
token=$(curl -fs -X POST "http://127.0.0.1:$api/auth/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"bench\",\"password\":\"$password\"}" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || { echo "login failed" >&2; cat "$work/keycard.log" >&2; exit 1; }

mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body; proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi; uwsgi_temp_path $work/nginx/uwsgi; scgi_temp_path $work/nginx/scgi;
  upstream keycard { server 127.0.0.1:$api; keepalive 32; }
  upstream app { server 127.0.0.1:$upstream; keepalive 32; }
  server { listen 127.0.0.1:$upstream; location / { return 200 "ok\n"; } }
  server {
    listen 127.0.0.1:$plain;
    location / { proxy_http_version 1.1; proxy_set_header Connection ""; proxy_pass http://app; }
  }
  server {
    listen 127.0.0.1:$guarded;
    location / {
      auth_request /_keycard;
      auth_request_set \$keycard_subject \$upstream_http_x_keycard_subject;
      proxy_set_header X-Keycard-Subject \$keycard_subject;
      proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_pass http://app;
    }
    location = /_keycard {
      internal;
      proxy_pass http://keycard/auth/verify;
      proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
    }
  }
}
CONF
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' >"$work/nginx/stdout.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$plain/" >/dev/null 2>&1 && break; sleep 0.1; done
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "http://127.0.0.1:$guarded/")" = 200 ] \
  || { echo "nginx with auth_request does not let the token through" >&2; cat "$work/nginx/error.log" >&2; exit 1; }

rps() { sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p'; }
run() {
  local out
  case $1 in
    health) out=$(wrk -t$threads -c$conns -d"${secs}s" -H "Authorization: Bearer $token" "http://127.0.0.1:$api/health") ;;
    verify) out=$(wrk -t$threads -c$conns -d"${secs}s" -H "Authorization: Bearer $token" "http://127.0.0.1:$api/auth/verify") ;;
    plain) out=$(wrk -t$threads -c$conns -d"${secs}s" -H "Authorization: Bearer $token" "http://127.0.0.1:$plain/") ;;
    guarded) out=$(wrk -t$threads -c$conns -d"${secs}s" -H "Authorization: Bearer $token" "http://127.0.0.1:$guarded/") ;;
  esac
  if echo "$out" | grep -q 'Non-2xx'; then echo "non-2xx answers, $1:" >&2; echo "$out" >&2; exit 1; fi
  echo "$out" | rps
}
targets=(health verify plain guarded)
declare -A results
echo "warming up..." >&2
for t in "${targets[@]}"; do run "$t" >/dev/null; done
for round in $(seq 1 "$rounds"); do
  echo "round $round of $rounds..." >&2
  for t in "${targets[@]}"; do results[$t]="${results[$t]:-} $(run "$t")"; done
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { # per-round ratios of $1 over $2, and their median
  read -ra x <<<"${results[$1]}"; read -ra y <<<"${results[$2]}"
  per=(); for k in "${!x[@]}"; do per+=("$(awk -v a="${x[$k]}" -v b="${y[$k]}" 'BEGIN { printf "%.2f", a / b }')"); done
  echo "$(median "${per[@]}") (${per[*]})"
}
read -ra h <<<"${results[health]}"; read -ra v <<<"${results[verify]}"
read -ra p <<<"${results[plain]}"; read -ra g <<<"${results[guarded]}"
echo "| $(nproc) cores, $rounds rounds of ${secs}s, wrk -t$threads -c$conns | req/s (median) | ratio (median, per round) |"
echo "|---|---:|---|"
printf '| keycard GET /health | %.0f | |\n' "$(median "${h[@]}")"
printf '| keycard GET /auth/verify (RS256 bearer) | %.0f | %s × /health |\n' "$(median "${v[@]}")" "$(ratio verify health)"
printf '| nginx → upstream | %.0f | |\n' "$(median "${p[@]}")"
printf '| nginx auth_request → keycard, then upstream | %.0f | %s × without |\n' "$(median "${g[@]}")" "$(ratio guarded plain)"
