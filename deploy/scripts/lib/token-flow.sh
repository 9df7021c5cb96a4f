# shellcheck shell=bash
# What image-smoke.sh and compose-smoke.sh check once the platform runs, whatever started it: one limited
# access token driven through every service with the operator CLI and plain HTTP, a broker outage that the
# face-api's spool volume must survive, and SIGTERM to every service. Sourced, not run.
#
# The caller sets ROOT (the repository), WORK (a scratch folder holding secrets.json, the values of
# `deploy/compose/generate-env.js --format json`), ENGINE (docker or podman) and DATABASE_URL (the audit
# store), and defines:
#   container_of <service>   the name or id of the service's container
#   start_face_api           starts a new face-api container on the same spool volume
#   freeze_broker, thaw_broker
#   stop_service <service>   stops the service's container with SIGTERM, the way its deployment does

SERVICES=(issuer face-api exchange rbac audit abuse-detector testapi)
declare -A PORT=([issuer]=3001 [face-api]=3002 [exchange]=3003 [rbac]=3004 [audit]=3005 [abuse-detector]=3006 [testapi]=3010)
# A Face client resource, lower case so that it is its own canonical form (the token's aud).
# Uses sent during broker_outage.
OUTAGE_USES=5
RESOURCE=/subscriptions/00000000-0000-4000-8000-00000000feed/resourcegroups/smoke/providers/microsoft.cognitiveservices/accounts/smoke-client

say() { printf '\n== %s\n' "$*"; }
fail() {
  printf '\nFAILED: %s\n' "$*" >&2
  exit 1
}
url() { printf 'http://127.0.0.1:%s' "${PORT[$1]}"; }
secret() { node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[process.argv[2]])' "$WORK/secrets.json" "$1"; }
json_field() { node -e 'let v=JSON.parse(require("fs").readFileSync(0,"utf8"));for(const k of process.argv[1].split("."))v=v[k];process.stdout.write(String(v))' "$1"; }

await_ready() {
  local service=$1 since=$2 within=$3
  until curl -fs -o /dev/null "$(url "$service")/readyz"; do
    [[ $("$ENGINE" inspect --format '{{.State.Running}}' "$(container_of "$service")") == true ]] || fail "$service exited"
    (($(date +%s) - since < within)) || fail "$service not ready within $within s"
    sleep 1
  done
}

# The operator CLI with the break-glass keys of secrets.json.
cli() {
  (cd "$ROOT" && LATCHKEY_ISSUER_URL=$(url issuer) LATCHKEY_FACE_API_URL=$(url face-api) LATCHKEY_AUDIT_URL=$(url audit) \
    LATCHKEY_EXCHANGE_URL=$(url exchange) LATCHKEY_RBAC_URL=$(url rbac) LATCHKEY_ABUSE_DETECTOR_URL=$(url abuse-detector) \
    npx tsx tools/cli/latchkey.ts --data-dir "$WORK/data" "$@")
}

identify() {
  curl -sS -o "${IDENTIFY_OUT:-$WORK/identify}" -w '%{http_code}' -X POST "$(url face-api)/face/v1.0/identify" -H "ocp-apim-subscription-key: $CLIENT_KEY" \
    -H 'content-type: application/json' "$@" \
    -d "{\"largePersonGroupId\":\"demo-large-group\",\"faceIds\":[\"$FACE\"],\"maxNumOfCandidatesReturned\":1}"
}
served_rows() { psql -tA "$DATABASE_URL" -c "SELECT count(*) FROM audit.events WHERE jti = '$JTI' AND outcome = 'served'"; }
spooled_files() {
  "$ENGINE" exec "$(container_of face-api)" node -e 'process.stdout.write(String(require("fs").readdirSync(process.env.LATCHKEY_SPOOL_DIR).length))'
}

