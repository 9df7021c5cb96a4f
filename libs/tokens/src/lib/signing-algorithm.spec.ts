import { DEFAULT_SIGNING_ALGORITHM, isSigningAlgorithm, SIGNING_ALGORITHMS } from './signing-algorithm';

describe(isSigningAlgorithm.name, () => {
  it.each(['ES256', 'EdDSA'])('accepts %s', (alg) => {
    expect(isSigningAlgorithm(alg)).toBe(true);
  });

  it.each(['none', 'HS256', 'RS256', 'es256', 'Ed25519', undefined, 256])('refuses %j: asymmetric ES256 and EdDSA only', (alg) => {
    expect(isSigningAlgorithm(alg)).toBe(false);
  });

  it('pins exactly ES256 and EdDSA, with the default among them', () => {
    expect(SIGNING_ALGORITHMS).toEqual(['ES256', 'EdDSA']);
    expect(SIGNING_ALGORITHMS).toContain(DEFAULT_SIGNING_ALGORITHM);
  });
});
