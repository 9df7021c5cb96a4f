#!/usr/bin/env bash
# Starts the pods of a kustomize overlay (default dev) as containers, the way a kubelet would for the fields
# these manifests use (lib/pods.mjs: env and envFrom from the ConfigMaps and the Secrets, securityContext,
# limits, emptyDir, configMap and claim volumes, Services as network aliases, init containers first, the
# topic Job), with every replica the overlay asks for, on one container network beside a Kafka broker and
# PostgreSQL (which the manifests expect outside). Then it waits for every pod's readiness probe and runs the
# checks image-smoke.sh and compose-smoke.sh run (lib/token-flow.sh), plus a token from the second issuer
# replica used at both face-api replicas.
#
#   kubectl kustomize is needed (the overlay is built with it); the images as for compose-smoke.sh:
#   docker build -t latchkey/platform:local . && bash deploy/scripts/k8s-smoke.sh
#
# OVERLAY picks deploy/k8s/overlays/<name>; IMAGE is tagged with the image names the overlay's pods use.
# This is no cluster: scheduling, Service load balancing (here: DNS answers with every replica), probes
# restarting containers, HPAs, PDBs and rollouts are not played. What it found and when it last ran:
# docs/DEPLOY.md.
set -euo pipefail

ENGINE=${ENGINE:-docker}
OVERLAY=${OVERLAY:-dev}
IMAGE=${IMAGE:-latchkey/platform:local}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PREFIX=lkk8s$$
WORK=$(mktemp -d)
# shellcheck source=lib/token-flow.sh
source "$ROOT/deploy/scripts/lib/token-flow.sh"

ip_of() { "$ENGINE" inspect --format "{{(index .NetworkSettings.Networks \"$PREFIX\").IPAddress}}" "$1"; }
# The services as the host reaches them: replica 0's pod address, looked up once when all are ready (the broker
# outage sends its uses within seconds of the freeze; an inspect per request is slow on a loaded machine).
declare -A ADDRESS=()
url() { printf 'http://%s:%s' "${ADDRESS[$1]:-$(ip_of "$PREFIX-$1-0")}" "${PORT[$1]}"; }
container_of() { printf '%s-%s-0' "$PREFIX" "$1"; }
freeze_broker() { "$ENGINE" pause "$PREFIX-kafka" > /dev/null; }
thaw_broker() { "$ENGINE" unpause "$PREFIX-kafka" > /dev/null; }
stop_service() { "$ENGINE" stop -t "$(pod_field "$(container_of "$1")" grace)" "$(container_of "$1")"; }
# In the background: its init container waits for the topics, which a frozen broker does not list. The checks
# that follow wait for the drain, which needs the new pod running.
start_face_api() {
  unset 'ADDRESS[face-api]'
  start_pod "$(container_of face-api)" > "$WORK/face-api-restart.log" 2>&1 &
}

