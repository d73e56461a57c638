#!/bin/sh
# Builds keycard's OCI image without a container engine or registry, into
# keycard-server/target/keycard-image.tar (an OCI image layout in a tar: load it with
# `skopeo copy oci-archive:keycard-server/target/keycard-image.tar docker://REGISTRY/keycard:TAG`,
# `podman load -i …` or `docker load -i …` where one runs). The same as `./mvnw -Pimage package`
# without the tests; `./mvnw -Pimage verify` also runs the image in a chroot (ImageIT, as root).
set -eu
cd "$(dirname "$0")/.."
./mvnw -q -B -Pimage -DskipTests -pl keycard-server -am package
ls -l keycard-server/target/keycard-image.tar
