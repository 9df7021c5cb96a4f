import { randomBytes, randomUUID } from 'node:crypto';
import {
  AbuseDetectorProcess,
  FaceApiProcess,
  IssuerProcess,
  ServiceProcess,
  setServiceProcessDefaults,
  useOwnKafka,
  withServiceWorkspace,
  type OwnKafka,
  type ServiceWorkspace,
} from '@latchkey/service-testing';
import {
  describeWithInfrastructure,
  eventually,
  scrapeMetrics,
  startOtlpTraceReceiver,
  type OtlpTraceReceiver,
  type ReceivedSpan,
} from '@latchkey/testing';
import { generateSigningKey } from '@latchkey/tokens';

const ISSUER_URL = 'https://sts.trace.test';
const run = randomUUID().slice(0, 8);
/** OTLP span kinds. */
const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;
const SPANS_TIMEOUT = { timeoutMs: 60_000, intervalMs: 200 };

/** A W3C traceparent with a fresh trace id, as a caller that traces its own requests sends it. */
function newTraceparent(): { header: string; traceId: string } {
  const traceId = randomBytes(16).toString('hex');
  return { header: `00-${traceId}-${randomBytes(8).toString('hex')}-01`, traceId };
}

/** Spans of `trace`, and the consumer spans elsewhere that link to it (a batch consumer links to each event's trace). */
function touching(spans: readonly ReceivedSpan[], traceId: string): ReceivedSpan[] {
  return spans.filter((s) => s.traceId === traceId || s.links.some((l) => l.traceId === traceId));
}

/**
 * Issue 9's acceptance: one trace from the HTTP request through Kafka to the audit and the abuse detector. The
 * issuer, the face-api, the audit and the detector run as deployed (a process each, on a broker of this file's own),
 * exporting spans over OTLP/HTTP to a local receiver; the requests carry a traceparent of the test's choosing.
 */
