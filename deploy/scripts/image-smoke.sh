#!/usr/bin/env bash
# Runs the platform image the way a deployment does and drives one limited access token through it:
# every service in its own container (read-only root, /tmp on tmpfs, no capabilities, the image's non-root
# user), against a real Kafka broker and PostgreSQL on this host; then, with the operator CLI and plain HTTP:
# an ISV approved and granted a flag, a key, a client resource, a token issued, a gated call served, its
# lat.issued and lat.used in the audit store, and every service stopped with SIGTERM within its bound.
#
#   KAFKA_BROKERS=127.0.0.1:9092 ENGINE=podman IMAGE=latchkey/platform:dev bash deploy/scripts/image-smoke.sh
#
# ENGINE is docker or podman (ENGINE_RUN_FLAGS adds options to each `run`, e.g. the ones docs/DEPLOY.md gives
# for podman inside a container); PG_URL is an admin URL of the PostgreSQL server (default
# postgres://postgres@127.0.0.1:5432/postgres); the script creates and drops its own database.
# KAFKA_PID (the broker's process id, which `kafka.ts start` prints) adds a broker outage: the broker is frozen
# with SIGSTOP, uses served meanwhile must be spooled on the face-api's volume, the face-api container is deleted
# (as a pod is), a new one mounts the same volume, and after SIGCONT every one of those uses must reach the audit.
# Containers use the host's network: the services' default ports 3001-3006 and 3010 must be free.
# The checks after start are shared with compose-smoke.sh (lib/token-flow.sh).
# Not part of `npm test`: CI has no container engine. What it found and when it last ran: docs/DEPLOY.md.
set -euo pipefail

ENGINE=${ENGINE:-docker}
IMAGE=${IMAGE:-latchkey/platform:local}
KAFKA_BROKERS=${KAFKA_BROKERS:?give KAFKA_BROKERS (npx tsx tools/scripts/kafka.ts start prints it)}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
read -r -a RUN_FLAGS <<< "${ENGINE_RUN_FLAGS:-}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RUN_ID=smoke$$
DB=latchkey_${RUN_ID}
DATABASE_URL="${PG_URL%/*}/${DB}"
WORK=$(mktemp -d)
# shellcheck source=lib/token-flow.sh
source "$ROOT/deploy/scripts/lib/token-flow.sh"

container_of() { printf '%s-%s' "$RUN_ID" "$1"; }
freeze_broker() { kill -STOP "$KAFKA_PID"; }
thaw_broker() { kill -CONT "$KAFKA_PID"; }
start_face_api() { start_service face-api; }
stop_service() { "$ENGINE" stop -t 30 "$(container_of "$1")"; }

cleanup() {
  local status=${1:-$?}
  for service in "${SERVICES[@]}"; do
    if [[ $status -ne 0 ]] && "$ENGINE" inspect "$RUN_ID-$service" > /dev/null 2>&1; then
      printf '\n--- last log lines of %s\n' "$service" >&2
      "$ENGINE" logs --tail 15 "$RUN_ID-$service" >&2 || true
    fi
    "$ENGINE" rm -f "$RUN_ID-$service" > /dev/null 2>&1 || true
  done
  "$ENGINE" volume rm -f "$RUN_ID-spool" > /dev/null 2>&1 || true
  psql -q "$PG_URL" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" > /dev/null 2>&1 || true
  rm -rf "$WORK"
  exit $status
}
trap cleanup EXIT

say "image $IMAGE with $ENGINE: user, filesystem and entrypoint"
user=$("$ENGINE" image inspect --format '{{.Config.User}}' "$IMAGE")
[[ $user == 1000:1000 ]] || fail "the image runs as '$user', not 1000:1000"
if "$ENGINE" run --rm "${RUN_FLAGS[@]}" --read-only "$IMAGE" nonsense > "$WORK/usage" 2>&1; then fail 'an unknown service name was accepted'; fi
grep -q 'unknown service "nonsense"' "$WORK/usage" || fail "no usage message for an unknown service: $(cat "$WORK/usage")"

say 'secrets (deploy/compose/generate-env.js) and a database of its own'
node "$ROOT/deploy/compose/generate-env.js" --format json > "$WORK/secrets.json"
psql -q "$PG_URL" -c "CREATE DATABASE $DB" > /dev/null
"$ENGINE" volume create "$RUN_ID-spool" > /dev/null

