import { secretShapeIn } from './leak-watch';

describe(secretShapeIn.name, () => {
  it('finds a compact JWS and each kind of API key, and names only their start', () => {
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJwMSIsImp0aSI6IngifQ.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg';
    expect(secretShapeIn(`{"msg":"x","h":"${jwt}"}`)).toBe('eyJhbGciOiJF…');
    for (const kind of ['isv', 'cli', 'op', 'app']) expect(secretShapeIn(`key lk_${kind}_${'A'.repeat(43)}`)).toBe(`lk_${kind}_${'A'.repeat(12 - kind.length - 4)}…`);
  });

  it('leaves ids, digests, key ids and redaction markers alone', () => {
    const harmless = [
      '{"req":{"headers":{"authorization":"[Redacted]"}},"jti":"6b1f0f7e-1a2b-4c3d-8e9f-0a1b2c3d4e5f"}',
      'kid=lk-2026-11-29 digest=3q2+7w== prefix lk_isv_ only',
      'eyJhbGciOiJFUzI1NiJ9 alone (a JOSE header is not a token)',
    ];
    for (const text of harmless) expect(secretShapeIn(text)).toBeUndefined();
  });
});
