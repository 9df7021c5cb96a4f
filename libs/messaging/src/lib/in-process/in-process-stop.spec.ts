import { InProcessBroker } from './in-process-broker';
import { InProcessTransport } from './in-process-transport';

// Timers are faked (the immediate queue is not): a parked loop's timeout never fires by itself here, so a stop that
// waited it out would not resolve within the macrotask below.
const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('InProcessTransport consumer stop', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  it('ends a caught-up consumer at once rather than after its idle wait (a shutdown closes many)', async () => {
    const broker = new InProcessBroker(3);
    const transport = new InProcessTransport(broker);
    await transport.ensureTopics([{ name: 'stop.test' }]);
    const handle = await transport.consume({ group: 'g', topics: ['stop.test'], onMessage: async () => undefined });
    await nextMacrotask(); // every partition loop is now parked, waiting for an append
    const stopped = handle.stop().then(() => 'stopped' as const);
    await expect(Promise.race([stopped, nextMacrotask().then(() => 'still parked' as const)])).resolves.toBe('stopped');
    expect(handle.running()).toBe(false);
  });
});
