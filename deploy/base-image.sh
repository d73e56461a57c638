#!/usr/bin/env bash
# Builds keycard's base image without a container engine or registry: a jlinked Java runtime of the
# JDK the build uses, the few shared libraries it loads (from this Debian system), /etc/passwd with
# the non-root user keycard (uid 65532) and the directories keycard writes, as one layer in a
# docker-save tar that Jib reads as `tar://` (no base image is pulled from anywhere).
#
#   deploy/base-image.sh OUTPUT_DIR      writes OUTPUT_DIR/keycard-base.tar
#
# Reproducible: the same JDK and libraries give the same tar, byte for byte (sorted entries, fixed
# times and owners).
set -euo pipefail
out=${1:?usage: deploy/base-image.sh OUTPUT_DIR}
root_dir=$(cd "$(dirname "$0")/.." && pwd)
. "$root_dir/.mvn/find-jdk.sh"

# The modules keycard needs (jdeps --print-module-deps on the server jar, minus what only H2's GUI
# console, its script triggers and Vert.x's verticle compiler use: java.desktop alone is 15 MB).
modules=java.base,java.naming,java.sql,jdk.jfr,jdk.management,jdk.net,jdk.unsupported,jdk.zipfs
uid=65532

mkdir -p "$out"
work="$out/keycard-base"
rm -rf "$work"
mkdir -p "$work/rootfs"
rootfs="$work/rootfs"

"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
    --compress zip-6 --output "$rootfs/opt/java"

# Shared libraries: what ldd says the runtime's executables and libraries load (glibc, at the paths
# the dynamic loader looks at), plus libgcc_s, which glibc loads by itself when a thread unwinds.
libs=$( { find "$rootfs/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} \; 2>/dev/null || true; } \
    | awk '/=> \// {print $3} /^\t\/[^ ]+ \(/ {print $1}' | grep -v "^$rootfs/" | sort -u)
# awk reads to the end: leaving early would kill ldconfig with SIGPIPE, which pipefail turns into a failure.
libgcc=$(ldconfig -p | awk '/libgcc_s\.so\.1 .*x86-64/ && !found {print $NF; found = 1}')
for lib in $libs $libgcc; do
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done

mkdir -p "$rootfs/etc" "$rootfs/tmp" "$rootfs/var/lib/keycard" "$rootfs/run/secrets" "$rootfs/proc" "$rootfs/dev"
printf 'root:x:0:0:root:/root:/sbin/nologin\nkeycard:x:%s:%s:keycard:/var/lib/keycard:/sbin/nologin\n' "$uid" "$uid" >"$rootfs/etc/passwd"
printf 'root:x:0:\nkeycard:x:%s:\n' "$uid" >"$rootfs/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
chmod 1777 "$rootfs/tmp"
chmod 0700 "$rootfs/var/lib/keycard"
chmod -R u+w,go-w "$rootfs/opt" "$rootfs/etc"

# Everything root's, but the data directory, which is keycard's; GNU tar sets owners per run, so the
# data directory is appended in a second run.
tar_opts=(--sort=name --mtime=@0 --format=gnu --numeric-owner)
(cd "$rootfs" && tar -cf "$work/layer.tar" "${tar_opts[@]}" --owner=0 --group=0 --exclude=./var/lib/keycard .)
(cd "$rootfs" && tar -rf "$work/layer.tar" "${tar_opts[@]}" --owner="$uid" --group="$uid" --no-recursion ./var/lib/keycard)

diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
java_version=$("$rootfs/opt/java/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.runtime\.version = //p')
cat >"$work/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z","config":{"User":"$uid:$uid","Env":["PATH=/opt/java/bin","JAVA_HOME=/opt/java"],"Labels":{"dev.keycard.java.runtime":"$java_version","dev.keycard.java.modules":"$modules"}},"rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"deploy/base-image.sh"}]}
JSON
printf '[{"Config":"config.json","RepoTags":["keycard-base:local"],"Layers":["layer.tar"]}]\n' >"$work/manifest.json"
(cd "$work" && tar -cf "$out/keycard-base.tar" "${tar_opts[@]}" --owner=0 --group=0 manifest.json config.json layer.tar)
rm -rf "$work"
echo "base image: $out/keycard-base.tar ($(du -h "$out/keycard-base.tar" | cut -f1), java $java_version, layer sha256:$diff_id)"