describeWithInfrastructure('one trace across services: HTTP → outbox relay / publisher → Kafka → audit and abuse detector', () => {
  let kafka: OwnKafka;
  let receiver: OtlpTraceReceiver;
  let issuer: IssuerProcess;
  let face: FaceApiProcess;
  let detector: AbuseDetectorProcess;
  let audit: { process: ServiceProcess; workspace: ServiceWorkspace } | undefined;

  beforeAll(async () => {
    receiver = await startOtlpTraceReceiver();
    // The consumer groups of the audit and the detector are fixed: a broker of this file's own keeps other runs out.
    kafka = await useOwnKafka();
    // Every process exports its spans here, in batches sent every 100 ms rather than 5 s.
    setServiceProcessDefaults({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '100' });
    const signingKey = await generateSigningKey('EdDSA');
    const booted = await Promise.allSettled([
      IssuerProcess.start(ISSUER_URL).then((started) => (issuer = started)),
      AbuseDetectorProcess.start().then((started) => (detector = started)),
      withServiceWorkspace('audit', async (workspace) => {
        const process = await ServiceProcess.start('audit', {
          env: {
            DATABASE_URL: workspace.database.url,
            LATCHKEY_DATA_DIR: workspace.dataDir,
            LATCHKEY_AUDIT_SIGNING_KEY: JSON.stringify(signingKey.privateJwk),
          },
        });
        audit = { process, workspace };
      }),
    ]);
    for (const outcome of booted) if (outcome.status === 'rejected') throw outcome.reason;
    face = await FaceApiProcess.start(issuer);
  }, 180_000);

  afterAll(async () => {
    await face?.stop();
    await detector?.stop();
    await audit?.process.stop();
    await audit?.workspace.dispose();
    await issuer?.stop();
    await kafka?.stop();
    await receiver?.close();
  });

  it('follows an issueLimitedAccessToken request into the issuer’s outbox relay, the audit and the abuse detector, and a gated use at the face-api likewise', async () => {
    const isv = await issuer.onboardIsv(`isv-trace-${run}`, ['Face.Identification']);
    const client = await face.createClientResource('trace');

    // Issuance: the request, then the outbox relay's publish of lat.issued, then the consumers.
    const issuance = newTraceparent();
    const issued = await issuer.request('POST', '/sts/v1.0/issueLimitedAccessToken', {
      body: { targetAzureResourceId: client.armId, featureFlags: ['Face.Identification'] },
      headers: { 'ocp-apim-subscription-key': isv.subscriptionKey, traceparent: issuance.header },
    });
    expect(issued.status).toBe(200);
    // What the caller can quote to an SRE: its request id and the trace (the issuer's server span in the caller's trace).
    expect(issued.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(issued.headers.get('traceresponse')).toMatch(new RegExp(`^00-${issuance.traceId}-[0-9a-f]{16}-01$`));
    const token = issued.text;
    const issuanceSpans = await eventually(
      () => {
        const spans = touching(receiver.spans(), issuance.traceId);
        const services = new Set(spans.filter((s) => s.kind === CONSUMER).map((s) => s.service));
        return services.has('audit') && services.has('abuse-detector') && spans.some((s) => s.name === 'publish lat.issued') ? spans : false;
      },
      { ...SPANS_TIMEOUT, what: 'spans of the issuance in the issuer, the audit and the detector' },
    );
    const inIssuer = issuanceSpans.filter((s) => s.service === 'issuer' && s.traceId === issuance.traceId);
    const server = inIssuer.find((s) => s.kind === SERVER);
    expect(server?.parentSpanId).toBe(issuance.header.split('-')[2]);
    // The relay publishes later, in a pass of its own, yet inside the request's trace: its parent is a span of the request.
    const publish = inIssuer.find((s) => s.name === 'publish lat.issued' && s.kind === PRODUCER);
    expect(inIssuer.map((s) => s.spanId)).toContain(publish?.parentSpanId);
    expect(publish?.attributes['messaging.destination.name']).toBe('lat.issued');
    // The request's spans name the ISV, the resource, the jti and the outcome (what an SRE filters on), never the key.
    expect(inIssuer.find((s) => s.attributes['latchkey.isv_id'] === isv.id)?.attributes).toMatchObject({
      'latchkey.resource_id': client.resourceId,
      'latchkey.jti': expect.stringMatching(/^[0-9a-f-]{36}$/),
      'latchkey.outcome': 'issued',
    });
    // The consumers continue the trace (one event) or link to the span that wrote the event (a batch).
    for (const service of ['audit', 'abuse-detector']) {
      const consumed = issuanceSpans.filter((s) => s.service === service && s.kind === CONSUMER);
      const relations = consumed.flatMap((s) =>
        s.traceId === issuance.traceId ? [s.parentSpanId] : s.links.filter((l) => l.traceId === issuance.traceId).map((l) => l.spanId),
      );
      expect({ service, related: relations.some((id) => inIssuer.some((s) => s.spanId === id)) }).toEqual({ service, related: true });
    }

    // A gated use: the face-api serves it, its publisher sends lat.used, the audit and the detector consume it.
    const use = newTraceparent();
    const answer = await face.gated('identify', client.subscriptionKey, token, { traceparent: use.header });
    expect(answer.statusCode).toBe(200);
    const useSpans = await eventually(
      () => {
        const spans = touching(receiver.spans(), use.traceId);
        const services = new Set(spans.filter((s) => s.kind === CONSUMER).map((s) => s.service));
        return services.has('audit') && services.has('abuse-detector') && spans.some((s) => s.name === 'publish lat.used') ? spans : false;
      },
      { ...SPANS_TIMEOUT, what: 'spans of the gated use in the face-api, the audit and the detector' },
    );
    const inFace = useSpans.filter((s) => s.service === 'face-api' && s.traceId === use.traceId);
    expect(inFace.find((s) => s.kind === SERVER)?.parentSpanId).toBe(use.header.split('-')[2]);
    expect(inFace.map((s) => s.spanId)).toContain(inFace.find((s) => s.name === 'publish lat.used')?.parentSpanId);
    expect(inFace.find((s) => s.attributes['latchkey.outcome'] === 'served')?.attributes).toMatchObject({
      'latchkey.isv_id': isv.id,
      'latchkey.resource_id': client.resourceId,
      'latchkey.feature': 'Face.Identification',
    });

    // Misuse: the token presented with another client's key. The detector's span that recorded the finding (a batch
    // consumer's, linked to the misuse's trace) names the rule.
    const other = await face.createClientResource('trace-other');
    const misuse = newTraceparent();
    expect((await face.gated('identify', other.subscriptionKey, token, { traceparent: misuse.header })).statusCode).not.toBe(200);
    const finding = await eventually(
      () =>
        touching(receiver.spans(), misuse.traceId).find((s) => s.service === 'abuse-detector' && s.attributes['latchkey.rule_id'] !== undefined) ??
        false,
      { ...SPANS_TIMEOUT, what: 'the detector span that recorded the misuse' },
    );
    expect(finding.attributes).toMatchObject({ 'latchkey.rule_id': 'foreign-resource', 'latchkey.isv_id': isv.id });

    // Nothing secret left any service: not the ISV's key, the client's key or the token (nor its signature alone),
    // in an exported span, a metric of /metrics or a log line.
    const secrets = [isv.subscriptionKey, client.subscriptionKey, other.subscriptionKey, token, token.split('.')[2] ?? token];
    const processes = { issuer, 'face-api': face, 'abuse-detector': detector, audit: audit?.process };
    const scrapes = await Promise.all(Object.values(processes).map(async (p) => (await scrapeMetrics(p?.url ?? '')).text));
    const outputs = {
      spans: receiver.rawBodies().join('\n'),
      metrics: scrapes.join('\n'),
      logs: Object.values(processes)
        .map((p) => p?.logs() ?? '')
        .join('\n'),
    };
    for (const [where, text] of Object.entries(outputs)) {
      expect({ where, leaked: secrets.filter((secret) => text.includes(secret)).length }).toEqual({ where, leaked: 0 });
    }
    // The scan looked at something: every service logged and exported.
    expect(outputs.logs.length).toBeGreaterThan(10_000);
    expect(new Set(receiver.spans().map((s) => s.service))).toEqual(new Set(Object.keys(processes)));
  }, 180_000);
});
