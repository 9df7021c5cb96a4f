import { ExchangeDeniedV1, LatIssuedV1, LatRejectedV1, LatUsedV1, type EventDefinition, type EventEnvelope } from '@latchkey/contracts';
import { aLatIssued, aLatRejected, aLatUsed, anEnvelope, anExchangeDenied } from '@latchkey/contracts/testing';
import type { IssuedToken, IssuedTokenRepository } from '@latchkey/abuse-detector/data-access';
import type { ReceivedEvent } from '@latchkey/messaging';
import type { Finding, RuleContext } from '../rules/rule';
import type { AlertRecorder } from './alert-recorder';
import { DetectionConsumer } from './detection.consumer';
import type { DetectionRules } from './detection-rules';

const MIXED_CASE_RESOURCE =
  '/subscriptions/DC4D27D9-EA49-4921-938F-7782A774E151/resourceGroups/Client-RG/providers/Microsoft.CognitiveServices/accounts/Client-Face';

function received(definition: EventDefinition, envelope: EventEnvelope, replay?: boolean): ReceivedEvent {
  return { envelope, definition, topic: definition.topic, partition: 0, offset: '0', attempt: 1, ...(replay ? { replay } : {}) };
}

const HOUR = 3_600_000;

/** Tokens held in memory, recording what was stored and asked. */
class MemoryTokens implements Pick<IssuedTokenRepository, 'record' | 'find'> {
  readonly stored = new Map<string, IssuedToken>();
  readonly asked: string[][] = [];

  async record(tokens: readonly IssuedToken[]): Promise<void> {
    for (const t of tokens) if (!this.stored.has(t.jti)) this.stored.set(t.jti, t);
  }

  async find(jtis: readonly string[]): Promise<Map<string, IssuedToken>> {
    this.asked.push([...jtis]);
    return new Map(jtis.flatMap((j) => (this.stored.has(j) ? [[j, this.stored.get(j) as IssuedToken] as const] : [])));
  }
}

/** Answers what the context said about each event's jti, and fires a finding for every lat.rejected. */
class ProbeRules implements DetectionRules {
  readonly seen: { type: string; owner: ReturnType<RuleContext['issuedToken']> }[] = [];

  consider(event: EventEnvelope, context: RuleContext): readonly Finding[] {
    const jti = (event.data as { jti?: string | null }).jti ?? null;
    this.seen.push({ type: event.type, owner: jti === null ? undefined : context.issuedToken(jti) });
    if (event.type !== LatRejectedV1.type) return [];
    return [
      {
        ruleId: 'probe',
        severity: 'low',
        subject: { kind: 'jti', id: jti ?? 'none' },
        isvId: null,
        resourceId: null,
        evidenceEventIds: [event.id],
        explanation: 'probe',
        observedAt: new Date(event.time),
      },
    ];
  }
}

