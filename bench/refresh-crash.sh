#!/usr/bin/env bash
# What a SIGKILL during refresh traffic does to sessions: CLIENTS clients refresh in a loop, the
# server is killed (kill -9) mid-traffic and restarted; a client whose request got no answer retries
# with the same refresh token, as a real client must. Prints how many clients were logged out (their
# retry answered invalid_grant) and how long the restart took. With --refresh-grace 0s a retry whose
# rotation had committed before the kill is reuse; a retry within the grace window of that rotation
# gets the successor it never received, so the grace must cover the restart.
# Usage: bench/refresh-crash.sh [GRACE, default 10s] [CLIENTS, default 15] [PORT, default 18480]
#        VERBOSE=1 lists each client's fate; KEEP_LOG=FILE keeps the server's log.
# Everything on loopback, in a temporary data directory; stops only the server it started.
set -euo pipefail
cd "$(dirname "$0")/.."
grace=${1:-10s} clients=${2:-15} port=${3:-18480}
base="http://127.0.0.1:$port"
work=$(mktemp -d)
server=
keep=${KEEP_LOG:-}
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  [ -n "$keep" ] && cp "$work/server.log" "$keep"
  rm -rf "$work"
}
trap cleanup EXIT

./keycard users add probe --data-dir "$work/data" --password-stdin <<<"probe-password-1234" >/dev/null
start_server() {
  KEYCARD_MANAGEMENT_PORT=0 ./keycard serve --data-dir "$work/data" --port "$port" --edge-port $((port + 1)) --no-demo-stream \
    --refresh-grace "$grace" >>"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 300); do
    curl -s -o /dev/null "$base/health" && return 0
    sleep 0.1
  done
  echo "server did not start: $(tail -5 "$work/server.log")" >&2
  exit 1
}

client() { # $1: client number; writes its fate to $work/client-$1
  local token status body tries=0
  token=$(curl -s -X POST "$base/auth/login" -H 'Content-Type: application/json' \
    -d '{"username":"probe","password":"probe-password-1234"}' | sed -E 's/.*"refresh_token":"([^"]+)".*/\1/')
  touch "$work/ready-$1"
  while [ ! -e "$work/stop" ]; do
    body=$(curl -s -m 5 -w '\n%{http_code}' -X POST "$base/oauth2/token" \
      -d grant_type=refresh_token -d "refresh_token=$token" || true)
    status=${body##*$'\n'}
    case "$status" in
      200) token=$(echo "$body" | sed -n 1p | sed -E 's/.*"refresh_token":"([^"]+)".*/\1/'); tries=$((tries + 1)) ;;
      400) echo "logged-out after $tries refreshes" >"$work/client-$1"; return ;;
      *) sleep 0.2 ;; # no answer (server down): retry the same token
    esac
  done
  echo "ok after $tries refreshes" >"$work/client-$1"
}

start_server
pids=()
for i in $(seq 1 "$clients"); do client "$i" & pids+=($!); done
until [ "$(find "$work" -name 'ready-*' | wc -l)" -eq "$clients" ]; do sleep 0.1; done # logins done
sleep 3
kill -9 "$server"
wait "$server" 2>/dev/null || true
down=$SECONDS
start_server
echo "restarted in $((SECONDS - down)) s" >&2
sleep 5 # every client has retried by now (each waits 0.2 s between attempts while the server is down)
touch "$work/stop"
for p in "${pids[@]}"; do wait "$p" || echo "a client failed ($?)" >&2; done
out=$(cat "$work"/client-*)
[ -n "${VERBOSE:-}" ] && echo "$out" >&2
echo "grace $grace: $(grep -c logged-out <<<"$out" || true) of $clients clients logged out by the kill"