# The ConfigMap's settings (deploy/k8s/base/configmap.yaml), with this host's addresses.
common_env=(
  -e "KAFKA_BROKERS=$KAFKA_BROKERS" -e "DATABASE_URL=$DATABASE_URL" -e LOG_LEVEL=warn -e LATCHKEY_HOST=127.0.0.1
  -e LATCHKEY_SHUTDOWN_TIMEOUT_MS=10000
  -e "LATCHKEY_ISSUER_URL=$(url issuer)" -e "LATCHKEY_LAT_ISSUER=$(url issuer)" -e "LATCHKEY_LAT_JWKS_URL=$(url issuer)/.well-known/jwks.json"
  -e "LATCHKEY_RESOURCE_SERVER_URL=$(url face-api)" -e "LATCHKEY_EXCHANGE_URL=$(url exchange)"
  -e "LATCHKEY_EXCHANGE_UPSTREAMS={\"testapi\": {\"url\": \"$(url testapi)\", \"audience\": \"api://latchkey-testapi\", \"scopes\": [\"testapi.read\", \"testapi.write\"]}}"
  -e "LATCHKEY_RBAC_EXCHANGE_ISSUER=$(url exchange)" -e "LATCHKEY_RBAC_EXCHANGE_JWKS_URL=$(url exchange)/.well-known/jwks.json"
  -e "LATCHKEY_RBAC_DECISION_URL=$(url rbac)/rbac/v1/decisions"
  -e "LATCHKEY_AUDIT_URL=$(url audit)" -e "LATCHKEY_AUDIT_FEED_ISSUER=$(url issuer)" -e "LATCHKEY_AUDIT_FEED_JWKS_URL=$(url issuer)/.well-known/jwks.json"
  -e "LATCHKEY_ABUSE_ISSUER=$(url issuer)" -e "LATCHKEY_ABUSE_ISSUER_JWKS_URL=$(url issuer)/.well-known/jwks.json"
)
# The Secret's keys each service's manifest takes (deploy/k8s/base/<service>.yaml): each service its own key
# towards the rbac service (LATCHKEY_<SERVICE>_RBAC_KEY), the rbac service the secret they are derived from.
declare -A OWN_SECRETS=(
  [issuer]='LATCHKEY_ISSUER_KEY_ENCRYPTION_KEY LATCHKEY_ISSUER_KEY_DIGEST_SECRET LATCHKEY_ISSUER_OPERATOR_KEY LATCHKEY_ISSUER_RBAC_KEY'
  [face-api]='LATCHKEY_FACE_API_OPERATOR_KEY LATCHKEY_FACE_API_RBAC_KEY'
  [exchange]='LATCHKEY_EXCHANGE_SIGNING_KEY LATCHKEY_EXCHANGE_OPERATOR_KEY LATCHKEY_EXCHANGE_RBAC_KEY'
  [rbac]='LATCHKEY_RBAC_OPERATOR_KEY LATCHKEY_RBAC_SERVICE_KEY_SECRET'
  [audit]='LATCHKEY_AUDIT_SIGNING_KEY LATCHKEY_AUDIT_OPERATOR_KEY LATCHKEY_AUDIT_RBAC_KEY'
  [abuse-detector]='LATCHKEY_ABUSE_DETECTOR_OPERATOR_KEY LATCHKEY_ABUSE_DETECTOR_RBAC_KEY'
  [testapi]='LATCHKEY_TESTAPI_RBAC_KEY'
)

start_service() {
  local service=$1 own=() extra=()
  for name in ${OWN_SECRETS[$service]}; do own+=(-e "$name=$(secret "$name")"); done
  [[ $service == face-api ]] && extra=(-e LATCHKEY_SPOOL_DIR=/var/lib/latchkey/spool -v "$RUN_ID-spool:/var/lib/latchkey/spool")
  "$ENGINE" run -d --name "$RUN_ID-$service" --network host --read-only --tmpfs /tmp:rw,size=256m,mode=1777 \
    --cap-drop ALL --security-opt no-new-privileges "${RUN_FLAGS[@]}" "${common_env[@]}" "${own[@]}" "${extra[@]}" \
    "$IMAGE" "$service" > /dev/null
}

say 'every service in its own container'
for service in "${SERVICES[@]}"; do start_service "$service"; done

say 'readiness (/readyz) and the image HEALTHCHECK command'
started=$(date +%s)
for service in "${SERVICES[@]}"; do
  await_ready "$service" "$started" 180
  "$ENGINE" exec "$RUN_ID-$service" node /app/deploy/docker/healthcheck.js || fail "the HEALTHCHECK command fails in $service"
  printf '%-15s ready after %3d s\n' "$service" $(($(date +%s) - started))
done

drive_one_token
if [[ -z ${KAFKA_PID:-} ]]; then
  say 'broker outage: not run (give KAFKA_PID to run it)'
else
  trap 'status=$?; kill -CONT "$KAFKA_PID" 2> /dev/null; cleanup "$status"' EXIT
  broker_outage
fi
stop_each 10000

say 'PASS'
