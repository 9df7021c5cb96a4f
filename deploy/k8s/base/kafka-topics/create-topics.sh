#!/bin/sh
# Creates every topic of topics.conf that does not exist yet (--if-not-exists),
# with its partition count, cleanup policy and, where given, retention. Idempotent: run it again after
# adding a topic. Existing topics are left as they are (a changed partition
# count must be applied by hand with kafka-topics.sh --alter, see docs/DEPLOY.md).
#
# Environment: KAFKA_BROKERS (host:port,...), REPLICATION_FACTOR (default 1),
# MIN_INSYNC_REPLICAS (default 1), TOPICS_FILE (default: topics.conf beside this file),
# KAFKA_BIN (default /opt/kafka/bin, the apache/kafka image).
set -eu

: "${KAFKA_BROKERS:?KAFKA_BROKERS is required}"
REPLICATION_FACTOR="${REPLICATION_FACTOR:-1}"
MIN_INSYNC_REPLICAS="${MIN_INSYNC_REPLICAS:-1}"
TOPICS_FILE="${TOPICS_FILE:-$(dirname "$0")/topics.conf}"
KAFKA_BIN="${KAFKA_BIN:-/opt/kafka/bin}"
# kafka-run-class.sh creates its log folder: keep it on the writable /tmp.
export LOG_DIR="${LOG_DIR:-/tmp/kafka-logs}"

attempt=0
until "$KAFKA_BIN/kafka-topics.sh" --bootstrap-server "$KAFKA_BROKERS" --list >/dev/null 2>&1; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 60 ]; then
    echo "create-topics: brokers $KAFKA_BROKERS unreachable" >&2
    exit 1
  fi
  sleep 2
done

sed -e 's/#.*//' "$TOPICS_FILE" | while read -r name partitions policy retention; do
  [ -z "${name:-}" ] && continue
  if [ -n "${retention:-}" ]; then set -- --config "retention.ms=$retention"; else set --; fi
  "$KAFKA_BIN/kafka-topics.sh" --bootstrap-server "$KAFKA_BROKERS" --create --if-not-exists \
    --topic "$name" --partitions "$partitions" --replication-factor "$REPLICATION_FACTOR" \
    --config "cleanup.policy=$policy" --config "min.insync.replicas=$MIN_INSYNC_REPLICAS" "$@"
done
echo "create-topics: done"
