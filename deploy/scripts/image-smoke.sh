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
SERVICES=(issuer face-api exchange rbac audit abuse-detector testapi)
declare -A PORT=([issuer]=3001 [face-api]=3002 [exchange]=3003 [rbac]=3004 [audit]=3005 [abuse-detector]=3006 [testapi]=3010)
# A Face client resource, lower case so that it is its own canonical form (the token's aud).
RESOURCE=/subscriptions/00000000-0000-4000-8000-00000000feed/resourcegroups/smoke/providers/microsoft.cognitiveservices/accounts/smoke-client

say() { printf '\n== %s\n' "$*"; }
fail() {
  printf '\nFAILED: %s\n' "$*" >&2
  exit 1
}

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

url() { printf 'http://127.0.0.1:%s' "${PORT[$1]}"; }
secret() { node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[process.argv[2]])' "$WORK/secrets.json" "$1"; }

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
  -e "LATCHKEY_EXCHANGE_UPSTREAMS={\"testapi\": {\"url\": \"$(url testapi)\", \"audience\": \"api://latchkey-testapi\"}}"
  -e "LATCHKEY_RBAC_EXCHANGE_ISSUER=$(url exchange)" -e "LATCHKEY_RBAC_EXCHANGE_JWKS_URL=$(url exchange)/.well-known/jwks.json"
  -e "LATCHKEY_RBAC_DECISION_URL=$(url rbac)/rbac/v1/decisions" -e "LATCHKEY_RBAC_DECISION_KEY=$(secret LATCHKEY_RBAC_OPERATOR_KEY)"
  -e "LATCHKEY_AUDIT_URL=$(url audit)" -e "LATCHKEY_AUDIT_FEED_ISSUER=$(url issuer)" -e "LATCHKEY_AUDIT_FEED_JWKS_URL=$(url issuer)/.well-known/jwks.json"
  -e "LATCHKEY_ABUSE_ISSUER=$(url issuer)" -e "LATCHKEY_ABUSE_ISSUER_JWKS_URL=$(url issuer)/.well-known/jwks.json"
)
# The Secret's keys each service's manifest takes (deploy/k8s/base/<service>.yaml).
declare -A OWN_SECRETS=(
  [issuer]='LATCHKEY_ISSUER_KEY_ENCRYPTION_KEY LATCHKEY_ISSUER_KEY_DIGEST_SECRET LATCHKEY_ISSUER_OPERATOR_KEY'
  [face-api]='LATCHKEY_FACE_API_OPERATOR_KEY'
  [exchange]='LATCHKEY_EXCHANGE_SIGNING_KEY LATCHKEY_EXCHANGE_OPERATOR_KEY'
  [rbac]='LATCHKEY_RBAC_OPERATOR_KEY'
  [audit]='LATCHKEY_AUDIT_SIGNING_KEY LATCHKEY_AUDIT_OPERATOR_KEY'
  [abuse-detector]='LATCHKEY_ABUSE_DETECTOR_OPERATOR_KEY'
  [testapi]=''
)

