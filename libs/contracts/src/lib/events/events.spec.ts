import {
  aLatIssued,
  aLatIssueDenied,
  aLatRejected,
  aLatUsed,
  anAbuseAlert,
  anAccessRevocation,
  anExchangeCompleted,
  anExchangeDenied,
  anIdentityCreated,
  anRbacChanged,
  anRbacDenied,
  factoryFor,
} from '../../testing';
import type { EventDefinition } from '../define-event';
import {
  AbuseAlertV1,
  AccessRevocationV1,
  ALL_EVENTS,
  eventRegistry,
  ExchangeCompletedV1,
  ExchangeDeniedV1,
  IdentityCreatedV1,
  LatIssueDeniedV1,
  LatIssuedV1,
  LatRejectedV1,
  LatUsedV1,
  RbacChangedV1,
  RbacDeniedV1,
} from './index';

/** Parses with the contract, then derives key and subject as a producer would. */
function derive<E extends EventDefinition>(definition: E, input: unknown): { key: string; subject: string } {
  const data = definition.data.parse(input);
  return { key: definition.key(data), subject: definition.subject(data) };
}

const MIXED_CASE_RESOURCE =
  '/subscriptions/0B1C2D3E-0000-4000-8000-000000000001/resourceGroups/RG-Face/providers/Microsoft.CognitiveServices/accounts/Face-One';

