#!/usr/bin/env bash
# keycard beside Keycloak on this machine, in one run: refresh grants (rotation on in both) and
# client_credentials grants per second, both servers signing RS256, wrk -t2 -c16, in alternating
# rounds (keycard, Keycloak, keycard, …) so that both see the same machine at every moment.
# Keycloak's distribution comes from Maven Central (org.keycloak:keycloak-quarkus-dist, cached in
# ~/.cache/keycard-bench) and runs in dev mode on loopback, with refresh-token rotation switched on
# (revokeRefreshToken=true, refreshTokenMaxReuse=0: a refresh token is good for one use, as keycard's).
# keycard runs as shipped (native crypto where it loads; KEYCARD_CRYPTO_PROVIDER=jdk for the JDK's),
# with the per-token rate limit off, since wrk sends far more than 1,000 grants an hour per client.
# Needs wrk and curl. Usage: bench/vs-keycloak.sh [rounds, default 8] [seconds per round, default 10]
# [warm-up seconds, default 20]. KEYCLOAK_VERSION (default 26.7.0). Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
. .mvn/find-jdk.sh
rounds=${1:-8}
secs=${2:-10}
warmup=${3:-20}
threads=2
conns=16
version=${KEYCLOAK_VERSION:-26.7.0}
for tool in wrk curl unzip; do
  command -v "$tool" >/dev/null || { echo "bench/vs-keycloak.sh needs $tool (apt-get install $tool)" >&2; exit 1; }
done

./mvnw -q -B -DskipTests -pl keycard-server -am package >&2
jar=keycard-server/target/keycard.jar
cache=${XDG_CACHE_HOME:-$HOME/.cache}/keycard-bench
dist="$cache/keycloak-$version"
if [ ! -x "$dist/bin/kc.sh" ]; then
  mkdir -p "$cache"
  echo "fetching Keycloak $version from Maven Central..." >&2
  curl -fsSL -o "$cache/keycloak-$version.zip" \
    "https://repo.maven.apache.org/maven2/org/keycloak/keycloak-quarkus-dist/$version/keycloak-quarkus-dist-$version.zip"
  unzip -q -o "$cache/keycloak-$version.zip" -d "$cache"
  rm -f "$cache/keycloak-$version.zip"
fi

work=$(mktemp -d)
keycard_pid=
keycloak_pid=
cleanup() {
  for pid in $keycard_pid $keycloak_pid; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
random() { head -c 24 /dev/urandom | base64 | tr -d '/+='; }
json() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }
wait_for() { for _ in $(seq 1 600); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done; return 1; }

# --- keycard ----------------------------------------------------------------------------------------
kport=$(( 20000 + RANDOM % 10000 ))
kpassword=$(random)
printf '%s' "$kpassword" | "$JAVA_HOME/bin/java" -jar "$jar" users add bench --password-stdin --scope profile \
  --data-dir "$work/keycard" >/dev/null
ksecret=$("$JAVA_HOME/bin/java" -jar "$jar" clients add bench-client --scope profile --data-dir "$work/keycard" \
  | sed -n 's/^client_secret: //p')
KEYCARD_RATE_LIMIT=off KEYCARD_LOG_LEVEL=warn KEYCARD_MANAGEMENT_PORT=0 "$JAVA_HOME/bin/java" ${KEYCARD_JAVA_OPTS:-} \
  -jar "$jar" serve --data-dir "$work/keycard" --port "$kport" --edge-port $((kport + 1)) --no-demo-stream \
  >"$work/keycard.log" 2>&1 &
keycard_pid=$!
wait_for "http://127.0.0.1:$kport/health" || { echo "keycard did not start:" >&2; cat "$work/keycard.log" >&2; exit 1; }
kbase="http://127.0.0.1:$kport"

# --- Keycloak ---------------------------------------------------------------------------------------
cport=$(( 30000 + RANDOM % 10000 ))
admin_password=$(random)
csecret=$(random)
cpassword=$(random)
# Dev mode keeps its H2 database in the distribution's data/: an earlier run's realm and bootstrap admin
# (with that run's password) would still be there, so every run starts from an empty one.
rm -rf "$dist/data"
echo "starting Keycloak $version in dev mode (about a minute)..." >&2
KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=$admin_password KC_LOG_LEVEL=warn \
  "$dist/bin/kc.sh" start-dev --http-host 127.0.0.1 --http-port "$cport" --http-management-port $((cport + 1)) \
  >"$work/keycloak.log" 2>&1 &
keycloak_pid=$!
cbase="http://127.0.0.1:$cport"
wait_for "$cbase/realms/master" || { echo "Keycloak did not start:" >&2; tail -n 40 "$work/keycloak.log" >&2; exit 1; }
admin_token=$(curl -fs "$cbase/realms/master/protocol/openid-connect/token" -d grant_type=password -d client_id=admin-cli \
  -d username=admin --data-urlencode "password=$admin_password" | json access_token)