start_service() {
  local service=$1 own=() extra=()
  for name in ${OWN_SECRETS[$service]}; do own+=(-e "$name=$(secret "$name")"); done
  [[ $service == face-api ]] && extra=(-e LATCHKEY_SPOOL_DIR=/var/lib/latchkey/spool -v "$RUN_ID-spool:/var/lib/latchkey/spool")
  "$ENGINE" run -d --name "$RUN_ID-$service" --network host --read-only --tmpfs /tmp:rw,size=256m,mode=1777 \
    --cap-drop ALL --security-opt no-new-privileges "${RUN_FLAGS[@]}" "${common_env[@]}" "${own[@]}" "${extra[@]}" \
    "$IMAGE" "$service" > /dev/null
}
await_ready() {
  local service=$1 since=$2 within=$3
  until curl -fs -o /dev/null "$(url "$service")/readyz"; do
    [[ $("$ENGINE" inspect --format '{{.State.Running}}' "$RUN_ID-$service") == true ]] || fail "$service exited"
    (($(date +%s) - since < within)) || fail "$service not ready within $within s"
    sleep 1
  done
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

# Docker gives a fresh named volume the owner of the image's folder (Dockerfile), podman the container's user: either way the
# service user must be able to spool there.
"$ENGINE" exec "$RUN_ID-face-api" node -e 'require("fs").accessSync(process.env.LATCHKEY_SPOOL_DIR, require("fs").constants.W_OK)' ||
  fail "the face-api cannot write its spool folder on the volume"

say 'an ISV, its flag and key (operator CLI with the break-glass keys), a client resource'
mkdir -p "$WORK/data/secrets"
for service in issuer face-api exchange rbac audit abuse-detector; do
  secret "LATCHKEY_$(tr 'a-z-' 'A-Z_' <<< "$service")_OPERATOR_KEY" > "$WORK/data/secrets/$service-operator-key"
done
cli() { (cd "$ROOT" && LATCHKEY_ISSUER_URL=$(url issuer) LATCHKEY_FACE_API_URL=$(url face-api) LATCHKEY_AUDIT_URL=$(url audit) \
  LATCHKEY_EXCHANGE_URL=$(url exchange) LATCHKEY_RBAC_URL=$(url rbac) LATCHKEY_ABUSE_DETECTOR_URL=$(url abuse-detector) \
  npx tsx tools/cli/latchkey.ts --data-dir "$WORK/data" "$@"); }
cli isv create smoke-isv --name 'Image smoke ISV' > /dev/null
cli isv approve smoke-isv > /dev/null
cli isv grant smoke-isv Face.Identification > /dev/null
ISV_KEY=$(cli --json keys create smoke-isv | node -e 'const k=JSON.parse(require("fs").readFileSync(0,"utf8"));process.stdout.write(k.subscriptionKey)')
CLIENT_KEY=$(curl -fsS -X POST "$(url face-api)/admin/v1/client-resources" -H "authorization: Bearer $(cat "$WORK/data/secrets/face-api-operator-key")" \
  -H 'content-type: application/json' -d "{\"resourceId\":\"$RESOURCE\",\"displayName\":\"Image smoke client\"}" |
  node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0,"utf8")).subscriptionKey)')

say 'a limited access token, and the gated identify it opens'
TOKEN=$(curl -fsS -X POST "$(url issuer)/sts/v1.0/issueLimitedAccessToken?expiredTime=600" -H "ocp-apim-subscription-key: $ISV_KEY" \
  -H 'content-type: application/json' -d "{\"targetAzureResourceId\":\"$RESOURCE\",\"featureFlags\":[\"Face.Identification\"]}")
cli token verify "$TOKEN" > /dev/null || fail "the token does not verify against the issuer's JWKS"
JTI=$(cli --json token decode "$TOKEN" | node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0,"utf8")).claims.jti)')
# A face from detect (not gated), looked up in the built-in demo group (docs/FACE-API.md).
FACE=$(curl -fsS -X POST "$(url face-api)/face/v1.0/detect" -H "ocp-apim-subscription-key: $CLIENT_KEY" -H 'content-type: application/json' \
  -d '{"url":"https://images.example.com/smoke.jpg"}' | node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0,"utf8"))[0].faceId)')
identify() {
  curl -sS -o "$WORK/identify" -w '%{http_code}' -X POST "$(url face-api)/face/v1.0/identify" -H "ocp-apim-subscription-key: $CLIENT_KEY" \
    -H 'content-type: application/json' "$@" \
    -d "{\"largePersonGroupId\":\"demo-large-group\",\"faceIds\":[\"$FACE\"],\"maxNumOfCandidatesReturned\":1}"
}
status=$(identify)
[[ $status == 403 ]] || fail "identify without a token answered $status, not 403 UnsupportedFeature"
status=$(identify -H "LimitedAccessToken: Bearer $TOKEN")
[[ $status == 200 ]] || fail "identify with the token answered $status: $(cat "$WORK/identify")"
printf 'token %s… for %s: identify 403 without it, 200 with it\n' "${JTI:0:8}" "$RESOURCE"

