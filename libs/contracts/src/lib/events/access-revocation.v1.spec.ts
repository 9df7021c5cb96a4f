import fc from 'fast-check';
import { revocationSubjectKey, type RevocationSubject } from './access-revocation.v1';

/**
 * Strings over a tiny alphabet that holds the separator, the escape
 * character and both cases; with 50+ subjects per run, near-collisions
 * (`a:` + `` against `a` + `:`) are near certain, so a key that is not
 * injective is found.
 */
const part = fc.array(fc.constantFrom('a', 'A', ':', '%', '3'), { maxLength: 3 }).map((chars) => chars.join(''));

const subject: fc.Arbitrary<RevocationSubject> = fc.oneof(
  fc.record({ kind: fc.constant('isv' as const), isvId: part }),
  fc.record({ kind: fc.constant('isv-client' as const), isvId: part, resourceId: part }),
  fc.record({ kind: fc.constant('jti' as const), jti: part }),
  fc.record({ kind: fc.constant('person' as const), personId: part }),
  fc.record({ kind: fc.constant('oauth-application' as const), clientId: part }),
  fc.record({ kind: fc.constant('signing-key' as const), keyId: part }),
  fc.record({ kind: fc.constant('tenant' as const), tenantId: part }),
);

/** The identity of a subject: resource ids and tenant ids (GUIDs) compare case-insensitively, everything else exactly. */
function identity(s: RevocationSubject): string {
  const canonical =
    s.kind === 'isv-client'
      ? { ...s, resourceId: s.resourceId.toLowerCase() }
      : s.kind === 'tenant'
        ? { ...s, tenantId: s.tenantId.toLowerCase() }
        : s;
  return JSON.stringify(Object.entries(canonical).sort(([a], [b]) => a.localeCompare(b)));
}

describe(revocationSubjectKey.name, () => {
  it('gives distinct subjects distinct keys and equal subjects equal keys (injective)', () => {
    fc.assert(
      fc.property(fc.array(subject, { minLength: 50, maxLength: 150 }), (subjects) => {
        const byKey = new Map<string, string>();
        for (const s of subjects) {
          const key = revocationSubjectKey(s);
          const seen = byKey.get(key);
          if (seen !== undefined && seen !== identity(s)) return false;
          byKey.set(key, identity(s));
        }
        return new Set(subjects.map(identity)).size === byKey.size;
      }),
      { numRuns: 200 },
    );
  });

  it('ignores the case of an ISV client resource id', () => {
    fc.assert(
      fc.property(part, fc.string({ maxLength: 40 }), (isvId, resourceId) => {
        const lower = revocationSubjectKey({ kind: 'isv-client', isvId, resourceId: resourceId.toLowerCase() });
        const upper = revocationSubjectKey({ kind: 'isv-client', isvId, resourceId: resourceId.toUpperCase() });
        return lower === upper && lower === revocationSubjectKey({ kind: 'isv-client', isvId, resourceId });
      }),
    );
  });

  it('keeps the case of every other id', () => {
    expect(revocationSubjectKey({ kind: 'jti', jti: 'AbC' })).not.toBe(revocationSubjectKey({ kind: 'jti', jti: 'abc' }));
    expect(revocationSubjectKey({ kind: 'isv', isvId: 'ISV' })).not.toBe(revocationSubjectKey({ kind: 'isv', isvId: 'isv' }));
  });

  it('does not let a separator inside an id forge another subject', () => {
    const a = revocationSubjectKey({ kind: 'isv-client', isvId: 'a:b', resourceId: 'c' });
    const b = revocationSubjectKey({ kind: 'isv-client', isvId: 'a', resourceId: 'b:c' });
    expect(a).not.toBe(b);
  });

  it.each<[RevocationSubject, string]>([
    [{ kind: 'isv', isvId: 'isv-1' }, 'isv:isv-1'],
    [{ kind: 'isv-client', isvId: 'isv-1', resourceId: '/Subscriptions/X' }, 'isv-client:isv-1:/subscriptions/x'],
    [{ kind: 'jti', jti: 'j-1' }, 'jti:j-1'],
    [{ kind: 'person', personId: 'p-1' }, 'person:p-1'],
    [{ kind: 'oauth-application', clientId: 'app-1' }, 'oauth-application:app-1'],
    [{ kind: 'signing-key', keyId: 'k-1' }, 'signing-key:k-1'],
    [{ kind: 'tenant', tenantId: '72F988BF-86F1-41AF-91AB-2D7CD011DB47' }, 'tenant:72f988bf-86f1-41af-91ab-2d7cd011db47'],
  ])('spells %j as %s', (s, key) => {
    expect(revocationSubjectKey(s)).toBe(key);
  });
});
