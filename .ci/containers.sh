#!/usr/bin/env bash
# Runs the docker-compose stack for real with podman (no Docker engine runs on CI machines
# and no container registry is reachable): installs podman, configures it for this kind of
# machine, builds the debian:bookworm-slim base image locally with debootstrap, then runs
# .ci/compose-test.sh against docker-compose.yml. CI-only adjustments; nothing here is product.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
# golang-...-dnsname: with Debian 12's CNI network backend, containers find each other by
# service name (httpd -> backend) only through this plugin; without it Apache answered 500
# "DNS lookup failure for: backend" on a machine of this kind.
apt-get install -y --no-install-recommends podman podman-compose runc debootstrap docker-compose \
  golang-github-containernetworking-plugin-dnsname

work="${USERDB_CONTAINERS_WORK:-/var/tmp/userdb-containers}"
mkdir -p "$work"
cat > "$work/containers.conf" <<'CONF'
[containers]
default_ulimits = []

[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
CONF
export CONTAINERS_CONF="$work/containers.conf"
# Keep HEALTHCHECK instructions in built images (the OCI format drops them).
export BUILDAH_FORMAT=docker

if ! podman image exists docker.io/library/debian:bookworm-slim; then
  rm -rf "$work/rootfs"
  debootstrap --variant=minbase bookworm "$work/rootfs"
  tar -C "$work/rootfs" -c . | podman import - docker.io/library/debian:bookworm-slim
  rm -rf "$work/rootfs"
fi

# This machine reaches registries through a TLS-inspecting proxy: hand its CA to the image
# build (docker/extra-ca/, ignored by git), as a user behind such a proxy would.
cp /usr/local/share/ca-certificates/*.crt docker/extra-ca/ 2>/dev/null || true

# docker-compose (Debian's) validates the file as Docker would read it.
USERDB_AJP_SECRET=validation-only docker-compose -f docker-compose.yml config -q
USERDB_AJP_SECRET=validation-only docker-compose -f docker-compose.yml -f docker-compose.balancer.yml config -q

bash .ci/compose-test.sh
