import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test, type TestingModule } from '@nestjs/testing';
import { LatUsedV1 } from '@latchkey/contracts';
import { aLatUsed, anEnvelope } from '@latchkey/contracts/testing';
import { eventually } from '@latchkey/testing';
import { InProcessBroker } from '../in-process/in-process-broker';
import { InProcessTransport } from '../in-process/in-process-transport';
import { MessagingModule } from '../nest/messaging.module';
import { AcknowledgedPublisher } from './acknowledged-publisher';
import { DurableSpool } from './durable-spool';
import { SpoolModule } from './spool.module';

describe(SpoolModule.name, () => {
  let root: string;
  let broker: InProcessBroker;
  let app: TestingModule | undefined;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'latchkey-spool-module-'));
    broker = new InProcessBroker();
  });

  afterEach(async () => {
    broker.start();
    await app?.close();
    app = undefined;
    await rm(root, { recursive: true, force: true });
  });

  async function boot(env: Record<string, string> = {}): Promise<AcknowledgedPublisher> {
    app = await Test.createTestingModule({
      imports: [
        MessagingModule.forService({ service: 'face-api', transport: () => new InProcessTransport(broker) }),
        SpoolModule.forService('face-api', { env: { LATCHKEY_DATA_DIR: root, ...env }, finalDrainMs: 2000 }),
      ],
    }).compile();
    await app.init();
    return app.get(AcknowledgedPublisher);
  }

  const idsOnBus = (): string[] => broker.messages(LatUsedV1.topic).map((m) => m.headers['ce_id'] ?? '');
  const spoolDir = (): string => join(root, 'spool', 'face-api');

  it('gives the service a publisher that records on the bus', async () => {
    const publisher = await boot();

    const receipt = await publisher.publish(LatUsedV1, aLatUsed());

    expect(receipt.via).toBe('bus');
    expect(idsOnBus()).toEqual([receipt.id]);
  });

  it('republishes what a previous run left in the spool once the app has booted', async () => {
    const before = await DurableSpool.open({ dir: spoolDir(), maxBytes: 1024 * 1024 });
    const leftover = [1, 2, 3].map(() => ({ topic: LatUsedV1.topic, envelope: anEnvelope(LatUsedV1) }));
    await before.append(leftover);
    await before.close();

    const publisher = await boot();

    await eventually(() => publisher.health().pendingEvents === 0, { timeoutMs: 5000, what: 'leftovers republished' });
    expect(idsOnBus()).toEqual(expect.arrayContaining(leftover.map((e) => e.envelope.id)));
    expect(await readdir(spoolDir())).toEqual([]);
  });

  it('spools during an outage and leaves nothing on disk after a shutdown with the bus back', async () => {
    const publisher = await boot();
    broker.stop();
    const receipt = await publisher.publish(LatUsedV1, aLatUsed());
    expect(receipt.via).toBe('spool');
    broker.start();

    await app?.close();
    app = undefined;

    expect(idsOnBus()).toEqual([receipt.id]);
    expect(await readdir(spoolDir())).toEqual([]);
  });

  it('refuses what the bus does not take when LATCHKEY_SPOOL_MAX_BYTES is 0', async () => {
    const publisher = await boot({ LATCHKEY_SPOOL_MAX_BYTES: '0' });
    broker.stop();

    await expect(publisher.publish(LatUsedV1, aLatUsed())).rejects.toMatchObject({
      code: 'MESSAGING.UNRECORDABLE',
      reason: 'spool-disabled',
    });
    expect(publisher.health().spoolEnabled).toBe(false);
  });
});
