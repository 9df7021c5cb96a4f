import type { ConsumerHandle } from '@latchkey/messaging';
import { RevocationFeedStatus } from './revocation.module';

function handle(state: { running: boolean; caughtUpAt: number | undefined }): ConsumerHandle {
  return { group: 'g', running: () => state.running, caughtUpAt: () => state.caughtUpAt, stop: async () => undefined };
}

describe(RevocationFeedStatus.name, () => {
  it('is infinitely stale until the feed started and loaded the topic', () => {
    const status = new RevocationFeedStatus();
    expect(status.staleForMs(1000)).toBe(Number.POSITIVE_INFINITY);
    status.attach(handle({ running: true, caughtUpAt: 1000 }), 1000);
    expect(status.staleForMs(1000)).toBe(Number.POSITIVE_INFINITY);
    status.markLoaded();
    expect(status.staleForMs(1000)).toBe(0);
  });

  it('counts from the last moment the feed had read everything, so a connected feed that fell behind turns stale', () => {
    const state = { running: true, caughtUpAt: 1000 as number | undefined };
    const status = new RevocationFeedStatus();
    status.attach(handle(state), 1000);
    status.markLoaded();
    expect(status.staleForMs(3500)).toBe(2500);
    state.caughtUpAt = 3400;
    expect(status.staleForMs(3500)).toBe(100);
  });

  it('counts from the last moment the feed was running once it stopped', () => {
    const state = { running: true, caughtUpAt: 1000 as number | undefined };
    const status = new RevocationFeedStatus();
    status.attach(handle(state), 1000);
    status.markLoaded();
    expect(status.staleForMs(2000)).toBe(1000);
    state.running = false;
    expect(status.staleForMs(9000)).toBe(7000);
  });

  it('treats a transport that cannot tell as current while it runs', () => {
    const status = new RevocationFeedStatus();
    status.attach(handle({ running: true, caughtUpAt: undefined }), 1000);
    status.markLoaded();
    expect(status.staleForMs(99_000)).toBe(0);
  });
});