admin() { curl -fs -X POST "$cbase/admin/realms$1" -H "Authorization: Bearer $admin_token" -H 'Content-Type: application/json' -d "$2"; }
admin "" '{"realm":"bench","enabled":true,"revokeRefreshToken":true,"refreshTokenMaxReuse":0,"defaultSignatureAlgorithm":"RS256","accessTokenLifespan":300,"ssoSessionIdleTimeout":3600}'
admin /bench/clients "{\"clientId\":\"bench-client\",\"secret\":\"$csecret\",\"publicClient\":false,\"serviceAccountsEnabled\":true,\"directAccessGrantsEnabled\":true,\"standardFlowEnabled\":false}"
admin /bench/users "{\"username\":\"bench\",\"enabled\":true,\"emailVerified\":true,\"firstName\":\"Bench\",\"lastName\":\"Mark\",\"email\":\"bench@example.test\",\"credentials\":[{\"type\":\"password\",\"value\":\"$cpassword\",\"temporary\":false}]}"
ctoken_path=/realms/bench/protocol/openid-connect/token

# --- the grants -------------------------------------------------------------------------------------
kbasic=$(printf '%s' "bench-client:$ksecret" | base64 -w0)
cbasic=$(printf '%s' "bench-client:$csecret" | base64 -w0)
# Refresh tokens for one round: every refresh rotates, so a round's chains start from fresh logins.
keycard_sessions() {
  for _ in $(seq 1 $((conns * 4))); do
    curl -fs -X POST "$kbase/auth/login" -H 'Content-Type: application/json' \
      -d "{\"username\":\"bench\",\"password\":\"$kpassword\"}" | json refresh_token
    echo   # the answer ends without a newline, so sed's line does too
  done | sed '/^$/d' >"$work/tokens"
}
keycloak_sessions() {
  for _ in $(seq 1 $((conns * 4))); do
    curl -fs -u "bench-client:$csecret" "$cbase$ctoken_path" -d grant_type=password -d username=bench \
      --data-urlencode "password=$cpassword" | json refresh_token
    echo
  done | sed '/^$/d' >"$work/tokens"
}
# One wrk run: $1 system, $2 grant, $3 seconds; prints requests/s and non-2xx answers.
run() {
  local system=$1 grant=$2 seconds=$3 base basic path out
  if [ "$system" = keycard ]; then base=$kbase basic=$kbasic path=/oauth2/token; else base=$cbase basic=$cbasic path=$ctoken_path; fi
  if [ "$grant" = refresh ]; then
    "${system}_sessions"
    [ "$(wc -l <"$work/tokens")" -ge $((conns * 4)) ] || { echo "$system: too few refresh tokens" >&2; exit 1; }
    out=$(KEYCARD_REFRESH_TOKENS="$work/tokens" KEYCARD_WRK_THREADS=$threads KEYCARD_TOKEN_PATH=$path \
      KEYCARD_CLIENT_BASIC=$([ "$system" = keycloak ] && echo "$basic") \
      wrk -t$threads -c$conns -d"${seconds}s" -s bench/refresh.lua "$base")
  else
    out=$(KEYCARD_CLIENT_BASIC=$basic wrk -t$threads -c$conns -d"${seconds}s" -s bench/client-credentials.lua "$base$path")
  fi
  echo "$(echo "$out" | sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p') $(echo "$out" | sed -n 's/^non-2xx responses: *//p')"
}

echo "warming up both servers (${warmup}s per system and grant)..." >&2
for grant in refresh client_credentials; do for system in keycard keycloak; do run $system $grant "$warmup" >/dev/null; done; done
for r in $(seq 1 "$rounds"); do
  for grant in refresh client_credentials; do
    for system in keycard keycloak; do
      echo "$system $grant $(run $system $grant "$secs")" >>"$work/results"
    done
  done
  echo "round $r of $rounds done" >&2
done

summary() { # $1 system, $2 grant: median, min, max, total non-2xx
  awk -v s="$1" -v g="$2" '$1 == s && $2 == g { print $3, $4 }' "$work/results" | sort -n \
    | awk '{ v[NR] = $1; bad += $2 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.0f %.0f %.0f %d", m, v[1], v[NR], bad }'
}
row() {
  local grant=$1 label=$2 k c
  read -r km kmin kmax kbad <<<"$(summary keycard "$grant")"
  read -r cm cmin cmax cbad <<<"$(summary keycloak "$grant")"
  # The ratio of each round's pair, then their median: the pair shared the machine's state.
  ratio=$(paste <(awk -v g="$grant" '$1 == "keycard" && $2 == g { print $3 }' "$work/results") \
                <(awk -v g="$grant" '$1 == "keycloak" && $2 == g { print $3 }' "$work/results") \
    | awk '{ print $1 / $2 }' | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
  echo "| $label | $km ($kmin–$kmax, $kbad non-2xx) | $cm ($cmin–$cmax, $cbad non-2xx) | ${ratio}× |"
}
echo "| grants/s, median of $rounds alternating ${secs}s rounds (min–max), wrk -t$threads -c$conns, $(nproc) cores | keycard (RS256, --crypto-provider ${KEYCARD_CRYPTO_PROVIDER:-native}) | Keycloak $version (dev mode) | keycard ÷ Keycloak (median of the rounds' ratios) |"
echo "|---|---:|---:|---:|"
row refresh "refresh_token, rotating"
row client_credentials "client_credentials"
