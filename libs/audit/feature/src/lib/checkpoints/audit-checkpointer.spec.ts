import { Logger } from '@nestjs/common';
import type { AuditCheckpointRepository, AuditEventRepository, StoredCheckpoint } from '@latchkey/audit/data-access';
import type { ConfigOf } from '@latchkey/config';
import { AuditCheckpointV1, type EventDefinition } from '@latchkey/contracts';
import type { OutboxWriter } from '@latchkey/messaging';
import type { Transaction } from '@latchkey/persistence';
import { generateSigningKey, KeyRing, verifyCheckpointSequence, type SigningKey } from '@latchkey/tokens';
import type { auditConfig } from '../audit.config';
import { AuditCheckpointer } from './audit-checkpointer';
import type { AuditSigningKey } from './audit-signing-key';

const CONFIG = {
  LATCHKEY_AUDIT_URL: 'https://audit.latchkey.test/',
  LATCHKEY_AUDIT_SIGNING_KEY: undefined,
  LATCHKEY_AUDIT_CHECKPOINT_INTERVAL_MS: 10_000,
  LATCHKEY_AUDIT_CHECKPOINT_EVERY: 3,
} as ConfigOf<typeof auditConfig>;

/** In-memory stand-ins for the chain head, the checkpoint table and the outbox (the database path is integration-tested). */
function fixture(key: SigningKey) {
  const head = { treeSize: 0, headHash: '0'.repeat(64) };
  const stored: StoredCheckpoint[] = [];
  const outbox: { definition: EventDefinition; data: unknown }[] = [];
  const tx = {} as Transaction;
  const events = { withChainLocked: <T>(work: (t: Transaction) => Promise<T>) => work(tx), head: async () => ({ ...head }) };
  const checkpoints = {
    latest: async () => stored.at(-1),
    append: async (_tx: Transaction, c: Omit<StoredCheckpoint, 'createdAt'>) => void stored.push({ ...c, createdAt: new Date() }),
  };
  const writer = { write: async (_tx: Transaction, definition: EventDefinition, data: unknown) => void outbox.push({ definition, data }) };
  const signingKey = { signingKey: () => key } as AuditSigningKey;
  const checkpointer = new AuditCheckpointer(
    events as unknown as AuditEventRepository,
    checkpoints as unknown as AuditCheckpointRepository,
    signingKey,
    writer as unknown as OutboxWriter,
    CONFIG,
  );
  return { checkpointer, head, stored, outbox };
}

describe(AuditCheckpointer.name, () => {
  let key: SigningKey;
  beforeAll(async () => {
    Logger.overrideLogger(false);
    key = await generateSigningKey('EdDSA');
  });
  afterEach(() => jest.useRealTimers());

  it('signs on its interval even when nothing was stored, each checkpoint linked to the one before', async () => {
    // Signing is real (thread-pool crypto), so let setImmediate run to wait for each checkpoint.
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
    const { checkpointer, stored, outbox } = fixture(key);
    checkpointer.onApplicationBootstrap();
    for (let i = 1; i <= 3; i++) {
      await jest.advanceTimersByTimeAsync(10_000);
      for (let spins = 0; stored.length < i && spins < 10_000; spins++) await new Promise((resolve) => setImmediate(resolve));
    }
    checkpointer.onApplicationShutdown();
    expect(stored.map((c) => c.treeSize)).toEqual([0, 0, 0]);
    const claims = await verifyCheckpointSequence(
      stored.map((c) => c.token),
      { keys: new KeyRing([{ key, status: 'active' }]).publicJwks(), issuer: 'https://audit.latchkey.test' },
    );
    expect(claims).toHaveLength(3);
    expect(outbox.map((o) => o.definition)).toEqual([AuditCheckpointV1, AuditCheckpointV1, AuditCheckpointV1]);
    expect(outbox[0]?.data).toMatchObject({ issuer: 'https://audit.latchkey.test', treeSize: 0, checkpoint: stored[0]?.token });
  });

  it('signs after every LATCHKEY_AUDIT_CHECKPOINT_EVERY stored events, naming the head it saw', async () => {
    const { checkpointer, head, stored } = fixture(key);
    head.treeSize = 2;
    head.headHash = 'b'.repeat(64);
    checkpointer.noteStored();
    checkpointer.noteStored();
    expect(stored).toHaveLength(0);
    head.treeSize = 3;
    head.headHash = 'c'.repeat(64);
    checkpointer.noteStored();
    await checkpointer.checkpoint(); // waits for the one in flight
    expect(stored.map((c) => [c.treeSize, c.headHash])).toEqual([[3, 'c'.repeat(64)]]);
  });
});
