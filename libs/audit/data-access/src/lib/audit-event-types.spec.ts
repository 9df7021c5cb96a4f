import { ALL_EVENTS, LatUsedV1 } from '@latchkey/contracts';
import { AUDIT_EVENT_NAMES, resolveAuditEventTypes } from './audit-event-types';

describe(resolveAuditEventTypes.name, () => {
  it('maps a short name (the topic) and a full CloudEvents type to the type, once', () => {
    expect(resolveAuditEventTypes(['lat.used', LatUsedV1.type])).toEqual({ ok: true, types: [LatUsedV1.type] });
  });

  it('knows every contract by both names', () => {
    for (const definition of ALL_EVENTS) {
      expect(resolveAuditEventTypes([definition.topic])).toEqual({ ok: true, types: [definition.type] });
      expect(resolveAuditEventTypes([definition.type])).toEqual({ ok: true, types: [definition.type] });
    }
    expect(AUDIT_EVENT_NAMES).toHaveLength(ALL_EVENTS.length * 2);
  });

  it.each([['lat.use'], ['LAT.USED'], ['com.latchkey.lat.used.v2'], ['lat.used.dlq'], ['']])(
    'returns %j as unknown rather than ignore it',
    (name) => {
      expect(resolveAuditEventTypes(['lat.issued', name])).toEqual({ ok: false, unknown: [name] });
    },
  );
});
