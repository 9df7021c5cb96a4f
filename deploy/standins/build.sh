#!/usr/bin/env bash
# Builds stand-ins for the third-party images that the Dockerfile and deploy/compose/compose.yaml pin, on a
# machine that reaches Debian's packages, the npm registry and Maven Central but no image registry, and tags
# them with the pinned names, so that both files run unchanged (deploy/scripts/compose-smoke.sh):
#
#   node:20.20.2-bookworm-slim                    debootstrap'd bookworm + this machine's Node.js and npm
#   postgres:15.10-bookworm                       Debian's PostgreSQL 15 behind the official entrypoint's variables
#   apache/kafka:4.2.0                            Debian's Java 17 + the test broker's Kafka 4.2.0 jars and kafka-tools
#   otel/opentelemetry-collector-contrib:0.120.0  an OTLP sink (sink/sink.js): accepts and counts, keeps nothing
#   jaegertracing/jaeger:2.3.0                    the same sink
#
# Grafana and Prometheus get none: no service depends on them, and compose-smoke.sh does not start them.
# Every stand-in carries the label io.latchkey.standin=true, and so does every image built on one (a label is
# inherited through FROM), such as latchkey/platform:local built here:
#   docker image ls --filter label=io.latchkey.standin      # the stand-ins and what was built on them
#   docker image rm $(docker image ls -q --filter label=io.latchkey.standin)   # before pulling the real ones
# Needs root (debootstrap, chroot), debootstrap, Maven and a Docker engine (ENGINE=podman works the same way).
set -euo pipefail

ENGINE=${ENGINE:-docker}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BASE=latchkey-standin/debian:bookworm
NODE_TAG=node:20.20.2-bookworm-slim
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
LABEL=(--label io.latchkey.standin=true)

say() { printf '\n== %s\n' "$*"; }
have() { "$ENGINE" image inspect "$1" > /dev/null 2>&1; }

if have "$BASE"; then
  say "$BASE: present"
else
  say "$BASE: debootstrap --variant=minbase bookworm from $MIRROR"
  debootstrap --variant=minbase --include=ca-certificates bookworm "$WORK/rootfs" "$MIRROR" > "$WORK/debootstrap.log" ||
    { tail -20 "$WORK/debootstrap.log" >&2; exit 1; }
  # This machine's extra CAs (a TLS-intercepting proxy in front of the npm registry), for the npm installs
  # of the Dockerfile's build stages.
  if compgen -G '/usr/local/share/ca-certificates/*.crt' > /dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$WORK/rootfs/usr/local/share/ca-certificates/"
    chroot "$WORK/rootfs" update-ca-certificates > /dev/null
  fi
  chroot "$WORK/rootfs" apt-get clean
  rm -rf "$WORK/rootfs/var/lib/apt/lists/"*
  tar -C "$WORK/rootfs" -c . | "$ENGINE" import --change 'LABEL io.latchkey.standin=true' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' --change 'CMD ["bash"]' - "$BASE" > /dev/null
  rm -rf "$WORK/rootfs"
fi

say "$NODE_TAG: this machine's $(node --version)"
mkdir -p "$WORK/node"
cp "$HERE/node/Dockerfile" "$(command -v node)" "$WORK/node/"
cp -r "$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")" "$WORK/node/npm"
"$ENGINE" build -q "${LABEL[@]}" --build-arg "BASE=$BASE" -t "$NODE_TAG" "$WORK/node" > /dev/null

say 'postgres:15.10-bookworm: Debian PostgreSQL 15'
"$ENGINE" build -q "${LABEL[@]}" --build-arg "BASE=$BASE" -t postgres:15.10-bookworm "$HERE/postgres" > /dev/null

say 'apache/kafka:4.2.0: Debian Java 17 and the Maven Central jars'
mkdir -p "$WORK/kafka"
cp -r "$HERE/kafka/." "$WORK/kafka/"
mvn -q -f "$HERE/kafka/pom.xml" -Dkafka.version=4.2.0 dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$WORK/kafka/libs"
cp "$ROOT/tools/kafka/log4j2.properties" "$WORK/kafka/config/log4j2.properties"
"$ENGINE" build -q "${LABEL[@]}" --build-arg "BASE=$BASE" -t apache/kafka:4.2.0 "$WORK/kafka" > /dev/null

say 'otel/opentelemetry-collector-contrib:0.120.0 and jaegertracing/jaeger:2.3.0: an OTLP sink'
"$ENGINE" build -q "${LABEL[@]}" --build-arg "NODE=$NODE_TAG" -t otel/opentelemetry-collector-contrib:0.120.0 "$HERE/sink" > /dev/null
"$ENGINE" tag otel/opentelemetry-collector-contrib:0.120.0 jaegertracing/jaeger:2.3.0

say 'stand-ins'
"$ENGINE" image ls --filter label=io.latchkey.standin
