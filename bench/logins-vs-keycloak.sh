#!/usr/bin/env bash
# One login at a time, alternating between keycard (Argon2id at Keycloak's parameters, 7 MiB x 5) and a
# running Keycloak's password grant: on a shared, noisy machine alternating single requests compares
# the two under the same load at every moment, where two wrk runs minutes apart do not. Prints the
# median and mean latency of each and keycard's logins/s ÷ Keycloak's (1 / mean latency).
# Needs a running Keycloak (see bench/logins.sh): KEYCLOAK_TOKEN_URL, KEYCLOAK_USER, KEYCLOAK_PASSWORD_FILE.
# Usage: bench/logins-vs-keycloak.sh [logins each, default 40].
set -euo pipefail
cd "$(dirname "$0")/.."
# Every server this script starts gets a management listener (/metrics) on a free port of its own.
export KEYCARD_MANAGEMENT_PORT=${KEYCARD_MANAGEMENT_PORT:-0}
. .mvn/find-jdk.sh
n=${1:-40}
: "${KEYCLOAK_TOKEN_URL:?set KEYCLOAK_TOKEN_URL}" "${KEYCLOAK_USER:?}" "${KEYCLOAK_PASSWORD_FILE:?}"
jar=keycard-server/target/keycard.jar
[ -f "$jar" ] || ./mvnw -q -B -DskipTests -pl keycard-server -am package >&2
work=$(mktemp -d)
server=
trap '[ -n "$server" ] && { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; }; rm -rf "$work"' EXIT
password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
port=$(( 20000 + RANDOM % 10000 ))
printf '%s' "$password" | "$JAVA_HOME/bin/java" -jar "$jar" users add bench --password-stdin --scope profile \
  --data-dir "$work/data" --argon2-memory 7168 --argon2-iterations 5 >/dev/null
KEYCARD_LOG_LEVEL=warn "$JAVA_HOME/bin/java" -jar "$jar" serve --data-dir "$work/data" --port "$port" \
  --edge-port $((port + 1)) --no-demo-stream --argon2-memory 7168 --argon2-iterations 5 >"$work/log" 2>&1 &
server=$!
for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.2; done
kpw=$(head -n 1 "$KEYCLOAK_PASSWORD_FILE")
keycard_login() {
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -X POST "http://127.0.0.1:$port/auth/login" \
    -H 'Content-Type: application/json' -d "{\"username\":\"bench\",\"password\":\"$password\"}"
}
keycloak_login() {
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -X POST "$KEYCLOAK_TOKEN_URL" \
    -d grant_type=password -d client_id=admin-cli --data-urlencode "username=$KEYCLOAK_USER" \
    --data-urlencode "password=$kpw"
}
for _ in 1 2 3; do keycard_login >/dev/null; keycloak_login >/dev/null; done # warm-up
for _ in $(seq 1 "$n"); do keycard_login >>"$work/keycard"; keycloak_login >>"$work/keycloak"; done
stats() { awk '$1 == 200 { print $2 }' "$1" | sort -n | awk '{ a[NR] = $1; s += $1 } END { printf "%d %.3f %.3f", NR, a[int((NR + 1) / 2)], s / NR }'; }
read -r kc_n kc_med kc_mean <<<"$(stats "$work/keycard")"
read -r kl_n kl_med kl_mean <<<"$(stats "$work/keycloak")"
echo "| one login at a time, alternating ($n each, load average $(cut -d' ' -f1 /proc/loadavg)) | 200s | median s | mean s |"
echo "|---|---:|---:|---:|"
echo "| keycard, Argon2id 7 MiB x 5 | $kc_n | $kc_med | $kc_mean |"
echo "| Keycloak 26, its defaults (Argon2id 7 MiB x 5) | $kl_n | $kl_med | $kl_mean |"
awk -v a="$kc_mean" -v b="$kl_mean" 'BEGIN { printf "\nkeycard logins/s ÷ Keycloak logins/s (one at a time): %.2f\n", b / a }'
