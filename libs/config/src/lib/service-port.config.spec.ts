import { ConfigError } from './config-error';
import { loadConfig } from './load-config';
import { DEFAULT_PORTS, loadServicePort, servicePortConfig, servicePortVariable } from './service-port.config';

describe(servicePortVariable.name, () => {
  it('derives LATCHKEY_<SERVICE>_PORT with dashes as underscores', () => {
    expect(servicePortVariable('face-api')).toBe('LATCHKEY_FACE_API_PORT');
    expect(servicePortVariable('abuse-detector')).toBe('LATCHKEY_ABUSE_DETECTOR_PORT');
  });

  it('rejects a name that is not kebab-case', () => {
    expect(() => servicePortVariable('Face_API')).toThrow(/kebab-case/);
  });
});

describe(servicePortConfig.name, () => {
  it('defaults every known service to its port', () => {
    for (const [service, port] of Object.entries(DEFAULT_PORTS)) expect(loadServicePort(service, {})).toBe(port);
    expect(Object.values(DEFAULT_PORTS)).toEqual([3001, 3002, 3003, 3004, 3005, 3006, 3010]);
  });

  it('reads the override from the service variable', () => {
    const config = loadConfig(servicePortConfig('exchange'), { LATCHKEY_EXCHANGE_PORT: '8443' });
    expect(config.LATCHKEY_EXCHANGE_PORT).toBe(8443);
  });

  it('rejects a port out of range', () => {
    expect(() => loadServicePort('rbac', { LATCHKEY_RBAC_PORT: '65536' })).toThrow(
      /LATCHKEY_RBAC_PORT \[rbac-port\]: must be an integer from 0 to 65535/,
    );
  });

  it('requires the variable for a service without a default port', () => {
    expect(() => loadServicePort('reports', {})).toThrow(ConfigError);
    expect(loadServicePort('reports', { LATCHKEY_REPORTS_PORT: '4000' })).toBe(4000);
  });
});
