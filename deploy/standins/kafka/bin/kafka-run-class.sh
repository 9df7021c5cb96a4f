#!/bin/sh
# What Kafka's own launcher does for the tools: the jars in /opt/kafka/libs, logging to stderr at WARN.
exec java ${KAFKA_HEAP_OPTS:--Xmx256m} -Djava.awt.headless=true \
  -Dlog4j2.configurationFile="${KAFKA_LOG4J_CONFIG:-/opt/kafka/config/tools-log4j2.properties}" -cp '/opt/kafka/libs/*' "$@"