say "the token's lat.issued and lat.used in the audit store (Kafka → audit → PostgreSQL)"
started=$(date +%s)
until psql -tA "$DATABASE_URL" -c "SELECT string_agg(outcome, ',' ORDER BY outcome) FROM audit.events WHERE jti = '$JTI'" 2> /dev/null |
  grep -qx 'issued,served'; do
  (($(date +%s) - started < 60)) || fail "the audit store does not hold exactly lat.issued and lat.used of $JTI after 60 s"
  sleep 1
done
printf 'audit rows of %s…: lat.issued, lat.used after %d s\n' "${JTI:0:8}" $(($(date +%s) - started))
cli audit verify > /dev/null || fail 'the audit chain does not verify'

served_rows() { psql -tA "$DATABASE_URL" -c "SELECT count(*) FROM audit.events WHERE jti = '$JTI' AND outcome = 'served'"; }
spooled_files() {
  "$ENGINE" exec "$RUN_ID-face-api" node -e 'process.stdout.write(String(require("fs").readdirSync(process.env.LATCHKEY_SPOOL_DIR).length))'
}
if [[ -z ${KAFKA_PID:-} ]]; then
  say 'broker outage: not run (give KAFKA_PID to run it)'
else
  say 'broker outage: uses served meanwhile are spooled on the volume and outlive the container'
  USES=5
  [[ $(spooled_files) == 0 ]] || fail 'the spool holds files before the outage'
  kill -STOP "$KAFKA_PID"
  trap 'status=$?; kill -CONT "$KAFKA_PID" 2> /dev/null; cleanup "$status"' EXIT
  # At once, so that all are served within the revocation feed's staleness bound (5 s) of the freeze.
  for i in $(seq "$USES"); do identify -H "LimitedAccessToken: Bearer $TOKEN" > "$WORK/outage-$i" & done
  wait
  for i in $(seq "$USES"); do [[ $(cat "$WORK/outage-$i") == 200 ]] || fail "use $i during the outage answered $(cat "$WORK/outage-$i")"; done
  files=$(spooled_files)
  ((files > 0)) || fail 'the spool folder on the volume is empty after uses served during the outage'
  printf '%d uses served with the broker frozen; the spool holds %s file(s)\n' "$USES" "$files"
  # SIGKILL, then gone, as a pod deleted with its node: only the volume remains. (A SIGTERM would wait out the
  # shutdown bound, since consumers cannot leave their groups on a frozen broker.)
  "$ENGINE" kill --signal KILL "$RUN_ID-face-api" > /dev/null
  "$ENGINE" rm -f "$RUN_ID-face-api" > /dev/null
  start_service face-api
  kill -CONT "$KAFKA_PID"
  outage_end=$(date +%s)
  until [[ $(served_rows) == $((USES + 1)) ]]; do
    (($(date +%s) - outage_end < 120)) || fail "$(served_rows) served rows of $JTI in the audit store, not $((USES + 1)), 120 s after the broker's return"
    sleep 1
  done
  printf 'a new face-api container drained the volume: %d served rows of %s… in the audit store %d s after the broker returned\n' \
    $((USES + 1)) "${JTI:0:8}" $(($(date +%s) - outage_end))
  for service in "${SERVICES[@]}"; do await_ready "$service" "$outage_end" 90; done
  printf 'every service ready again %d s after the broker returned\n' $(($(date +%s) - outage_end))
  [[ $(spooled_files) == 0 ]] || fail 'the spool still holds files after draining'
  cli audit verify > /dev/null || fail 'the audit chain does not verify after the outage'
fi

say 'SIGTERM to every service: each exits 0 within LATCHKEY_SHUTDOWN_TIMEOUT_MS (10 s)'
for service in "${SERVICES[@]}"; do
  before=$(date +%s%N)
  "$ENGINE" stop -t 30 "$RUN_ID-$service" > /dev/null
  took=$((($(date +%s%N) - before) / 1000000))
  code=$("$ENGINE" inspect --format '{{.State.ExitCode}}' "$RUN_ID-$service")
  printf '%-15s exit %s after %5d ms\n' "$service" "$code" "$took"
  [[ $code == 0 ]] || fail "$service exited with $code on SIGTERM"
  ((took < 10000)) || fail "$service took $took ms to stop"
done

say 'PASS'
