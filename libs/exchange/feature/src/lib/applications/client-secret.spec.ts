import { generateApiKey, hashApiKey } from '@latchkey/tokens';
import { clientSecretMatches } from './client-secret';

describe(clientSecretMatches.name, () => {
  const secret = generateApiKey('app');

  it('accepts the secret whose digest is stored', () => {
    expect(clientSecretMatches({ clientSecretHash: hashApiKey(secret) }, secret)).toBe(true);
  });

  it('refuses another secret, an altered one and an empty one', () => {
    const stored = { clientSecretHash: hashApiKey(secret) };
    expect(clientSecretMatches(stored, generateApiKey('app'))).toBe(false);
    expect(clientSecretMatches(stored, `${secret}x`)).toBe(false);
    expect(clientSecretMatches(stored, '')).toBe(false);
  });

  it('refuses everything for an application without a secret', () => {
    expect(clientSecretMatches({ clientSecretHash: null }, secret)).toBe(false);
    expect(clientSecretMatches({ clientSecretHash: null }, '')).toBe(false);
  });
});
