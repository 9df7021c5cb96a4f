import fc from 'fast-check';
import { chainHash, GENESIS_HASH, type ChainedEvent } from './audit-chain';
import { generateSigningKey, KeyRing, signAuditCheckpoint } from '@latchkey/tokens';
import { firstBrokenLink, verifyAuditLog, verifyChain, type SequencedChainRow } from './audit-verification';

const T0 = Date.parse('2026-11-29T00:00:00.000Z');

function event(i: number, data: unknown): ChainedEvent {
  return {
    eventId: `e-${i}`,
    type: 'com.latchkey.lat.used.v1',
    topic: 'lat.used',
    source: '/latchkey/face-api',
    subject: `j-${i}`,
    time: new Date(T0 + i * 1000).toISOString(),
    data,
  };
}

function rowOf(seq: number, prev: string, e: ChainedEvent): SequencedChainRow {
  return {
    seq,
    event_id: e.eventId,
    type: e.type,
    topic: e.topic,
    source: e.source,
    subject: e.subject,
    time: e.time,
    data: e.data,
    prev_hash: prev,
    hash: chainHash(prev, e),
  };
}

/** A well-formed chain of the given payloads, seq 1..n. */
function chainOf(payloads: readonly unknown[]): SequencedChainRow[] {
  const rows: SequencedChainRow[] = [];
  let prev = GENESIS_HASH;
  payloads.forEach((data, i) => {
    const row = rowOf(i + 1, prev, event(i + 1, data));
    rows.push(row);
    prev = row.hash;
  });
  return rows;
}

/** Renumbers seq 1..n in the current order (what an attacker hiding a change in the stored order would do). */
const renumbered = (rows: readonly SequencedChainRow[]) => rows.map((row, i) => ({ ...row, seq: i + 1 }));
/** The row's content, as chainHash sees it. */
const contentOf = (row: SequencedChainRow): ChainedEvent => ({
  ...event(0, row.data),
  eventId: row.event_id,
  subject: row.subject,
  time: String(row.time),
});

const payloads = fc.array(fc.record({ n: fc.integer(), s: fc.string({ maxLength: 12 }) }), { minLength: 3, maxLength: 25 });
/** A chain and a position in it that has a successor. */
const chainAndInner = payloads.chain((p) => fc.tuple(fc.constant(chainOf(p)), fc.integer({ min: 0, max: p.length - 2 })));

