import { readFileSync } from 'node:fs';
import { fixKafkajsIdleLoop, KAFKAJS_VERSION_PATCHED } from './kafkajs-idle-loop-fix';

// The internals the fix patches, driven directly: a request queue as kafkajs's Connection builds one.
const RequestQueue = require('kafkajs/src/network/requestQueue') as new (options: object) => Queue;

interface Queue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: unknown;
  push(request: {
    entry: { correlationId: number; resolve: () => void; reject: () => void };
    expectResponse: boolean;
    sendRequest: () => void;
  }): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer | null; size: number }): void;
  maybeThrottle(ms: number): void;
  destroy(): void;
}

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function queue(): Queue {
  return new RequestQueue({
    maxInFlightRequests: 1,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'spec',
    broker: 'b:9092',
    logger: quiet,
  });
}

function request(correlationId: number, sent: number[]) {
  const settle = () => undefined;
  return { entry: { correlationId, resolve: settle, reject: settle }, expectResponse: true, sendRequest: () => sent.push(correlationId) };
}

describe('fixKafkajsIdleLoop', () => {
  beforeAll(() => fixKafkajsIdleLoop());
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('is written against the installed kafkajs (an upgrade must look at the fix again)', () => {
    const manifest = JSON.parse(readFileSync(require.resolve('kafkajs/package.json'), 'utf8')) as { version: string };
    expect(manifest.version).toBe(KAFKAJS_VERSION_PATCHED);
  });

  it('schedules nothing after a response when nothing is pending and nothing throttles', () => {
    const q = queue();
    const sent: number[] = [];
    q.push(request(1, sent));
    q.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
    // Unpatched, a 1-ms timer is set here and re-arms itself forever.
    expect(q.throttleCheckTimeoutId).toBeNull();
    expect(jest.getTimerCount()).toBe(0);
    q.destroy();
  });

  it('still sends a request queued behind the in-flight limit once the one before it is answered', () => {
    const q = queue();
    const sent: number[] = [];
    q.push(request(1, sent));
    q.push(request(2, sent));
    expect(sent).toEqual([1]);
    q.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
    expect(sent).toEqual([1, 2]);
    q.destroy();
  });

  it('still sends a request held by a client-side throttle when the throttle ends', () => {
    const q = queue();
    const sent: number[] = [];
    q.maybeThrottle(50);
    q.push(request(1, sent));
    expect(sent).toEqual([]);
    jest.advanceTimersByTime(49);
    expect(sent).toEqual([]);
    jest.advanceTimersByTime(20);
    expect(sent).toEqual([1]);
    q.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
    expect(jest.getTimerCount()).toBe(0);
    q.destroy();
  });

  it("keeps kafkajs's check at the end of a throttle in force with nothing pending", () => {
    const q = queue();
    q.maybeThrottle(50);
    q.fulfillRequest({ correlationId: 9, payload: null, size: 0 });
    expect(q.throttleCheckTimeoutId).not.toBeNull();
    jest.advanceTimersByTime(60);
    expect(jest.getTimerCount()).toBe(0);
    q.destroy();
  });

  it('applies once however often it is called', () => {
    const before = (RequestQueue as unknown as { prototype: object }).prototype;
    const method = (before as { scheduleCheckPendingRequests: unknown }).scheduleCheckPendingRequests;
    fixKafkajsIdleLoop();
    expect((before as { scheduleCheckPendingRequests: unknown }).scheduleCheckPendingRequests).toBe(method);
  });
});