describe(DetectionConsumer.name, () => {
  let tokens: MemoryTokens;
  let rules: ProbeRules;
  let recorded: [string, Finding][];
  let consumer: DetectionConsumer;

  beforeEach(() => {
    tokens = new MemoryTokens();
    rules = new ProbeRules();
    recorded = [];
    const recorder = { record: async (eventId: string, finding: Finding) => void recorded.push([eventId, finding]) };
    consumer = new DetectionConsumer(tokens as unknown as IssuedTokenRepository, recorder as unknown as AlertRecorder, rules, {
      LATCHKEY_ABUSE_REWIND_MAX_MS: HOUR,
    });
  });

  it('feeds each event to the rules once, even when its batch is handled again after a failed recording', async () => {
    const rejections = [aLatRejected(), aLatRejected()].map((r) => received(LatRejectedV1, anEnvelope(LatRejectedV1, r)));
    let failOnce = true;
    const flaky = {
      record: async (eventId: string, finding: Finding) => {
        if (failOnce) {
          failOnce = false;
          throw new Error('database away');
        }
        recorded.push([eventId, finding]);
      },
    };
    consumer = new DetectionConsumer(tokens as unknown as IssuedTokenRepository, flaky as unknown as AlertRecorder, rules, {
      LATCHKEY_ABUSE_REWIND_MAX_MS: HOUR,
    });

    await expect(consumer.handleBatch(rejections)).rejects.toThrow('database away');
    await consumer.handleBatch(rejections); // the bus's retry

    expect(rules.seen).toHaveLength(2);
    expect(recorded.map(([id]) => id)).toEqual(rejections.map((r) => r.envelope.id));
  });

  it('records issued tokens with the resource id lower-cased', async () => {
    const issued = aLatIssued({ resourceId: MIXED_CASE_RESOURCE });

    await consumer.handleBatch([received(LatIssuedV1, anEnvelope(LatIssuedV1, issued))]);

    expect(tokens.stored.get(issued.jti)).toEqual({
      jti: issued.jti,
      isvId: issued.isvId,
      resourceId: MIXED_CASE_RESOURCE.toLowerCase(),
      expiresAt: new Date(issued.expiresAt),
    });
  });

  it('tells the rules whose token a refusal names, from an earlier batch or from the same one', async () => {
    const earlier = aLatIssued();
    await consumer.handleBatch([received(LatIssuedV1, anEnvelope(LatIssuedV1, earlier))]);
    const same = aLatIssued();

    await consumer.handleBatch([
      received(LatRejectedV1, anEnvelope(LatRejectedV1, aLatRejected({ jti: earlier.jti }))),
      received(LatIssuedV1, anEnvelope(LatIssuedV1, same)),
      received(LatUsedV1, anEnvelope(LatUsedV1, aLatUsed({ jti: same.jti }))),
      received(LatRejectedV1, anEnvelope(LatRejectedV1, aLatRejected({ jti: 'never-issued' }))),
    ]);

    expect(rules.seen.slice(1).map((s) => s.owner)).toEqual([
      { isvId: earlier.isvId, resourceId: earlier.resourceId.toLowerCase() },
      { isvId: same.isvId, resourceId: same.resourceId.toLowerCase() },
      { isvId: same.isvId, resourceId: same.resourceId.toLowerCase() },
      undefined,
    ]);
  });

  it('feeds every event to the rules in order and records each finding under the event that made it', async () => {
    const rejected = anEnvelope(LatRejectedV1, aLatRejected({ jti: 'j-1' }));
    const denied = anEnvelope(ExchangeDeniedV1, anExchangeDenied());

    await consumer.handleBatch([received(ExchangeDeniedV1, denied), received(LatRejectedV1, rejected)]);

    expect(rules.seen.map((s) => s.type)).toEqual([ExchangeDeniedV1.type, LatRejectedV1.type]);
    expect(recorded.map(([eventId, f]) => [eventId, f.subject.id])).toEqual([[rejected.id, 'j-1']]);
  });

  it('asks the store only for the tokens the batch names', async () => {
    await consumer.handleBatch([
      received(LatUsedV1, anEnvelope(LatUsedV1, aLatUsed({ jti: 'a' }))),
      received(LatRejectedV1, anEnvelope(LatRejectedV1, aLatRejected({ jti: null }))),
    ]);

    expect(tokens.asked).toEqual([['a']]);
  });

  it('feeds replayed events to the rules but records none of their findings: they were recorded when first handled', async () => {
    const replayed = anEnvelope(LatRejectedV1, aLatRejected({ jti: 'j-replayed' }));
    const live = anEnvelope(LatRejectedV1, aLatRejected({ jti: 'j-live' }));

    await consumer.handleBatch([received(LatRejectedV1, replayed, true), received(LatRejectedV1, live)]);

    // Both rebuilt the windows; only the event past the group's commit may raise or grow an alert.
    expect(rules.seen).toHaveLength(2);
    expect(recorded.map(([eventId]) => eventId)).toEqual([live.id]);
  });

  it('asks for a rewind of the rules’ replay horizon, capped by LATCHKEY_ABUSE_REWIND_MAX_MS', () => {
    const consumerWith = (replayHorizonMs: number | undefined, cap: number) =>
      new DetectionConsumer(
        tokens as unknown as IssuedTokenRepository,
        {} as AlertRecorder,
        { consider: () => [], replayHorizonMs },
        { LATCHKEY_ABUSE_REWIND_MAX_MS: cap },
      );

    expect(consumerWith(24 * HOUR, HOUR).rewindMs()).toBe(HOUR);
    expect(consumerWith(10 * 60_000, HOUR).rewindMs()).toBe(10 * 60_000);
    expect(consumerWith(undefined, HOUR).rewindMs()).toBe(0);
    expect(consumerWith(24 * HOUR, 0).rewindMs()).toBe(0);
  });
});
