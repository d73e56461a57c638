#!/usr/bin/env bash
# Slow and idle clients against a real keycard, on both listeners (API and edge), from outside:
#   - SLOW slowloris connections per listener, each sending one more header byte a second, never done;
#   - IDLE connections per listener that connect and send nothing;
#   - meanwhile, one ordinary GET /health a second on a fresh connection (is the API still answering?).
# Samples every second how many of each are still open; prints a Markdown table: how long they were
# held, how many got an answer (408 or 503), how many are still open at the end, and the ordinary
# requests' latency.
# Usage: bench/slowloris.sh [seconds, default 30] [SLOW per listener, default 50] [IDLE per listener,
#        default 2000] [extra serve flags...]
# KEYCARD_JAR=path/to/keycard.jar runs that build instead of building this tree (e.g. an older one,
# for a before/after comparison; extra flags must then exist in that build).
set -euo pipefail
cd "$(dirname "$0")/.."
# Every server this script starts gets a management listener (/metrics) on a free port of its own.
export KEYCARD_MANAGEMENT_PORT=${KEYCARD_MANAGEMENT_PORT:-0}
. .mvn/find-jdk.sh
secs=${1:-30}
slow=${2:-50}
idle=${3:-2000}
shift $(( $# < 3 ? $# : 3 ))
extra=("$@")

jar=${KEYCARD_JAR:-}
if [ -z "$jar" ]; then
  ./mvnw -q -B -DskipTests -pl keycard-core,keycard-server -am package >&2
  jar=keycard-server/target/keycard.jar
fi
data=$(mktemp -d)
api_port=$(( 20000 + RANDOM % 10000 ))
edge_port=$(( api_port + 1 ))
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$data"' EXIT
KEYCARD_LOG_LEVEL=info "$JAVA_HOME/bin/java" -jar "$jar" serve --data-dir "$data" --port "$api_port" \
  --edge-port "$edge_port" --no-demo-stream "${extra[@]}" >"$data/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$api_port/health" >/dev/null 2>&1 && break; sleep 0.2; done

python3 - "$api_port" "$edge_port" "$secs" "$slow" "$idle" <<'PY'
import socket, sys, time, statistics
api, edge, secs, nslow, nidle = (int(a) for a in sys.argv[1:6])

class Conn:
    def __init__(self, port, kind):
        self.kind, self.port = kind, port
        self.s = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.s.setblocking(False)
        self.opened, self.closed, self.answer = time.monotonic(), None, b""
        if kind == "slow":
            self.send(b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
    def send(self, b):
        try:
            self.s.send(b)
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            self.close()
    def poll(self):
        if self.closed is not None:
            return
        try:
            while True:
                b = self.s.recv(65536)
                if not b:
                    self.close(); return
                self.answer += b
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            self.close()
    def close(self):
        if self.closed is None:
            self.closed = time.monotonic()
            self.s.close()

conns = []
for port, name in ((api, "API"), (edge, "edge")):
    for kind, n in (("slow", nslow), ("idle", nidle)):
        for _ in range(n):
            try:
                conns.append((name, Conn(port, kind)))
            except OSError as e:
                print(f"connect failed after {len(conns)}: {e}", file=sys.stderr); break

latencies, failures = [], 0
start = time.monotonic()
while time.monotonic() - start < secs:
    tick = time.monotonic()
    for _, c in conns:
        c.poll()
        if c.kind == "slow" and c.closed is None:
            c.send(b"a")
    t = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", api), timeout=5) as s:
            s.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            reply = s.recv(4096)
            if reply.startswith(b"HTTP/1.1 200"):
                latencies.append((time.monotonic() - t) * 1000)
            else:
                failures += 1
    except OSError:
        failures += 1
    time.sleep(max(0, 1 - (time.monotonic() - tick)))
end = time.monotonic()
for _, c in conns:
    c.poll()

print(f"| {secs} s, per listener: {nslow} slowloris (1 header byte/s), {nidle} idle | opened | still open at the end "
      "| held (median / max s) | answered 408 | answered 503 |")
print("|---|---:|---:|---:|---:|---:|")
for name in ("API", "edge"):
    for kind in ("slow", "idle"):
        group = [c for n, c in conns if n == name and c.kind == kind]
        if not group:
            continue
        held = [((c.closed or end) - c.opened) for c in group]
        still = sum(1 for c in group if c.closed is None)
        a408 = sum(1 for c in group if c.answer.startswith(b"HTTP/1.1 408"))
        a503 = sum(1 for c in group if c.answer.startswith(b"HTTP/1.1 503"))
        label = "slowloris" if kind == "slow" else "idle"
        print(f"| {name} {label} | {len(group)} | {still} | {statistics.median(held):.1f} / {max(held):.1f} | {a408} | {a503} |")
if latencies:
    print(f"\nOrdinary GET /health meanwhile, one a second: {len(latencies)} answered, {failures} failed; "
          f"latency median {statistics.median(latencies):.1f} ms, max {max(latencies):.1f} ms")
else:
    print(f"\nOrdinary GET /health meanwhile: none answered, {failures} failed")
PY
echo
echo "server log: $(wc -l <"$data/server.log") lines, $(grep -c '^[[:space:]]*at ' "$data/server.log" || true) stack-trace lines"
