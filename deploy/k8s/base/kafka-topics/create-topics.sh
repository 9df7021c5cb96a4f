#!/bin/sh
# Creates every topic of topics.conf that does not exist yet (--if-not-exists),
# with its partition count, cleanup policy and, where given, retention. Idempotent: run it again after
# adding a topic. Existing topics are left as they are (a changed partition
# count must be applied by hand with kafka-topics.sh --alter, see docs/DEPLOY.md).
#
# Environment: KAFKA_BROKERS (host:port,...), REPLICATION_FACTOR (default 1),
# MIN_INSYNC_REPLICAS (default 1), TOPICS_FILE (default: topics.conf beside this file),
# KAFKA_BIN (default /opt/kafka/bin, the apache/kafka image), PARALLEL (creates at once, default 4).
set -eu

: "${KAFKA_BROKERS:?KAFKA_BROKERS is required}"
REPLICATION_FACTOR="${REPLICATION_FACTOR:-1}"
MIN_INSYNC_REPLICAS="${MIN_INSYNC_REPLICAS:-1}"
TOPICS_FILE="${TOPICS_FILE:-$(dirname "$0")/topics.conf}"
KAFKA_BIN="${KAFKA_BIN:-/opt/kafka/bin}"
# kafka-run-class.sh creates its log folder: keep it on the writable /tmp.
export LOG_DIR="${LOG_DIR:-/tmp/kafka-logs}"

# Each kafka-topics.sh call starts a JVM (2-4 s): list once, create only what is missing, PARALLEL at a time.
# With 26 topics one by one, every `compose up` waited about 80 s here for topics that all existed.
PARALLEL="${PARALLEL:-4}"
attempt=0
until existing=$("$KAFKA_BIN/kafka-topics.sh" --bootstrap-server "$KAFKA_BROKERS" --list 2>/dev/null); do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 60 ]; then
    echo "create-topics: brokers $KAFKA_BROKERS unreachable" >&2
    exit 1
  fi
  sleep 2
done

create() {
  name=$1 partitions=$2 policy=$3 retention=$4
  if [ -n "$retention" ]; then set -- --config "retention.ms=$retention"; else set --; fi
  "$KAFKA_BIN/kafka-topics.sh" --bootstrap-server "$KAFKA_BROKERS" --create --if-not-exists \
    --topic "$name" --partitions "$partitions" --replication-factor "$REPLICATION_FACTOR" \
    --config "cleanup.policy=$policy" --config "min.insync.replicas=$MIN_INSYNC_REPLICAS" "$@"
}

# The loop runs in the pipeline's subshell: it waits for its own creates and exits non-zero if one failed.
sed -e 's/#.*//' "$TOPICS_FILE" | {
  pids='' running=0 failed=0 created=0
  while read -r name partitions policy retention; do
    [ -z "${name:-}" ] && continue
    printf '%s\n' "$existing" | grep -qxF "$name" && continue
    create "$name" "$partitions" "$policy" "${retention:-}" &
    pids="$pids $!" running=$((running + 1)) created=$((created + 1))
    if [ "$running" -ge "$PARALLEL" ]; then
      for pid in $pids; do wait "$pid" || failed=1; done
      pids='' running=0
    fi
  done
  for pid in $pids; do wait "$pid" || failed=1; done
  [ "$failed" -eq 0 ] || { echo "create-topics: a topic could not be created" >&2; exit 1; }
  echo "create-topics: done ($created created, the others existed)"
}