describe('ALL_EVENTS', () => {
  it('registers every contract under a unique type in the event registry', () => {
    expect(eventRegistry.all()).toHaveLength(ALL_EVENTS.length);
    expect(ALL_EVENTS).toHaveLength(13);
  });

  it.each(ALL_EVENTS.map((e) => [e.type, e] as const))('%s has a factory whose data validates', (_type, definition) => {
    const factory = factoryFor(definition);
    expect(factory).toBeDefined();
    const result = definition.data.safeParse(factory?.());
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it.each(ALL_EVENTS.map((e) => [e.type, e] as const))('%s has a type that names its topic', (type, definition) => {
    // com.latchkey.lat.issue-denied.v1 travels on lat.issue-denied: one obvious home per event.
    expect(type).toBe(`com.latchkey.${definition.topic}.v1`);
  });

  it.each(ALL_EVENTS.map((e) => [e.type, e] as const))('%s rejects an empty object', (_type, definition) => {
    expect(definition.data.safeParse({}).success).toBe(false);
  });

  it.each(ALL_EVENTS.map((e) => [e.type, e] as const))(
    '%s tolerates, and strips, a field added later within the version',
    (_type, definition) => {
      const result = definition.data.safeParse({ ...factoryFor(definition)?.(), addedInV1Point1: 'x' });
      expect(result.success).toBe(true);
      expect(result.data).not.toHaveProperty('addedInV1Point1');
    },
  );
});

describe('LatIssuedV1', () => {
  it('is keyed by ISV and its subject is the jti', () => {
    const data = aLatIssued();
    expect(derive(LatIssuedV1, data)).toEqual({ key: data.isvId, subject: data.jti });
  });

  it('rejects a token that expires before it is issued', () => {
    const data = aLatIssued({ issuedAt: '2030-01-01T01:00:00.000Z', expiresAt: '2030-01-01T00:00:00.000Z' });
    expect(LatIssuedV1.data.safeParse(data).success).toBe(false);
  });

  it('rejects duplicate feature flags', () => {
    expect(
      LatIssuedV1.data.safeParse(aLatIssued({ features: ['Face.Verification', 'Face.Verification'] })).success,
    ).toBe(false);
  });

  it('rejects a resource id that is not an Azure resource id', () => {
    expect(LatIssuedV1.data.safeParse(aLatIssued({ resourceId: 'face-one' })).success).toBe(false);
  });
});

describe('LatIssueDeniedV1', () => {
  it('is keyed by ISV, and its subject is the ISV', () => {
    const data = aLatIssueDenied();
    expect(derive(LatIssueDeniedV1, data)).toEqual({ key: data.isvId, subject: data.isvId });
  });

  it('is keyed by "unknown" when the subscription key matched no ISV', () => {
    expect(derive(LatIssueDeniedV1, aLatIssueDenied({ isvId: null }))).toEqual({ key: 'unknown', subject: 'unknown' });
  });

  it('accepts unknown requested flags, which is how feature probing shows', () => {
    const data = aLatIssueDenied({ requestedFeatures: ['Face.Everything'], reason: 'ISSUER.FEATURE_UNKNOWN' });
    expect(LatIssueDeniedV1.data.safeParse(data).success).toBe(true);
  });

  it.each([
    ['more than 16 requested flags', { requestedFeatures: Array.from({ length: 17 }, (_, i) => `F${i}`) }],
    ['a requested flag over 64 characters', { requestedFeatures: ['F'.repeat(65)] }],
    ['a user agent over 512 characters', { userAgent: 'u'.repeat(513) }],
    ['a reason of another area', { reason: 'LAT.EXPIRED' }],
    ['a client ip that is not an ip', { clientIp: 'localhost' }],
  ])('rejects %s', (_why, overrides) => {
    expect(LatIssueDeniedV1.data.safeParse(aLatIssueDenied(overrides)).success).toBe(false);
  });
});

describe('LatUsedV1', () => {
  it('is keyed by resource and its subject is the jti', () => {
    const data = aLatUsed();
    expect(derive(LatUsedV1, data)).toEqual({ key: data.resourceId, subject: data.jti });
  });

  it('keys one resource to one partition whatever the case it is spelled in', () => {
    const data = aLatUsed({ resourceId: MIXED_CASE_RESOURCE });
    expect(derive(LatUsedV1, data).key).toBe(MIXED_CASE_RESOURCE.toLowerCase());
  });

  it('rejects an outcome other than served', () => {
    // @ts-expect-error a refused use is a lat.rejected event, not a lat.used one
    expect(LatUsedV1.data.safeParse(aLatUsed({ outcome: 'rejected' })).success).toBe(false);
  });

  it('accepts an IPv4-mapped IPv6 client address', () => {
    expect(LatUsedV1.data.safeParse(aLatUsed({ clientIp: '::ffff:192.0.2.1' })).success).toBe(true);
  });
});

describe('LatRejectedV1', () => {
  it('is keyed by resource and its subject is the jti', () => {
    const data = aLatRejected();
    expect(derive(LatRejectedV1, data)).toEqual({ key: data.resourceId, subject: data.jti });
  });

  it('is keyed by "unknown" when the key belonged to no resource and the token had no jti', () => {
    const data = aLatRejected({ jti: null, isvId: null, resourceId: null, feature: null, reason: 'LAT.MALFORMED' });
    expect(derive(LatRejectedV1, data)).toEqual({ key: 'unknown', subject: 'unknown' });
  });

  it('rejects a reason of another area', () => {
    expect(LatRejectedV1.data.safeParse(aLatRejected({ reason: 'ISSUER.KEY_INVALID' })).success).toBe(false);
  });
});

describe('ExchangeCompletedV1', () => {
  it('is keyed by OAuth client and its subject is the jti', () => {
    const data = anExchangeCompleted();
    expect(derive(ExchangeCompletedV1, data)).toEqual({ key: data.clientId, subject: data.jti });
  });

  it('rejects a tenant id that is not a GUID', () => {
    expect(ExchangeCompletedV1.data.safeParse(anExchangeCompleted({ tenantId: 'contoso' })).success).toBe(false);
  });
});

describe('ExchangeDeniedV1', () => {
  it('is keyed by OAuth client', () => {
    const data = anExchangeDenied();
    expect(derive(ExchangeDeniedV1, data)).toEqual({ key: data.clientId, subject: data.clientId });
  });

  it('is keyed by "unknown" when no client id was presented', () => {
    expect(derive(ExchangeDeniedV1, anExchangeDenied({ clientId: null })).key).toBe('unknown');
  });
});

describe('IdentityCreatedV1', () => {
  it('is keyed by person', () => {
    const data = anIdentityCreated();
    expect(derive(IdentityCreatedV1, data)).toEqual({ key: data.personId, subject: data.personId });
  });
});

describe('RbacChangedV1', () => {
  it('puts every change on one key, whatever it touches', () => {
    const a = derive(RbacChangedV1, anRbacChanged({ change: 'role.deleted', ids: { roleId: 'r1' }, version: 7 }));
    const b = derive(RbacChangedV1, anRbacChanged({ change: 'endpoint.registered', ids: { endpointId: 'e' } }));
    expect(a.key).toBe('rbac');
    expect(b.key).toBe('rbac');
    expect(a.subject).toBe('policy/7');
  });

  it.each([
    ['a version that is not a positive integer', { version: 1.5 }],
    ['a version of zero', { version: 0 }],
    ['an id name that does not end in Id', { ids: { role: 'r1' } }],
    ['more than 16 ids', { ids: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`x${i}Id`, 'v'])) }],
  ])('rejects %s', (_why, overrides) => {
    expect(RbacChangedV1.data.safeParse(anRbacChanged(overrides)).success).toBe(false);
  });
});

