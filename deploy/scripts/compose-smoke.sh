#!/usr/bin/env bash
# Runs deploy/compose/compose.yaml as committed (profile platform: PostgreSQL, Kafka, the topic one-shot and
# every service from the image, with the OTLP collector they export to) and checks it the way image-smoke.sh
# checks single containers (lib/token-flow.sh): every service healthy by the image's HEALTHCHECK, one token
# issued, used and audited, a broker outage (`pause kafka`) that the face-api's spool volume survives when its
# container is replaced, `compose stop` of every service within its grace period, and `compose up` again.
#
#   docker build -t latchkey/platform:local .             # or BUILD=1 below
#   COMPOSE=docker-compose bash deploy/scripts/compose-smoke.sh
#
# COMPOSE is the compose command (default `docker compose`; `docker-compose` for v1, `podman-compose`); ENGINE
# is docker or podman. Secrets come from deploy/compose/generate-env.js, passed in the environment: a
# deploy/compose/.env of your own is neither read nor changed. Uses the compose file's host ports
# (3001-3006, 3010, 5433, 29092, 4317, 4318, 16686), which must be free. On a machine without an image registry,
# deploy/standins/build.sh makes the third-party images first. What it found and when it last ran: docs/DEPLOY.md.
set -euo pipefail

ENGINE=${ENGINE:-docker}
read -r -a COMPOSE_CMD <<< "${COMPOSE:-docker compose}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PROJECT=lksmoke$$
WORK=$(mktemp -d)
# shellcheck source=lib/token-flow.sh
source "$ROOT/deploy/scripts/lib/token-flow.sh"

node "$ROOT/deploy/compose/generate-env.js" --format json > "$WORK/secrets.json"
DATABASE_URL="postgres://latchkey:$(secret POSTGRES_PASSWORD)@127.0.0.1:5433/latchkey"
# The secrets as NAME=value words for env(1): values hold quotes and braces, so no shell quoting is involved.
mapfile -d '' SECRETS < <(node -e 'for (const [k, v] of Object.entries(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")))) process.stdout.write(`${k}=${v}\0`)' "$WORK/secrets.json")
: > "$WORK/empty.env"
dc() {
  env "${SECRETS[@]}" "${COMPOSE_CMD[@]}" --project-name "$PROJECT" --env-file "$WORK/empty.env" \
    -f "$ROOT/deploy/compose/compose.yaml" --profile platform "$@"
}

container_of() {
  local id
  id=$(dc ps --all --quiet "$1" 2> /dev/null)
  [[ -n $id ]] || fail "no container for $1"
  printf '%s' "$id"
}
freeze_broker() { "$ENGINE" pause "$(container_of kafka)" > /dev/null; }
thaw_broker() { "$ENGINE" unpause "$(container_of kafka)" > /dev/null; }
start_face_api() { dc up -d --no-deps face-api > /dev/null 2>&1; }
stop_service() { dc stop "$1"; }

cleanup() {
  local status=${1:-$?}
  if [[ $status -ne 0 ]]; then
    for service in postgres kafka kafka-topics otel-collector "${SERVICES[@]}"; do
      printf '\n--- last log lines of %s\n' "$service" >&2
      dc logs --no-color --tail 15 "$service" >&2 2> /dev/null || true
    done
  fi
  dc down --volumes --timeout 5 > /dev/null 2>&1 || true
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT

if [[ -n ${BUILD:-} ]]; then
  say 'the image: docker build'
  started=$(date +%s)
  "$ENGINE" build -q -t latchkey/platform:local "$ROOT" > /dev/null
  printf 'built in %d s\n' $(($(date +%s) - started))
fi

say "compose up (project $PROJECT): the services and what they depend on"
started=$(date +%s)
dc up -d "${SERVICES[@]}" 2>&1 | tail -n 3
[[ $("$ENGINE" inspect --format '{{.State.ExitCode}}' "$(container_of kafka-topics)") == 0 ]] || fail 'the topic one-shot failed'
seconds_since_up() { echo $(($(date -d "$("$ENGINE" inspect --format "{{.State.$2}}" "$(container_of "$1")")" +%s) - started)); }
printf 'kafka started after %d s; the topic one-shot ran from %d s to %d s: %s\n' "$(seconds_since_up kafka StartedAt)" \
  "$(seconds_since_up kafka-topics StartedAt)" "$(seconds_since_up kafka-topics FinishedAt)" "$(dc logs --no-log-prefix kafka-topics | tail -n 1)"

# Every service healthy by the image's HEALTHCHECK (as compose sees it), then ready, as the image's user with a read-only root.
await_healthy() {
  local since=$1 user readonly
  for service in "${SERVICES[@]}"; do
    until [[ $("$ENGINE" inspect --format '{{.State.Health.Status}}' "$(container_of "$service")") == healthy ]]; do
      [[ $("$ENGINE" inspect --format '{{.State.Running}}' "$(container_of "$service")") == true ]] || fail "$service exited"
      (($(date +%s) - since < 300)) || fail "$service not healthy within 300 s"
      sleep 2
    done
    await_ready "$service" "$since" 300
    read -r user readonly < <("$ENGINE" inspect --format '{{.Config.User}} {{.HostConfig.ReadonlyRootfs}}' "$(container_of "$service")")
    [[ $user == 1000:1000 && $readonly == true ]] || fail "$service runs as '$user' with read-only root '$readonly'"
    printf '%-15s healthy after %3d s (user %s, read-only root)\n' "$service" $(($(date +%s) - since)) "$user"
  done
}

say "health (the image's HEALTHCHECK, as compose sees it), then /readyz"
await_healthy "$started"

drive_one_token
broker_outage
stop_each 10000

say 'compose up again after stop: Kafka and PostgreSQL keep their data, the one-shot creates nothing'
started=$(date +%s)
dc up -d "${SERVICES[@]}" > /dev/null 2>&1
dc logs --no-log-prefix kafka-topics | grep -q 'done (0 created' || fail "the one-shot's second run: $(dc logs --no-log-prefix kafka-topics | tail -n 1)"
await_healthy "$started"
[[ $(served_rows) == "$SERVED_USES" ]] || fail "$(served_rows) served rows of $JTI after the restart, not $SERVED_USES"
cli audit verify > /dev/null || fail 'the audit chain does not verify after the restart'

say 'PASS'
