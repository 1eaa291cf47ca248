#!/usr/bin/env bash
# Runs the docker-compose stack for real with podman (no Docker engine runs on CI machines
# and no container registry is reachable): installs podman, configures it for this kind of
# machine and builds the debian:bookworm-slim base image locally (both through bin/podman-stack,
# the recipe the README gives users), then runs .ci/compose-test.sh against docker-compose.yml.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
# golang-...-dnsname: with Debian 12's CNI network backend, containers find each other by
# service name (httpd -> backend) only through this plugin; without it Apache answered 500
# "DNS lookup failure for: backend" on a machine of this kind.
apt-get install -y --no-install-recommends podman podman-compose runc debootstrap docker-compose \
  golang-github-containernetworking-plugin-dnsname

# podman's settings for a machine without systemd, BUILDAH_FORMAT=docker and the base image,
# made as bin/podman-stack makes them for a user (debootstrap when no registry answers); its
# environment stays in effect for compose-test.sh's own podman commands.
bin/podman-stack prepare
eval "$(bin/podman-stack env)"

# This machine reaches registries through a TLS-inspecting proxy: hand its CA to the image
# build (docker/extra-ca/, ignored by git), as a user behind such a proxy would.
cp /usr/local/share/ca-certificates/*.crt docker/extra-ca/ 2>/dev/null || true

# docker-compose (Debian's) validates the file as Docker would read it.
USERDB_AJP_SECRET=validation-only docker-compose -f docker-compose.yml config -q
USERDB_AJP_SECRET=validation-only docker-compose -f docker-compose.yml -f docker-compose.balancer.yml config -q
USERDB_AJP_SECRET=validation-only USERDB_DB_PASSWORD=validation-only POSTGRES_REPLICATION_PASSWORD=validation-only \
  docker-compose -f docker-compose.yml -f docker-compose.postgres.yml config -q

bash .ci/compose-test.sh
# The same backend and httpd images, with PostgreSQL on two more hosts: failover for real.
bash .ci/compose-postgres-test.sh
