import { ConfigError } from './config-error';
import { loadConfig } from './load-config';
import { platformConfig } from './platform.config';

describe('platformConfig', () => {
  it('needs no variables: every platform setting has an embedded default', () => {
    expect(loadConfig(platformConfig, {})).toEqual({
      LATCHKEY_DATA_DIR: '.data',
      DATABASE_URL: undefined,
      KAFKA_BROKERS: undefined,
      KAFKA_CLIENT_ID: undefined,
      KAFKA_PRODUCER_THREAD: true,
      LATCHKEY_HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
      OTEL_SERVICE_NAME: undefined,
      LATCHKEY_SHUTDOWN_TIMEOUT_MS: 10_000,
    });
  });

  it('reads KAFKA_PRODUCER_THREAD as a boolean', () => {
    expect(loadConfig(platformConfig, { KAFKA_PRODUCER_THREAD: 'false' }).KAFKA_PRODUCER_THREAD).toBe(false);
    expect(() => loadConfig(platformConfig, { KAFKA_PRODUCER_THREAD: 'sometimes' })).toThrow(ConfigError);
  });

  it('splits KAFKA_BROKERS into host:port entries', () => {
    const config = loadConfig(platformConfig, { KAFKA_BROKERS: ' kafka-1:9092, [::1]:9093 ,' });
    expect(config.KAFKA_BROKERS).toEqual(['kafka-1:9092', '[::1]:9093']);
    expect(Object.isFrozen(config.KAFKA_BROKERS)).toBe(true);
  });

  it('rejects a non-postgres DATABASE_URL, a broker without a port and an unknown log level together', () => {
    expect(() =>
      loadConfig(platformConfig, { DATABASE_URL: 'mysql://x@y/z', KAFKA_BROKERS: 'kafka-1', LOG_LEVEL: 'verbose' }),
    ).toThrow(ConfigError);
    try {
      loadConfig(platformConfig, { DATABASE_URL: 'mysql://x@y/z', KAFKA_BROKERS: 'kafka-1', LOG_LEVEL: 'verbose' });
    } catch (error) {
      expect((error as ConfigError).issues.map((issue) => issue.variable)).toEqual(['DATABASE_URL', 'KAFKA_BROKERS', 'LOG_LEVEL']);
    }
  });

  it('accepts postgres and postgresql URLs', () => {
    expect(loadConfig(platformConfig, { DATABASE_URL: 'postgresql://u:p@localhost:5432/db' }).DATABASE_URL).toBe(
      'postgresql://u:p@localhost:5432/db',
    );
  });
});
