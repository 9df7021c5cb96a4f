import { BurstCounter } from './burst-counter';

describe(BurstCounter.name, () => {
  const options = { windowMs: 60_000, threshold: 3, maxKeys: 100 };

  it('stays quiet one below the threshold', () => {
    const bursts = new BurstCounter(options);
    expect(bursts.observe('k', 0, 'e1')).toBeUndefined();
    expect(bursts.observe('k', 1, 'e2')).toBeUndefined();
  });

  it('reports exactly when the count reaches the threshold, with the crossing events', () => {
    const bursts = new BurstCounter(options);
    bursts.observe('k', 1000, 'e1');
    bursts.observe('k', 2000, 'e2');
    expect(bursts.observe('k', 3000, 'e3')).toEqual({ count: 3, evidenceEventIds: ['e1', 'e2', 'e3'], firstTime: 1000 });
  });

  it('re-arms after reporting: the next report needs a full threshold again', () => {
    const bursts = new BurstCounter(options);
    ['e1', 'e2', 'e3'].forEach((id, i) => bursts.observe('k', i, id));
    expect(bursts.observe('k', 10, 'e4')).toBeUndefined();
    expect(bursts.observe('k', 11, 'e5')).toBeUndefined();
    expect(bursts.observe('k', 12, 'e6')?.evidenceEventIds).toEqual(['e4', 'e5', 'e6']);
  });

  it('does not add up events spread wider than the window', () => {
    const bursts = new BurstCounter(options);
    expect(bursts.observe('k', 0, 'e1')).toBeUndefined();
    expect(bursts.observe('k', 30_000, 'e2')).toBeUndefined();
    expect(bursts.observe('k', 60_000, 'e3')).toBeUndefined();
  });

  it('counts subjects apart', () => {
    const bursts = new BurstCounter(options);
    bursts.observe('a', 0, 'e1');
    bursts.observe('a', 1, 'e2');
    expect(bursts.observe('b', 2, 'e3')).toBeUndefined();
  });

  it('holds at most maxKeys subjects', () => {
    const bursts = new BurstCounter({ ...options, maxKeys: 5 });
    for (let i = 0; i < 50; i += 1) {
      bursts.observe(`k${i}`, i, `e${i}`);
    }
    expect(bursts.keys).toBe(5);
  });

  it('keeps at most 100 ids of evidence for a large threshold', () => {
    const bursts = new BurstCounter({ ...options, threshold: 150 });
    let burst;
    for (let i = 0; i < 150; i += 1) {
      burst = bursts.observe('k', i, `e${i}`);
    }
    expect(burst?.count).toBe(150);
    expect(burst?.evidenceEventIds).toHaveLength(100);
    expect(burst?.evidenceEventIds.at(-1)).toBe('e149');
  });
});
