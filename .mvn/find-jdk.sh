# Sourced (POSIX sh) by ./mvnw, ./keycard and .ci/run: exports JAVA_HOME pointing at a JDK 21 or newer.
# Order: $JAVA_HOME, then `java` on PATH, then /usr/lib/jvm/* (newest first). Fails loudly naming what it found.
keycard_java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1
}
keycard_find_jdk() {
  keycard_seen=""
  for keycard_candidate in ${JAVA_HOME:+"$JAVA_HOME"} \
      "$(command -v javac >/dev/null 2>&1 && dirname "$(dirname "$(readlink -f "$(command -v javac)")")")" \
      $(ls /usr/lib/jvm 2>/dev/null | sort -rV | sed "s|^|/usr/lib/jvm/|"); do
    [ -n "$keycard_candidate" ] || continue
    keycard_candidate=${keycard_candidate%/}
    if [ -x "$keycard_candidate/bin/java" ] && [ -x "$keycard_candidate/bin/javac" ]; then
      keycard_major=$(keycard_java_major "$keycard_candidate/bin/java")
      keycard_seen="$keycard_seen $keycard_candidate(java $keycard_major)"
      if [ -n "$keycard_major" ] && [ "${keycard_major%%.*}" -ge 21 ] 2>/dev/null; then
        JAVA_HOME=$keycard_candidate
        export JAVA_HOME
        return 0
      fi
    fi
  done
  echo "keycard: needs a JDK 21 or newer; found:${keycard_seen:- no JDK at all}." >&2
  echo "keycard: install one (e.g. apt-get install openjdk-21-jdk-headless) or set JAVA_HOME." >&2
  return 1
}
keycard_find_jdk || exit 1
