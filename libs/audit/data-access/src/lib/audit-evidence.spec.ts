import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EvidenceFormatError, readEvidenceFromNdjson } from './audit-evidence';

describe(readEvidenceFromNdjson.name, () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'audit-evidence-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const write = async (name: string, lines: string[]) => {
    const path = join(dir, name);
    await writeFile(path, lines.join('\n') + '\n');
    return path;
  };
  const row = (seq: number | string) => JSON.stringify({ seq, event_id: `e-${seq}`, hash: 'h'.repeat(64), prev_hash: '0'.repeat(64) });

  it('reads rows in seq order (bigint seqs as strings too) and checkpoints as bare JWS or {token} / {checkpoint} objects', async () => {
    const rows = await write('rows.ndjson', [row('2'), '', row(1)]);
    const checkpoints = await write('checkpoints.ndjson', [
      'a.b.c',
      JSON.stringify({ token: 'd.e.f' }),
      JSON.stringify({ checkpoint: 'g.h.i', treeSize: 2 }),
    ]);
    const evidence = await readEvidenceFromNdjson(rows, checkpoints);
    expect(evidence.rows.map((r) => r.seq)).toEqual([1, 2]);
    expect(evidence.checkpoints).toEqual(['a.b.c', 'd.e.f', 'g.h.i']);
  });

  it('names the file and line of a bad line, never its content', async () => {
    const rows = await write('rows.ndjson', [row(1), '{"seq": 2, "secret-looking": "x"']);
    const checkpoints = await write('checkpoints.ndjson', []);
    const failure = readEvidenceFromNdjson(rows, checkpoints);
    await expect(failure).rejects.toThrow(EvidenceFormatError);
    await expect(failure).rejects.toThrow(/rows\.ndjson:2: not a JSON object$/);
    const noHash = await write('nohash.ndjson', [JSON.stringify({ seq: 1 })]);
    await expect(readEvidenceFromNdjson(noHash, checkpoints)).rejects.toThrow(/nohash\.ndjson:1: not a stored audit row/);
  });
});