describe(verifyChain.name, () => {
  it('accepts an untouched chain, and counts the rows its latest checkpoint anchors', () => {
    fc.assert(
      fc.property(payloads, fc.nat(), (p, cut) => {
        const rows = chainOf(p);
        const size = cut % (rows.length + 1);
        const checkpoint = {
          treeSize: size,
          headHash: size === 0 ? GENESIS_HASH : rows[size - 1]!.hash,
        };
        expect(verifyChain(rows, [checkpoint])).toEqual({
          ok: true,
          rows: rows.length,
          anchored: size,
          prunedThrough: 0,
        });
      }),
    );
  });

  describe('after retention pruned the oldest rows', () => {
    /** The rows from `from` on (1-based), as a prune at a checkpoint of tree size `from` leaves them, and that checkpoint. */
    function prunedAt(rows: readonly SequencedChainRow[], from: number) {
      const kept = rows.slice(from - 1);
      return { kept, anchor: { treeSize: from, headHash: kept[0]!.hash } };
    }

    it('accepts a chain that starts at a row a signed checkpoint names as its head, and says how much was pruned', () => {
      fc.assert(
        fc.property(
          payloads.chain((p) => fc.tuple(fc.constant(chainOf(p)), fc.integer({ min: 2, max: p.length }))),
          ([rows, from]) => {
            const { kept, anchor } = prunedAt(rows, from);
            const latest = { treeSize: rows.length, headHash: rows.at(-1)!.hash };
            const older = { treeSize: 1, headHash: rows[0]!.hash }; // about a pruned row: nothing left to compare
            expect(verifyChain(kept, [older, anchor, latest])).toEqual({
              ok: true,
              rows: kept.length,
              anchored: rows.length,
              prunedThrough: from - 1,
            });
          },
        ),
      );
    });

    it('calls a cut prefix without such a checkpoint a deletion, naming the first remaining row', () => {
      const rows = chainOf([1, 2, 3, 4, 5, 6]);
      const { kept } = prunedAt(rows, 3);
      expect(verifyChain(kept, [{ treeSize: 2, headHash: rows[1]!.hash }])).toMatchObject({ ok: false, tampering: 'deleted', seq: 3 });
      expect(verifyChain(kept.slice(1), [{ treeSize: 3, headHash: rows[2]!.hash }])).toMatchObject({ ok: false, tampering: 'deleted', seq: 4 });
    });

    it('still checks the anchor row’s own content', () => {
      const rows = chainOf([1, 2, 3, 4, 5]);
      const { kept, anchor } = prunedAt(rows, 2);
      const edited = [{ ...kept[0]!, data: { forged: true } }, ...kept.slice(1)];
      expect(verifyChain(edited, [anchor])).toMatchObject({ ok: false, tampering: 'modified', seq: 2 });
    });
  });

  it('names a row whose content was edited in place: modified', () => {
    fc.assert(
      fc.property(
        payloads.chain((p) => fc.tuple(fc.constant(chainOf(p)), fc.nat({ max: p.length - 1 }))),
        ([rows, k]) => {
          const tampered = rows.map((row, i) => (i === k ? { ...row, data: { forged: true } } : row));
          expect(verifyChain(tampered)).toMatchObject({
            ok: false,
            tampering: 'modified',
            seq: k + 1,
            eventId: `e-${k + 1}`,
          });
        },
      ),
    );
  });

  it('names a row rewritten with a fresh hash, through its successor’s link: rewritten', () => {
    fc.assert(
      fc.property(chainAndInner, ([rows, k]) => {
        const original = rows[k]!;
        const forged = { ...contentOf(original), data: { forged: true } };
        const tampered = rows.map((row, i) => (i === k ? rowOf(row.seq, row.prev_hash, forged) : row));
        expect(verifyChain(tampered)).toMatchObject({
          ok: false,
          tampering: 'rewritten',
          seq: k + 1,
        });
      }),
    );
  });

  it('names the first row after a deletion: deleted', () => {
    fc.assert(
      fc.property(chainAndInner, ([rows, k]) => {
        const tampered = rows.filter((_, i) => i !== k);
        expect(verifyChain(tampered)).toMatchObject({
          ok: false,
          tampering: 'deleted',
          seq: k + 2,
        });
      }),
    );
  });

  it('names a row slipped in between two others, linked or not: inserted', () => {
    fc.assert(
      fc.property(chainAndInner, fc.boolean(), ([rows, k], linked) => {
        const prev = linked ? rows[k]!.hash : 'f'.repeat(64);
        const intruder = rowOf(0, prev, event(999, { forged: true }));
        const tampered = renumbered([...rows.slice(0, k + 1), intruder, ...rows.slice(k + 1)]);
        expect(verifyChain(tampered)).toMatchObject({
          ok: false,
          tampering: 'inserted',
          seq: k + 2,
          eventId: 'e-999',
        });
      }),
    );
  });

  it('names the first row out of place when two rows swap: reordered', () => {
    fc.assert(
      fc.property(chainAndInner, ([rows, k]) => {
        const swapped = [...rows];
        [swapped[k], swapped[k + 1]] = [swapped[k + 1]!, swapped[k]!];
        expect(verifyChain(renumbered(swapped))).toMatchObject({
          ok: false,
          tampering: 'reordered',
          seq: k + 1,
          eventId: `e-${k + 2}`,
        });
      }),
    );
  });

  it('detects a cut tail only against a checkpoint: truncated', () => {
    fc.assert(
      fc.property(chainAndInner, ([rows, k]) => {
        const checkpoint = {
          treeSize: rows.length,
          headHash: rows.at(-1)!.hash,
        };
        const cut = rows.slice(0, k + 1);
        expect(verifyChain(cut).ok).toBe(true); // the chain alone cannot tell
        expect(verifyChain(cut, [checkpoint])).toMatchObject({
          ok: false,
          tampering: 'truncated',
          seq: rows.length,
        });
      }),
    );
  });

  it('detects a chain recomputed after a change only against a checkpoint: diverged', () => {
    fc.assert(
      fc.property(chainAndInner, ([rows, k]) => {
        const checkpoint = {
          treeSize: rows.length,
          headHash: rows.at(-1)!.hash,
        };
        const recomputed = chainOf(rows.map((row, i) => (i === k ? { forged: true } : row.data)));
        expect(verifyChain(recomputed).ok).toBe(true); // consistent in itself
        expect(verifyChain(recomputed, [checkpoint])).toMatchObject({
          ok: false,
          tampering: 'diverged',
          seq: rows.length,
        });
      }),
    );
  });

  it('names a first row that does not start from the genesis hash', () => {
    const rows = chainOf([{ a: 1 }, { a: 2 }]);
    const orphan = rowOf(1, 'a'.repeat(64), event(1, { a: 1 }));
    expect(verifyChain([orphan, ...rows.slice(1).map((r) => ({ ...r, seq: 2 }))])).toMatchObject({ ok: false, tampering: 'inserted', seq: 1 });
  });
});

