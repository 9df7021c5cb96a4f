import { InProcessBroker } from './in-process-broker';
import { InProcessTransport } from './in-process-transport';

const message = (key: string) => ({ topic: 'progress.test', key, value: Buffer.from(key), headers: {} });

describe('InProcessTransport.progress', () => {
  it('reports, per partition, how far a group has committed against the end of the topic', async () => {
    const broker = new InProcessBroker(2);
    const transport = new InProcessTransport(broker);
    await transport.send([message('a'), message('b'), message('c'), message('d')]);
    const before = await transport.progress('g', 'progress.test');
    expect(before.reduce((sum, p) => sum + Number(p.end), 0)).toBe(4);
    expect(before.every((p) => p.committed === 0n)).toBe(true);

    let seen = 0;
    const handle = await transport.consume({ group: 'g', topics: ['progress.test'], onMessage: async () => void seen++ });
    for (let i = 0; i < 100 && seen < 4; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    const after = await transport.progress('g', 'progress.test');
    expect(after.every((p) => p.committed === p.end)).toBe(true);
    expect(await transport.progress('other', 'progress.test')).toEqual(before);
    await handle.stop();
  });
});