# Sets CLIENT_KEY, TOKEN, JTI, FACE and SERVED_USES (the uses of TOKEN answered 200 so far).
drive_one_token() {
  # Docker gives a fresh named volume the owner of the image's folder (Dockerfile), podman the container's user:
  # either way the service user must be able to spool there.
  "$ENGINE" exec "$(container_of face-api)" node -e 'require("fs").accessSync(process.env.LATCHKEY_SPOOL_DIR, require("fs").constants.W_OK)' ||
    fail "the face-api cannot write its spool folder on the volume"

  say 'an ISV, its flag and key (operator CLI with the break-glass keys), a client resource'
  mkdir -p "$WORK/data/secrets"
  for service in issuer face-api exchange rbac audit abuse-detector; do
    secret "LATCHKEY_$(tr 'a-z-' 'A-Z_' <<< "$service")_OPERATOR_KEY" > "$WORK/data/secrets/$service-operator-key"
  done
  cli isv create smoke-isv --name 'Smoke-test ISV' > /dev/null
  cli isv approve smoke-isv > /dev/null
  cli isv grant smoke-isv Face.Identification > /dev/null
  local isv_key status started
  isv_key=$(cli --json keys create smoke-isv | json_field subscriptionKey)
  CLIENT_KEY=$(curl -fsS -X POST "$(url face-api)/admin/v1/client-resources" -H "authorization: Bearer $(cat "$WORK/data/secrets/face-api-operator-key")" \
    -H 'content-type: application/json' -d "{\"resourceId\":\"$RESOURCE\",\"displayName\":\"Smoke-test client\"}" | json_field subscriptionKey)

  say 'a limited access token, and the gated identify it opens'
  TOKEN=$(curl -fsS -X POST "$(url issuer)/sts/v1.0/issueLimitedAccessToken?expiredTime=600" -H "ocp-apim-subscription-key: $isv_key" \
    -H 'content-type: application/json' -d "{\"targetAzureResourceId\":\"$RESOURCE\",\"featureFlags\":[\"Face.Identification\"]}")
  cli token verify "$TOKEN" > /dev/null || fail "the token does not verify against the issuer's JWKS"
  JTI=$(cli --json token decode "$TOKEN" | json_field claims.jti)
  # A face from detect (not gated), looked up in the built-in demo group (docs/FACE-API.md).
  FACE=$(curl -fsS -X POST "$(url face-api)/face/v1.0/detect" -H "ocp-apim-subscription-key: $CLIENT_KEY" -H 'content-type: application/json' \
    -d '{"url":"https://images.example.com/smoke.jpg"}' | json_field 0.faceId)
  status=$(identify)
  [[ $status == 403 ]] || fail "identify without a token answered $status, not 403 UnsupportedFeature"
  status=$(identify -H "LimitedAccessToken: Bearer $TOKEN")
  [[ $status == 200 ]] || fail "identify with the token answered $status: $(cat "$WORK/identify")"
  SERVED_USES=1
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
}

# Uses served while the broker is frozen are spooled on the face-api's volume; the container is then deleted
# (as a pod is) and a new one on the same volume must bring every one of them to the audit store.
broker_outage() {
  local uses=$OUTAGE_USES served=0 refused=() files outage_end
  say 'broker outage: uses served meanwhile are spooled on the volume and outlive the container'
  [[ $(spooled_files) == 0 ]] || fail 'the spool holds files before the outage'
  freeze_broker
  # At once, so that they are served within the revocation feed's staleness bound (5 s) of the freeze. One that
  # comes later is refused with 503 (fail closed), which is right too: what is checked is that every served
  # use reaches the audit store, and that nothing else is answered.
  for i in $(seq "$uses"); do IDENTIFY_OUT="$WORK/outage-$i.body" identify -H "LimitedAccessToken: Bearer $TOKEN" > "$WORK/outage-$i" & done
  wait
  for i in $(seq "$uses"); do
    case $(cat "$WORK/outage-$i") in
      200) served=$((served + 1)) ;;
      503) refused+=("$(json_field error.innererror.code < "$WORK/outage-$i.body")") ;;
      *) fail "use $i during the outage answered $(cat "$WORK/outage-$i"): $(cat "$WORK/outage-$i.body")" ;;
    esac
  done
  ((served > 0)) || fail "no use was served during the outage (503: ${refused[*]})"
  files=$(spooled_files)
  ((files > 0)) || fail 'the spool folder on the volume is empty after uses served during the outage'
  printf '%d of %d uses served with the broker frozen (refused with 503: %s); the spool holds %s file(s)\n' "$served" "$uses" "${refused[*]:-none}" "$files"
  # SIGKILL, then gone, as a pod deleted with its node: only the volume remains. (A SIGTERM would wait out the
  # shutdown bound, since consumers cannot leave their groups on a frozen broker.)
  "$ENGINE" kill --signal KILL "$(container_of face-api)" > /dev/null
  "$ENGINE" rm -f "$(container_of face-api)" > /dev/null
  start_face_api
  thaw_broker
  outage_end=$(date +%s)
  SERVED_USES=$((SERVED_USES + served))
  until [[ $(served_rows) == "$SERVED_USES" ]]; do
    (($(date +%s) - outage_end < 120)) || fail "$(served_rows) served rows of $JTI in the audit store, not $SERVED_USES, 120 s after the broker's return"
    sleep 1
  done
  printf 'a new face-api container drained the volume: %d served rows of %s… in the audit store %d s after the broker returned\n' \
    "$SERVED_USES" "${JTI:0:8}" $(($(date +%s) - outage_end))
  for service in "${SERVICES[@]}"; do await_ready "$service" "$outage_end" 90; done
  printf 'every service ready again %d s after the broker returned\n' $(($(date +%s) - outage_end))
  [[ $(spooled_files) == 0 ]] || fail 'the spool still holds files after draining'
  cli audit verify > /dev/null || fail 'the audit chain does not verify after the outage'
}

# SIGTERM to every service: each must exit 0 within $1 ms.
stop_each() {
  local bound=$1 before took code container
  say "SIGTERM to every service: each exits 0 within $bound ms"
  for service in "${SERVICES[@]}"; do
    container=$(container_of "$service")
    before=$(date +%s%N)
    stop_service "$service" > /dev/null 2>&1
    took=$((($(date +%s%N) - before) / 1000000))
    code=$("$ENGINE" inspect --format '{{.State.ExitCode}}' "$container")
    printf '%-15s exit %s after %5d ms\n' "$service" "$code" "$took"
    [[ $code == 0 ]] || fail "$service exited with $code on SIGTERM"
    ((took < bound)) || fail "$service took $took ms to stop"
  done
}