describe(verifyAuditLog.name, () => {
  const ISSUER = 'https://audit.latchkey.test';

  async function evidence() {
    const key = await generateSigningKey('EdDSA');
    const rows = chainOf(Array.from({ length: 12 }, (_, i) => ({ i })));
    const checkpoints: string[] = [];
    for (const size of [0, 5, 12]) {
      const signed = await signAuditCheckpoint(
        { issuer: ISSUER, treeSize: size, headHash: size === 0 ? GENESIS_HASH : rows[size - 1]!.hash, previous: checkpoints.at(-1), now: new Date() },
        key,
      );
      checkpoints.push(signed.token);
    }
    return { rows, checkpoints, trust: { keys: new KeyRing([{ key, status: 'active' }]).publicJwks(), issuer: ISSUER } };
  }

  it('verifies the rows against checkpoints checked with the public key alone', async () => {
    const { rows, checkpoints, trust } = await evidence();
    expect(await verifyAuditLog({ rows, checkpoints }, trust)).toEqual({ ok: true, rows: 12, anchored: 12, prunedThrough: 0 });
  });

  it('names a checkpoint that was dropped, and a tail cut below the checkpoints', async () => {
    const { rows, checkpoints, trust } = await evidence();
    expect(await verifyAuditLog({ rows, checkpoints: [checkpoints[0]!, checkpoints[2]!] }, trust)).toMatchObject({
      ok: false,
      tampering: 'checkpoint',
      checkpoint: 2,
    });
    expect(await verifyAuditLog({ rows: rows.slice(0, 8), checkpoints }, trust)).toMatchObject({ ok: false, tampering: 'truncated', seq: 12 });
  });
});

describe(firstBrokenLink.name, () => {
  // Rows without seq, as older callers pass them: the stored order is the array order.
  const chain = () => chainOf([{ a: 1 }, { a: 2 }]).map(({ seq: _seq, ...row }) => row);

  it('accepts an intact chain', () => {
    expect(firstBrokenLink(chain())).toBe(-1);
  });

  it('names the first modified, reordered or deleted row', () => {
    const [a, b] = chain() as [ReturnType<typeof chain>[number], ReturnType<typeof chain>[number]];
    expect(firstBrokenLink([a, { ...b, data: { forged: true } }])).toBe(1);
    expect(firstBrokenLink([b, a])).toBe(0);
    expect(firstBrokenLink([b])).toBe(0);
  });
});
