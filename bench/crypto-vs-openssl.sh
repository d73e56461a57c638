#!/usr/bin/env bash
# Token signatures on the JDK's providers, on the native one (ACCP, AWS-LC) and in OpenSSL, side by side
# on this machine in one run, one thread each: JMH's CryptoProviderBenchmark (bare sign and verify,
# issuing a token, a first-seen bearer check, each through keycard's KeyRing) and HashingProviderBenchmark
# (the playback-URL HMAC and the secret SHA-256), then `openssl speed` for RSA-2048, ECDSA P-256 and
# Ed25519. Prints a Markdown table, then issue 11's goals as ratios.
# JMH writes its CSV with CRLF line ends: the awk below drops the CRs with the quotes.
# Usage: bench/crypto-vs-openssl.sh [extra JMH args, e.g. -f 2]. OPENSSL_SECONDS (default 5) per openssl test.
set -euo pipefail
cd "$(dirname "$0")/.."
. .mvn/find-jdk.sh
command -v openssl >/dev/null || { echo "bench/crypto-vs-openssl.sh needs openssl" >&2; exit 1; }
./mvnw -q -B -DskipTests -pl keycard-core,keycard-bench -am package >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
jar=keycard-bench/target/benchmarks.jar
java=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar "$jar")
"${java[@]}" CryptoProviderBenchmark -rf csv -rff "$work/sig.csv" "$@" >"$work/sig.log"
"${java[@]}" HashingProviderBenchmark -rf csv -rff "$work/hash.csv" "$@" >"$work/hash.log"
openssl speed -seconds "${OPENSSL_SECONDS:-5}" -mr rsa2048 ecdsap256 ed25519 2>/dev/null | grep '^+F' >"$work/openssl"

echo "$(openssl version | cut -d' ' -f1-2), $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1), $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo
# openssl -mr lines: +F2:n:2048:signs/s:verifies/s (RSA), +F4:n:256:… (ECDSA), +F6:n:253:Ed25519:… (EdDSA).
awk -F: '
  FNR == NR {
    if ($1 == "+F2" && $3 == 2048) { sign["RS256"] = 1e6 / $4; verify["RS256"] = 1e6 / $5 }
    if ($1 == "+F4" && $3 == 256)  { sign["ES256"] = 1e6 / $4; verify["ES256"] = 1e6 / $5 }
    if ($1 == "+F6" && $4 == "Ed25519") { sign["EdDSA"] = 1e6 / $5; verify["EdDSA"] = 1e6 / $6 }
    next
  }
  FNR > 1 {
    gsub(/["\r]/, ""); split($0, f, ",")
    name = f[1]; sub(/.*\./, "", name)
    score[f[8] "," name "," f[9]] = f[5]
  }
  END {
    print "| algorithm | operation | JDK µs | native µs | OpenSSL µs | JDK ÷ native | native ÷ OpenSSL |"
    print "|---|---|---:|---:|---:|---:|---:|"
    n = split("HS256 RS256 ES256 EdDSA", algs, " ")
    m = split("bareSign issue bareVerify firstSeen", ops, " ")
    label["bareSign"] = "bare signature"; label["issue"] = "issue a token"
    label["bareVerify"] = "bare verification"; label["firstSeen"] = "first-seen bearer check"
    for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) {
      a = algs[i]; o = ops[j]; jdk = score[a "," o ",jdk"]; nat = score[a "," o ",native"]
      ref = (o == "bareSign" || o == "issue") ? sign[a] : verify[a]
      printf "| %s | %s | %.1f | %.1f | %s | %.2f× | %s |\n", a, label[o], jdk, nat,
        ref ? sprintf("%.1f", ref) : "–", jdk / nat, ref ? sprintf("%.2f×", nat / ref) : "–"
    }
    print ""
    print "Goals (issue 11):"
    printf "- RS256 issuing, native ÷ OpenSSL sign: %.2f× (goal ≤ 1.2×)\n", score["RS256,issue,native"] / sign["RS256"]
    printf "- RS256 first-seen, native ÷ OpenSSL verify: %.2f× (goal ≤ 1.5×)\n", score["RS256,firstSeen,native"] / verify["RS256"]
    printf "- ES256 first-seen, native ÷ OpenSSL verify: %.2f× (goal ≤ 1.2×)\n", score["ES256,firstSeen,native"] / verify["ES256"]
  }' "$work/openssl" "$work/sig.csv"
echo
awk -F, 'FNR > 1 { gsub(/["\r]/, ""); name = $1; sub(/.*\./, "", name); s[name "," $8] = $5 }
  END {
    print "| hash (off the signature path) | JDK ns | native ns | JDK ÷ native |"
    print "|---|---:|---:|---:|"
    printf "| playback-URL HMAC-SHA256 | %.0f | %.0f | %.2f× |\n", s["playbackUrlHmac,jdk"], s["playbackUrlHmac,native"], s["playbackUrlHmac,jdk"] / s["playbackUrlHmac,native"]
    printf "| secret SHA-256 (client secrets, opaque tokens) | %.0f | %.0f | %.2f× |\n", s["secretSha256,jdk"], s["secretSha256,native"], s["secretSha256,jdk"] / s["secretSha256,native"]
  }' "$work/hash.csv"
