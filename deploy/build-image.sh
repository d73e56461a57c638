#!/bin/sh
# Builds keycard's OCI image without a container engine or registry, into
# keycard-server/target/keycard-image.tar (an OCI image layout in a tar: load it with
# `skopeo copy oci-archive:keycard-server/target/keycard-image.tar docker://REGISTRY/keycard:TAG`,
# `podman load -i …` or `docker load -i …` where one runs). `./mvnw verify` builds it too
# (the image profile is on whenever tests run) and runs it in a chroot (ImageIT, as root).
set -eu
cd "$(dirname "$0")/.."
./mvnw -q -B -Pimage -DskipTests -pl keycard-server -am package
ls -l keycard-server/target/keycard-image.tar
