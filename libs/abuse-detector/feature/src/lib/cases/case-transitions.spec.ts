import fc from 'fast-check';
import type { AbuseCase, Alert, StoredSeverity } from '@latchkey/abuse-detector/data-access';
import {
  acknowledge,
  addAlert,
  blockClient,
  CaseEndedError,
  close,
  DETECTOR,
  escalate,
  FINAL_CASE_STATUSES,
  isCaseAlert,
  MAX_CASE_ALERTS,
  openCase,
  type CaseAlert,
} from './case-transitions';

const T0 = new Date('2026-03-01T12:00:00.000Z');
const DEADLINE_MS = 3_600_000;
const RESOURCE = '/subscriptions/dc4d27d9-ea49-4921-938f-7782a774e151/resourceGroups/RG/providers/Microsoft.CognitiveServices/accounts/Face';

const later = (ms: number) => new Date(T0.getTime() + ms);

function anAlert(id: string, overrides: Partial<Alert> = {}): CaseAlert {
  return {
    id,
    ruleId: 'foreign-resource',
    subjectKind: 'resource',
    subjectId: RESOURCE,
    severity: 'high',
    status: 'open',
    isvId: 'isv-1',
    resourceId: RESOURCE,
    count: 1,
    evidenceEventIds: ['e-1'],
    explanation: `explanation of ${id}`,
    firstSeenAt: T0,
    lastSeenAt: T0,
    acknowledgedBy: null,
    acknowledgedAt: null,
    acknowledgedReason: null,
    ...overrides,
  } as CaseAlert;
}

const opened = (severity: StoredSeverity = 'high') => openCase('case-1', anAlert('a-1', { severity }), T0, DEADLINE_MS).next;

function withStatus(status: AbuseCase['status']): AbuseCase {
  return { ...opened(), status, deadlineAt: status === 'open' ? later(DEADLINE_MS) : null };
}

