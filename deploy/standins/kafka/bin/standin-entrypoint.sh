#!/bin/sh
# The official image's rule for settings: KAFKA_FOO_BAR=x becomes foo.bar=x (`__` stands for `_`, `___` for `-`).
# Storage is formatted once, with CLUSTER_ID or the official image's default id.
set -eu
props=/var/lib/kafka/server.properties
env | grep '^KAFKA_' | grep -v -e '^KAFKA_HEAP_OPTS=' -e '^KAFKA_LOG4J_CONFIG=' | while IFS='=' read -r name value; do
  key=$(printf '%s' "${name#KAFKA_}" | tr 'A-Z' 'a-z' | sed -e 's/___/-/g' -e 's/__/@/g' -e 's/_/./g' -e 's/@/_/g')
  printf '%s=%s\n' "$key" "$value"
done > "$props"
grep -q '^log\.dirs=' "$props" || echo 'log.dirs=/var/lib/kafka/data' >> "$props"
if [ ! -f /var/lib/kafka/data/meta.properties ]; then
  /opt/kafka/bin/kafka-run-class.sh kafka.tools.StorageTool format -t "${CLUSTER_ID:-5L6g3nShT-eMCtK--X86sw}" -c "$props"
fi
KAFKA_LOG4J_CONFIG=/opt/kafka/config/log4j2.properties KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx512m}" \
  exec /opt/kafka/bin/kafka-run-class.sh kafka.Kafka "$props"
