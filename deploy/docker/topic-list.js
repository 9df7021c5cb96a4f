'use strict';
/**
 * Parses the topic list (deploy/k8s/base/kafka-topics/topics.conf): one topic
 * a line, `<name> <partitions> <cleanup.policy> [<retention.ms>]`; `#` starts
 * a comment.
 * Shared by wait-for-topics.js and deploy/test (create-topics.sh reads the
 * same format with `read`).
 */
function parseTopicList(text) {
  return text
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [name, partitions, cleanupPolicy, retention, ...rest] = line.split(/\s+/);
      const count = Number(partitions);
      const retentionMs = retention === undefined ? undefined : Number(retention);
      const badRetention = retentionMs !== undefined && !(Number.isInteger(retentionMs) && (retentionMs === -1 || retentionMs > 0));
      if (!Number.isInteger(count) || count < 1 || !/^(delete|compact)$/.test(cleanupPolicy ?? '') || badRetention || rest.length > 0) {
        throw new Error(`bad topic line: "${line}" (want: <name> <partitions> delete|compact [<retention.ms>])`);
      }
      return retentionMs === undefined ? { name, partitions: count, cleanupPolicy } : { name, partitions: count, cleanupPolicy, retentionMs };
    });
}

module.exports = { parseTopicList };
