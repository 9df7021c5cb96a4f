import { ConfigError } from './config-error';
import { armCrashPoint, crashPoint, type CrashPoint } from './crash-point';
import { loadConfig } from './load-config';
import { platformConfig } from './platform.config';

describe('crash points (LATCHKEY_CRASH_AT)', () => {
  let crashes: CrashPoint[];
  beforeEach(() => {
    crashes = [];
  });
  afterEach(() => armCrashPoint(undefined));

  it('parses <point> as its first arrival and <point>@<n> as its n-th', () => {
    expect(loadConfig(platformConfig, { LATCHKEY_CRASH_AT: 'outbox.published-not-marked' }).LATCHKEY_CRASH_AT).toEqual({
      point: 'outbox.published-not-marked',
      occurrence: 1,
    });
    expect(loadConfig(platformConfig, { LATCHKEY_CRASH_AT: ' issuer.committed-not-answered@40 ' }).LATCHKEY_CRASH_AT).toEqual({
      point: 'issuer.committed-not-answered',
      occurrence: 40,
    });
    expect(loadConfig(platformConfig, {}).LATCHKEY_CRASH_AT).toBeUndefined();
  });

  it.each(['somewhere.else', 'outbox.published-not-marked@0', 'outbox.published-not-marked@x', 'outbox.published-not-marked@-1', '@3'])(
    'refuses %j and names the valid points',
    (value) => {
      const load = () => loadConfig(platformConfig, { LATCHKEY_CRASH_AT: value });
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(/LATCHKEY_CRASH_AT.*consumer\.handled-not-committed/s);
    },
  );

  it('fires only at the armed point, exactly on the n-th arrival, and once', () => {
    armCrashPoint({ point: 'consumer.handled-not-committed', occurrence: 3 }, (point) => crashes.push(point));
    crashPoint('outbox.published-not-marked');
    crashPoint('consumer.handled-not-committed');
    crashPoint('consumer.handled-not-committed');
    expect(crashes).toEqual([]);
    crashPoint('consumer.handled-not-committed');
    expect(crashes).toEqual(['consumer.handled-not-committed']);
    crashPoint('consumer.handled-not-committed');
    expect(crashes).toHaveLength(1);
  });

  it('does nothing when disarmed', () => {
    armCrashPoint({ point: 'issuer.committed-not-answered', occurrence: 1 }, (point) => crashes.push(point));
    armCrashPoint(undefined);
    crashPoint('issuer.committed-not-answered');
    expect(crashes).toEqual([]);
  });
});
