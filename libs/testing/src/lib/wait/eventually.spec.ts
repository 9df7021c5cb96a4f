import { eventually } from './eventually';

describe(eventually.name, () => {
  it('resolves with the probe value once the probe stops throwing', async () => {
    let calls = 0;

    const value = await eventually(
      () => {
        calls += 1;
        if (calls < 3) throw new Error(`not yet (${calls})`);
        return `ready after ${calls}`;
      },
      { intervalMs: 1 },
    );

    expect(value).toBe('ready after 3');
    expect(calls).toBe(3);
  });

  it('awaits an asynchronous probe', async () => {
    let calls = 0;

    await expect(eventually(async () => ++calls >= 2, { intervalMs: 1 })).resolves.toBe(true);
    expect(calls).toBe(2);
  });

  it('treats false as not yet and keeps polling', async () => {
    const answers = [false, false, true];
    let calls = 0;

    await eventually(() => answers[calls++], { intervalMs: 1 });

    expect(calls).toBe(3);
  });

  it('times out with the message of the last error', async () => {
    let calls = 0;

    const failure = await eventually(
      () => {
        calls += 1;
        throw new Error(`attempt ${calls} failed`);
      },
      { timeoutMs: 30, intervalMs: 5, what: 'the thing' },
    ).catch((error: unknown) => error);

    expect(calls).toBeGreaterThan(1);
    expect((failure as Error).message).toBe(`timed out after 30 ms waiting for the thing: attempt ${calls} failed`);
  });

  it('keeps the last error as the cause of the timeout', async () => {
    const last = new Error('still broken');

    const failure = await eventually(
      () => {
        throw last;
      },
      { timeoutMs: 10, intervalMs: 2 },
    ).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).cause).toBe(last);
  });

  it('times out saying the condition is still false when the probe never holds', async () => {
    await expect(eventually(() => false, { timeoutMs: 10, intervalMs: 2, what: 'the flag' })).rejects.toThrow(
      'timed out after 10 ms waiting for the flag: the flag still false',
    );
  });
});