describe('case transitions', () => {
  describe(isCaseAlert.name, () => {
    it('takes only alerts naming both an ISV and a client resource', () => {
      expect(isCaseAlert(anAlert('a'))).toBe(true);
      expect(isCaseAlert(anAlert('a', { isvId: null }))).toBe(false);
      expect(isCaseAlert(anAlert('a', { resourceId: null }))).toBe(false);
    });
  });

  describe(openCase.name, () => {
    it('opens a case waiting until now + deadline, with the alert’s severity, id and summary line, the resource canonical', () => {
      const { next, entry } = openCase('case-1', anAlert('a-1', { severity: 'critical', explanation: 'key of another resource' }), T0, DEADLINE_MS);

      expect(next).toEqual({
        id: 'case-1',
        isvId: 'isv-1',
        resourceId: RESOURCE.toLowerCase(),
        status: 'open',
        severity: 'critical',
        alertIds: ['a-1'],
        summary: '[critical] foreign-resource: key of another resource',
        openedAt: T0,
        deadlineAt: new Date('2026-03-01T13:00:00.000Z'),
        updatedAt: T0,
        history: [entry],
      });
      expect(entry).toEqual({
        transition: 'opened',
        status: 'open',
        actor: DETECTOR,
        reason: 'key of another resource',
        alertId: 'a-1',
        at: T0.toISOString(),
      });
    });

    it('bounds the summary line at 500 characters', () => {
      const { next } = openCase('case-1', anAlert('a-1', { explanation: 'x'.repeat(1000) }), T0, DEADLINE_MS);

      expect(next.summary).toHaveLength(500);
      expect(next.summary.startsWith('[high] foreign-resource: xxx')).toBe(true);
    });
  });

  describe(addAlert.name, () => {
    it('adds nothing for an alert the case already holds', () => {
      expect(addAlert(opened(), anAlert('a-1', { count: 7 }), later(1000), DEADLINE_MS)).toBeUndefined();
    });

    it('adds a further alert to an open case, keeping its deadline', () => {
      const current = opened();

      const moved = addAlert(current, anAlert('a-2', { ruleId: 'jti-spread', explanation: 'spread' }), later(30 * 60_000), DEADLINE_MS);

      expect(moved?.next).toMatchObject({
        status: 'open',
        alertIds: ['a-1', 'a-2'],
        deadlineAt: later(DEADLINE_MS),
        updatedAt: later(30 * 60_000),
        openedAt: T0,
        summary: '[high] foreign-resource: explanation of a-1\n[high] jti-spread: spread',
      });
      expect(moved?.entry).toEqual({
        transition: 'alert-added',
        status: 'open',
        actor: DETECTOR,
        reason: 'spread',
        alertId: 'a-2',
        at: later(30 * 60_000).toISOString(),
      });
      expect(moved?.next.history.map((h) => h.transition)).toEqual(['opened', 'alert-added']);
    });

    it('reopens an acknowledged case with a new deadline from now', () => {
      const acked = acknowledge(opened(), 'isv-1', 'on it', later(1000)).next;
      expect(acked.deadlineAt).toBeNull();

      const moved = addAlert(acked, anAlert('a-2'), later(5 * DEADLINE_MS), DEADLINE_MS);

      expect(moved?.next.status).toBe('open');
      expect(moved?.next.deadlineAt).toEqual(later(6 * DEADLINE_MS));
      expect(moved?.entry).toMatchObject({ transition: 'alert-added', status: 'open' });
    });

    it.each([
      ['low', 'critical', 'critical'],
      ['medium', 'high', 'high'],
      ['critical', 'low', 'critical'],
      ['high', 'medium', 'high'],
      ['high', 'high', 'high'],
    ] as const)('a %s case with a %s alert is %s (raised, never lowered)', (caseSeverity, alertSeverity, expected) => {
      expect(addAlert(opened(caseSeverity), anAlert('a-2', { severity: alertSeverity }), later(1), DEADLINE_MS)?.next.severity).toBe(expected);
    });

    it(`keeps the newest ${MAX_CASE_ALERTS} alert ids`, () => {
      let current = opened();
      for (let i = 2; i <= MAX_CASE_ALERTS + 5; i++) {
        current = addAlert(current, anAlert(`a-${i}`), later(i), DEADLINE_MS)!.next;
      }

      expect(current.alertIds).toHaveLength(MAX_CASE_ALERTS);
      expect(current.alertIds[0]).toBe('a-6');
      expect(current.alertIds[MAX_CASE_ALERTS - 1]).toBe(`a-${MAX_CASE_ALERTS + 5}`);
    });

    it('bounds the summary at 2000 characters, keeping the newest lines', () => {
      let current = opened();
      for (let i = 2; i <= 40; i++)
        current = addAlert(current, anAlert(`a-${i}`, { explanation: `${i}:` + 'y'.repeat(200) }), later(i), DEADLINE_MS)!.next;

      expect(current.summary).toHaveLength(2000);
      expect(current.summary.endsWith('y'.repeat(200))).toBe(true);
      expect(current.summary).toContain('[high] foreign-resource: 40:');
      expect(current.summary).not.toContain('explanation of a-1');
    });

    it.each(['client-blocked', 'escalated', 'closed'] as const)('refuses a new alert on a %s case (a new case opens instead)', (status) => {
      expect(() => addAlert(withStatus(status), anAlert('a-2'), later(1), DEADLINE_MS)).toThrow(CaseEndedError);
    });
  });

  describe('answers', () => {
    it('acknowledge stops the deadline, by the ISV, with its note', () => {
      const { next, entry } = acknowledge(opened(), 'isv-1', 'rotating the key', later(60_000));

      expect(next).toMatchObject({ status: 'acknowledged', deadlineAt: null, updatedAt: later(60_000), alertIds: ['a-1'] });
      expect(entry).toEqual({
        transition: 'acknowledged',
        status: 'acknowledged',
        actor: { kind: 'isv', id: 'isv-1' },
        reason: 'rotating the key',
        alertId: null,
        at: later(60_000).toISOString(),
      });
    });

    it('blockClient ends the case client-blocked, by the ISV', () => {
      const { next, entry } = blockClient(opened(), 'isv-1', 'blocked', later(1));

      expect(next).toMatchObject({ status: 'client-blocked', deadlineAt: null });
      expect(entry).toMatchObject({ transition: 'client-blocked', actor: { kind: 'isv', id: 'isv-1' }, reason: 'blocked' });
    });

    it('close ends the case closed, by the operator, also from acknowledged', () => {
      const { next, entry } = close(withStatus('acknowledged'), 'alice', 'false positive', later(1));

      expect(next).toMatchObject({ status: 'closed', deadlineAt: null });
      expect(entry).toMatchObject({ transition: 'closed', status: 'closed', actor: { kind: 'operator', id: 'alice' }, reason: 'false positive' });
    });

    it('bounds the reason at 2000 characters', () => {
      expect(close(opened(), 'alice', 'r'.repeat(3000), later(1)).entry.reason).toHaveLength(2000);
    });

    describe.each(['client-blocked', 'escalated', 'closed'] as const)('on a %s case', (status) => {
      const ended = withStatus(status);

      it('acknowledge, blockClient and close throw CaseEndedError carrying the case', () => {
        expect(() => acknowledge(ended, 'isv-1', 'n', later(1))).toThrow(CaseEndedError);
        expect(() => blockClient(ended, 'isv-1', 'n', later(1))).toThrow(CaseEndedError);
        expect(() => close(ended, 'alice', 'n', later(1))).toThrow(CaseEndedError);
        try {
          close(ended, 'alice', 'n', later(1));
        } catch (error) {
          expect((error as CaseEndedError).current).toBe(ended);
          expect((error as CaseEndedError).message).toBe(`case case-1 is ${status}`);
        }
      });

      it('escalate does nothing', () => {
        expect(escalate(ended, 'late', later(10 * DEADLINE_MS))).toBeUndefined();
      });
    });
  });

  describe(escalate.name, () => {
    it('does not escalate an open case 1 ms before its deadline', () => {
      expect(escalate(opened(), 'late', later(DEADLINE_MS - 1))).toBeUndefined();
    });

    it('escalates an open case at its deadline, by the detector', () => {
      const moved = escalate(opened(), 'not answered', later(DEADLINE_MS));

      expect(moved?.next).toMatchObject({ status: 'escalated', deadlineAt: null, updatedAt: later(DEADLINE_MS) });
      expect(moved?.entry).toEqual({
        transition: 'escalated',
        status: 'escalated',
        actor: DETECTOR,
        reason: 'not answered',
        alertId: null,
        at: later(DEADLINE_MS).toISOString(),
      });
    });

    it('never escalates an acknowledged case', () => {
      expect(escalate(acknowledge(opened(), 'isv-1', 'n', later(1)).next, 'late', later(100 * DEADLINE_MS))).toBeUndefined();
    });
  });

  describe('history', () => {
    it('is bounded at 200 entries, keeping the opening entry first and the newest after it', () => {
      let current = opened();
      for (let i = 0; i < 250; i++) {
        current = acknowledge(current, 'isv-1', `ack ${i}`, later(i + 1)).next;
      }

      expect(current.history).toHaveLength(200);
      expect(current.history[0]).toMatchObject({ transition: 'opened', alertId: 'a-1' });
      expect(current.history[1]?.reason).toBe('ack 51');
      expect(current.history[199]?.reason).toBe('ack 249');
    });
  });

  describe('properties', () => {
    type Step =
      | { kind: 'add'; alert: number; severity: StoredSeverity }
      | { kind: 'ack' }
      | { kind: 'block' }
      | { kind: 'close' }
      | { kind: 'tick'; ms: number };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({
        kind: fc.constant('add' as const),
        alert: fc.integer({ min: 1, max: 8 }),
        severity: fc.constantFrom<StoredSeverity>('low', 'medium', 'high', 'critical'),
      }),
      fc.record({ kind: fc.constantFrom('ack' as const, 'block' as const, 'close' as const) }),
      fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 2 * DEADLINE_MS }) }),
    );

    it('no sequence of transitions leaves a final status, nor lowers the severity, nor loses the opening entry', () => {
      const order = ['low', 'medium', 'high', 'critical'];
      fc.assert(
        fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
          let current = opened('low');
          let clock = T0.getTime();
          for (const s of steps) {
            const now = new Date(clock);
            const wasFinal = FINAL_CASE_STATUSES.includes(current.status);
            const before = current;
            let next: AbuseCase | undefined;
            let threw = false;
            try {
              if (s.kind === 'add') next = addAlert(current, anAlert(`a-${s.alert}`, { severity: s.severity }), now, DEADLINE_MS)?.next;
              else if (s.kind === 'ack') next = acknowledge(current, 'isv-1', 'n', now).next;
              else if (s.kind === 'block') next = blockClient(current, 'isv-1', 'n', now).next;
              else if (s.kind === 'close') next = close(current, 'op', 'n', now).next;
              else if (s.kind === 'tick') {
                clock += s.ms;
                next = escalate(current, 'late', new Date(clock))?.next;
              }
            } catch (error) {
              if (!(error instanceof CaseEndedError)) throw error;
              threw = true;
            }
            if (wasFinal) {
              // A final case moves no more: every answer throws, and an escalation or a known alert changes nothing.
              expect(next).toBeUndefined();
              if (s.kind === 'ack' || s.kind === 'block' || s.kind === 'close') expect(threw).toBe(true);
            } else {
              expect(threw).toBe(false);
            }
            if (next !== undefined) {
              expect(order.indexOf(next.severity)).toBeGreaterThanOrEqual(order.indexOf(before.severity));
              expect(next.history[0]?.transition).toBe('opened');
              expect(next.history.at(-1)?.status).toBe(next.status);
              // A deadline runs exactly while the case is open.
              expect(next.deadlineAt === null).toBe(next.status !== 'open');
              current = next;
            }
          }
        }),
        { numRuns: 200 },
      );
    });
  });
});
