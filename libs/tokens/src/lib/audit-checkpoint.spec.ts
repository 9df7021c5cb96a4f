import { randomUUID } from 'node:crypto';
import { checkpointDigest, CheckpointSequenceError, FIRST_CHECKPOINT_PREV, signAuditCheckpoint, verifyCheckpointSequence } from './audit-checkpoint';
import { KeyRing } from './key-ring';
import { signLimitedAccessToken } from './limited-access-token';
import { generateSigningKey, type SigningKey } from './signing-key';

const ISSUER = 'https://audit.latchkey.test';
const hash = (c: string) => c.repeat(64);

describe('audit checkpoints', () => {
  let key: SigningKey;
  let stranger: SigningKey;
  let keys: ReturnType<KeyRing['publicJwks']>;
  let sequence: string[];

  beforeAll(async () => {
    [key, stranger] = await Promise.all([generateSigningKey('EdDSA'), generateSigningKey('EdDSA')]);
    keys = new KeyRing([{ key, status: 'active' }]).publicJwks();
    sequence = [];
    // Two years old: checkpoints never expire.
    const start = Date.now() - 2 * 365 * 86_400_000;
    for (const [i, size] of [0, 10, 10, 25].entries()) {
      const signed = await signAuditCheckpoint(
        { issuer: ISSUER, treeSize: size, headHash: hash(String(i)), previous: sequence.at(-1), now: new Date(start + i * 60_000) },
        key,
      );
      sequence.push(signed.token);
    }
  });

  const failure = async (tokens: string[]) => {
    try {
      await verifyCheckpointSequence(tokens, { keys, issuer: ISSUER });
    } catch (error) {
      if (error instanceof CheckpointSequenceError) return { index: error.index, message: error.message };
      throw error;
    }
    return undefined;
  };

  it('verifies a sequence with the public key alone, each linked to the one before, however old', async () => {
    const claims = await verifyCheckpointSequence(sequence, { keys, issuer: ISSUER });
    expect(claims.map((c) => [c.tree_size, c.head_hash])).toEqual([
      [0, hash('0')],
      [10, hash('1')],
      [10, hash('2')],
      [25, hash('3')],
    ]);
    expect(claims[0]?.prev).toBe(FIRST_CHECKPOINT_PREV);
    expect(claims[2]?.prev).toBe(checkpointDigest(sequence[1]!));
  });

  it('names the first checkpoint after one was dropped, or when two were swapped', async () => {
    expect(await failure([sequence[0]!, sequence[2]!, sequence[3]!])).toMatchObject({ index: 1 });
    expect(await failure([sequence[0]!, sequence[2]!, sequence[1]!, sequence[3]!])).toMatchObject({ index: 1 });
    expect(await failure(sequence.slice(1))).toMatchObject({ index: 0 });
  });

  it('refuses a checkpoint signed by another key, or altered', async () => {
    const forged = await signAuditCheckpoint({ issuer: ISSUER, treeSize: 30, headHash: hash('f'), previous: sequence[3], now: new Date() }, stranger);
    expect(await failure([...sequence, forged.token])).toMatchObject({ index: 4 });
    const [header, , signature] = sequence[1]!.split('.');
    const payload = Buffer.from(JSON.stringify({ tree_size: 11 })).toString('base64url');
    expect(await failure([sequence[0]!, `${header}.${payload}.${signature}`])).toMatchObject({ index: 1 });
  });

  it('refuses a tree that shrinks, and any other token in the sequence', async () => {
    const shrunk = await signAuditCheckpoint({ issuer: ISSUER, treeSize: 5, headHash: hash('5'), previous: sequence[3], now: new Date() }, key);
    expect(await failure([...sequence, shrunk.token])).toMatchObject({ index: 4, message: expect.stringContaining('fewer rows') });
    const lat = await signLimitedAccessToken(
      {
        issuer: ISSUER,
        isvId: 'isv-a',
        resourceId: '/subscriptions/0b5c1a3e-2f4d-4e6a-8b7c-9d0e1f2a3b4c/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/face',
        features: ['Face.Verification'],
        lifetimeSeconds: 600,
        now: new Date(),
        jti: randomUUID(),
      },
      key,
    );
    expect(await failure([lat.token])).toMatchObject({ index: 0 });
  });
});