# A field of a pod of the plan by container name and dotted path (`main`, `init.0`, `grace`): arrays as
# NUL-separated words, objects as JSON, a missing field as nothing.
pod_field() {
  node -e 'const [plan, name, path] = process.argv.slice(1); const pod = JSON.parse(require("fs").readFileSync(plan, "utf8")).find((p) => p.container === name);
    const value = path.split(".").reduce((v, key) => v?.[key], pod);
    process.stdout.write(Array.isArray(value) ? value.join("\0") : typeof value === "object" ? JSON.stringify(value) : String(value ?? ""))' \
    "$WORK/plan.json" "$1" "$2"
}
# Init containers to completion, in order, then the main container, detached.
start_pod() {
  local name=$1 args
  for ((i = 0; ; i++)); do
    mapfile -d '' args < <(pod_field "$name" "init.$i")
    ((${#args[@]} > 0)) || break
    "$ENGINE" run --rm "${args[@]}" > "$WORK/$name-init-$i.log" 2>&1 || fail "$name: init container $i failed: $(tail -n 5 "$WORK/$name-init-$i.log")"
  done
  mapfile -d '' args < <(pod_field "$name" main)
  "$ENGINE" rm -f "$name" > /dev/null 2>&1 || true
  "$ENGINE" run -d "${args[@]}" > /dev/null
}

cleanup() {
  local status=${1:-$?}
  if [[ $status -ne 0 ]]; then
    for name in $("$ENGINE" ps -a --filter "label=io.latchkey.k8s-smoke=$PREFIX" --format '{{.Names}}'); do
      printf '\n--- last log lines of %s\n' "$name" >&2
      "$ENGINE" logs --tail 8 "$name" >&2 2>&1 | cut -c1-400 >&2 || true
    done
  fi
  "$ENGINE" unpause "$PREFIX-kafka" > /dev/null 2>&1 || true
  "$ENGINE" ps -aq --filter "label=io.latchkey.k8s-smoke=$PREFIX" | xargs -r "$ENGINE" rm -f > /dev/null 2>&1 || true
  "$ENGINE" volume ls -q --filter "name=^$PREFIX-" | xargs -r "$ENGINE" volume rm -f > /dev/null 2>&1 || true
  "$ENGINE" network rm "$PREFIX" > /dev/null 2>&1 || true
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT

say "overlay $OVERLAY: kubectl kustomize, the Secrets (latchkey-secrets, one per service key) from generate-env.js, the pods as a plan"
kubectl kustomize "$ROOT/deploy/k8s/overlays/$OVERLAY" > "$WORK/objects.yaml"
# secrets.json: every value by name (token-flow.sh's `secret`); k8s-secrets.json: the same values split into the Secrets
# as `generate-env.js --format k8s` splits them.
node "$ROOT/deploy/compose/generate-env.js" --format json |
  node -e 'const s = JSON.parse(require("fs").readFileSync(0, "utf8")); s.DATABASE_URL = `postgres://latchkey:${s.POSTGRES_PASSWORD}@postgres:5432/latchkey`; process.stdout.write(JSON.stringify(s))' \
    > "$WORK/secrets.json"
node -e 'const fs = require("fs"); const { kubernetesSecrets } = require(process.argv[1]);
  fs.writeFileSync(process.argv[3], JSON.stringify(kubernetesSecrets(JSON.parse(fs.readFileSync(process.argv[2], "utf8")))))' \
  "$ROOT/deploy/compose/generate-env.js" "$WORK/secrets.json" "$WORK/k8s-secrets.json"
node "$ROOT/deploy/scripts/lib/pods.mjs" "$WORK/objects.yaml" "$WORK/k8s-secrets.json" "$PREFIX" "$WORK" > "$WORK/plan.json"
for image in $(node -e 'for (const p of require(process.argv[1])) for (const i of p.images) console.log(i)' "$WORK/plan.json" | sort -u); do
  [[ $image == latchkey/* ]] && "$ENGINE" tag "$IMAGE" "$image"
done
node -e 'for (const p of require(process.argv[1])) console.log(`${p.kind.padEnd(12)} ${p.container}${p.init.length ? ` (${p.init.length} init)` : ""}`)' "$WORK/plan.json"

say 'outside the manifests: Kafka (kafka:9092, as the ConfigMap says) and PostgreSQL (postgres, as DATABASE_URL says)'
"$ENGINE" network create "$PREFIX" > /dev/null
"$ENGINE" run -d --name "$PREFIX-kafka" --network "$PREFIX" --network-alias kafka --label "io.latchkey.k8s-smoke=$PREFIX" \
  -e KAFKA_NODE_ID=1 -e KAFKA_PROCESS_ROLES=broker,controller -e KAFKA_CONTROLLER_QUORUM_VOTERS=1@kafka:9093 \
  -e KAFKA_LISTENERS=PLAINTEXT://:9092,CONTROLLER://:9093 -e KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://kafka:9092 \
  -e KAFKA_LISTENER_SECURITY_PROTOCOL_MAP=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT -e KAFKA_CONTROLLER_LISTENER_NAMES=CONTROLLER \
  -e KAFKA_INTER_BROKER_LISTENER_NAME=PLAINTEXT -e KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR=1 -e KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR=1 \
  -e KAFKA_TRANSACTION_STATE_LOG_MIN_ISR=1 -e KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR=1 -e KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR=1 \
  -e KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS=0 -e KAFKA_AUTO_CREATE_TOPICS_ENABLE=false apache/kafka:4.2.0 > /dev/null
"$ENGINE" run -d --name "$PREFIX-postgres" --network "$PREFIX" --network-alias postgres --label "io.latchkey.k8s-smoke=$PREFIX" \
  -e POSTGRES_USER=latchkey -e POSTGRES_DB=latchkey -e "POSTGRES_PASSWORD=$(secret POSTGRES_PASSWORD)" postgres:15.10-bookworm > /dev/null
DATABASE_URL="postgres://latchkey:$(secret POSTGRES_PASSWORD)@$(ip_of "$PREFIX-postgres"):5432/latchkey"

say 'every pod at once, as the API server would create them: the Job, and each pod (init containers, then its container)'
started=$(date +%s)
jobs_and_pods=()
for name in $(node -e 'for (const p of require(process.argv[1])) console.log(p.container)' "$WORK/plan.json"); do
  if [[ $(pod_field "$name" kind) == Job ]]; then
    (
      for ((attempt = 0; attempt <= $(pod_field "$name" backoffLimit); attempt++)); do
        mapfile -d '' args < <(pod_field "$name" main)
        "$ENGINE" rm -f "$name" > /dev/null 2>&1 || true
        "$ENGINE" run "${args[@]}" > "$WORK/$name.log" 2>&1 && exit 0
        sleep $((10 * (attempt + 1)))
      done
      exit 1
    ) &
  else
    start_pod "$name" &
  fi
  jobs_and_pods+=("$name:$!")
done
for entry in "${jobs_and_pods[@]}"; do wait "${entry#*:}" || fail "${entry%%:*} did not start: $(tail -n 5 "$WORK/${entry%%:*}.log" 2> /dev/null)"; done
printf 'the Job: %s\n' "$(tail -n 1 "$WORK/$PREFIX-kafka-topics-0.log")"

say 'readiness probes (httpGet on each pod address), every replica'
for name in $(node -e 'for (const p of require(process.argv[1])) if (p.readiness) console.log(p.container)' "$WORK/plan.json"); do
  probe="http://$(ip_of "$name"):$(pod_field "$name" readiness | node -e 'const r=JSON.parse(require("fs").readFileSync(0,"utf8")); process.stdout.write(`${r.port}${r.path}`)')"
  until curl -fs -o /dev/null "$probe"; do
    [[ $("$ENGINE" inspect --format '{{.State.Running}}' "$name") == true ]] || fail "$name exited"
    (($(date +%s) - started < 400)) || fail "$name not ready within 400 s"
    sleep 2
  done
  printf '%-28s ready after %3d s\n' "$name" $(($(date +%s) - started))
done
for service in "${SERVICES[@]}"; do ADDRESS[$service]=$(ip_of "$PREFIX-$service-0"); done

drive_one_token

say 'replicas: a token from the second issuer, used at both face-api replicas (keys shared through the database)'
issuer1="http://$(ip_of "$PREFIX-issuer-1"):${PORT[issuer]}"
isv_key=$(cli --json keys create smoke-isv | json_field subscriptionKey)
token=$(curl -fsS -X POST "$issuer1/sts/v1.0/issueLimitedAccessToken?expiredTime=600" -H "ocp-apim-subscription-key: $isv_key" \
  -H 'content-type: application/json' -d "{\"targetAzureResourceId\":\"$RESOURCE\",\"featureFlags\":[\"Face.Identification\"]}")
for replica in 0 1; do
  status=$(curl -sS -o "$WORK/identify" -w '%{http_code}' -X POST "http://$(ip_of "$PREFIX-face-api-$replica"):${PORT[face-api]}/face/v1.0/identify" \
    -H "ocp-apim-subscription-key: $CLIENT_KEY" -H 'content-type: application/json' -H "LimitedAccessToken: Bearer $token" \
    -d "{\"largePersonGroupId\":\"demo-large-group\",\"faceIds\":[\"$FACE\"],\"maxNumOfCandidatesReturned\":1}")
  [[ $status == 200 ]] || fail "face-api replica $replica answered $status to issuer replica 1's token: $(cat "$WORK/identify")"
done
printf "issuer-1's token: identify 200 at face-api-0 and face-api-1\n"

broker_outage
stop_each 10000

say 'PASS'