describe('RbacDeniedV1', () => {
  it('is keyed by subject', () => {
    const data = anRbacDenied({ subject: 'app-reporting', subjectKind: 'application' });
    expect(derive(RbacDeniedV1, data)).toEqual({ key: 'app-reporting', subject: 'app-reporting' });
  });
});

describe('AbuseAlertV1', () => {
  it('is keyed by ISV when known, and its subject is the alert id', () => {
    const data = anAbuseAlert();
    expect(derive(AbuseAlertV1, data)).toEqual({ key: data.isvId, subject: data.alertId });
  });

  it('is keyed by the alert subject when no ISV is known', () => {
    const data = anAbuseAlert({ isvId: null, subject: { kind: 'client-ip', id: '203.0.113.9' } });
    expect(derive(AbuseAlertV1, data).key).toBe('203.0.113.9');
  });

  it.each([
    ['more than 100 evidence events', { evidenceEventIds: Array.from({ length: 101 }, (_, i) => `e${i}`) }],
    ['an unknown severity', { severity: 'urgent' }],
    [
      'a last sighting before the first',
      { firstSeenAt: '2030-01-02T00:00:00.000Z', lastSeenAt: '2030-01-01T00:00:00.000Z' },
    ],
    ['a count of zero', { count: 0 }],
  ])('rejects %s', (_why, overrides) => {
    expect(AbuseAlertV1.data.safeParse({ ...anAbuseAlert(), ...overrides }).success).toBe(false);
  });
});

describe('AccessRevocationV1', () => {
  it('is keyed by the subject key, which is also its subject', () => {
    const data = anAccessRevocation({ subject: { kind: 'isv', isvId: 'isv-42' } });
    expect(derive(AccessRevocationV1, data)).toEqual({ key: 'isv:isv-42', subject: 'isv:isv-42' });
  });

  it('keys an ISV client by its lower-cased resource id', () => {
    const data = anAccessRevocation({
      subject: { kind: 'isv-client', isvId: 'isv-42', resourceId: MIXED_CASE_RESOURCE },
    });
    expect(derive(AccessRevocationV1, data).key).toBe(`isv-client:isv-42:${MIXED_CASE_RESOURCE.toLowerCase()}`);
  });

  it('rejects a subject of an unknown kind', () => {
    const data = { ...anAccessRevocation(), subject: { kind: 'tenant', tenantId: 't' } };
    expect(AccessRevocationV1.data.safeParse(data).success).toBe(false);
  });

  it('rejects a subject missing the field its kind requires', () => {
    const data = { ...anAccessRevocation(), subject: { kind: 'isv-client', isvId: 'isv-42' } };
    expect(AccessRevocationV1.data.safeParse(data).success).toBe(false);
  });
});
