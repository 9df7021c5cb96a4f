-- The whole append as one statement (docs/BENCHMARKS.md, audit ingest). Before, the ingester took the
-- chain's lock, then made three more round trips under it (ids, head, insert) and the commit; each waited
-- for the service's event loop, busy decoding the next fetch, so the lock was held far longer than the
-- database worked. Called in autocommit, this function holds the transaction-scoped lock only while the
-- database itself appends.
--
-- batch: a JSON array of rows in chain order, each the event's columns plus `canonical`, the event's
-- RFC 8785 canonical JSON computed by the service (what the hash commits to; PostgreSQL cannot produce
-- it: jsonb orders keys and formats numbers its own way). Event ids already stored are skipped (a
-- redelivery); the batch must not repeat an id (the caller drops repeats). The rest are linked to the
-- head: seq = head + 1, 2, … and hash = SHA-256(prev_hash ‖ canonical) in hex, exactly as
-- chainHashOf in audit-chain.ts computes it and `latchkey audit verify` re-checks it.
-- chain_lock: the advisory lock every writer of the chain takes (AUDIT_CHAIN_LOCK).
-- Returns how many rows were appended.
CREATE FUNCTION "audit"."append_events"(batch jsonb, chain_lock bigint) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  head_seq bigint := 0;
  head_hash text := repeat('0', 64);
  fresh record;
  positions integer[] := '{}';
  prev_hashes text[] := '{}';
  hashes text[] := '{}';
BEGIN
  PERFORM pg_advisory_xact_lock(chain_lock);
  SELECT e.seq, e.hash INTO head_seq, head_hash FROM "audit"."events" e ORDER BY e.seq DESC LIMIT 1;
  IF NOT FOUND THEN
    head_seq := 0;
    head_hash := repeat('0', 64);
  END IF;
  FOR fresh IN
    SELECT b.position, b.item->>'canonical' AS canonical
      FROM jsonb_array_elements(batch) WITH ORDINALITY AS b(item, position)
     WHERE NOT EXISTS (SELECT 1 FROM "audit"."events" e WHERE e.event_id = b.item->>'event_id')
     ORDER BY b.position
  LOOP
    positions := positions || fresh.position::integer;
    prev_hashes := prev_hashes || head_hash;
    head_hash := encode(sha256(convert_to(head_hash || fresh.canonical, 'UTF8')), 'hex');
    hashes := hashes || head_hash;
  END LOOP;
  IF cardinality(positions) = 0 THEN
    RETURN 0;
  END IF;
  -- received_at is each insert's own clock, not the transaction's start: the moment the lag benchmark measures to.
  INSERT INTO "audit"."events" (seq, event_id, type, topic, source, subject, time, traceparent, data, prev_hash, hash, received_at)
  SELECT head_seq + linked.n, r.event_id, r.type, r.topic, r.source, r.subject, r.time, r.traceparent, r.data,
         linked.prev_hash, linked.hash, clock_timestamp()
    FROM unnest(positions, prev_hashes, hashes) WITH ORDINALITY AS linked(position, prev_hash, hash, n)
   CROSS JOIN LATERAL jsonb_to_record(batch -> (linked.position - 1))
         AS r(event_id text, type text, topic text, source text, subject text, time timestamptz, traceparent text, data jsonb)
   ORDER BY linked.n;
  RETURN cardinality(positions);
END
$$;
