import { metrics, type Counter, type Histogram, type Meter, type ObservableGauge } from '@opentelemetry/api';

/**
 * Every metric the platform records, in one place: the code creates its
 * instruments from these entries, the Grafana dashboard's queries are
 * checked against their Prometheus names, and docs/OPERATIONS.md explains
 * them. Labels are bounded sets only (outcomes, reason codes, rule ids,
 * consumer groups, topics, partitions): never an ISV id, a resource id, a
 * `jti`, a person or anything else that grows with traffic or identifies a
 * customer. Those belong on spans and in the audit log.
 */
export interface MetricDefinition {
  /** OpenTelemetry name (dotted). */
  readonly name: string;
  readonly kind: 'counter' | 'histogram' | 'gauge';
  readonly unit?: 'ms';
  readonly description: string;
  /** The attribute keys it is recorded with (Prometheus labels). */
  readonly labels: readonly string[];
}

function define<const T extends Record<string, MetricDefinition>>(catalogue: T): T {
  return catalogue;
}

export const METRICS = define({
  issuanceRequests: {
    name: 'latchkey.issuance.requests',
    kind: 'counter',
    description: 'issueLimitedAccessToken requests answered, by outcome (issued | refused | dry-run) and reason (the innererror code, or none)',
    labels: ['outcome', 'reason'],
  },
  issuanceDuration: {
    name: 'latchkey.issuance.duration',
    kind: 'histogram',
    unit: 'ms',
    description: 'Time to answer issueLimitedAccessToken, recording and signing included, by outcome',
    labels: ['outcome'],
  },
  tokenUses: {
    name: 'latchkey.token_use.requests',
    kind: 'counter',
    description: 'Gated requests with a limited access token, by outcome (served | refused), reason (innererror code, or none) and feature',
    labels: ['outcome', 'reason', 'feature'],
  },
  exchangeDuration: {
    name: 'latchkey.exchange.duration',
    kind: 'histogram',
    unit: 'ms',
    description: 'Time to exchange an Entra access token for an internal one, by mode (token-endpoint | gateway), outcome and reason',
    labels: ['mode', 'outcome', 'reason'],
  },
  rbacDecisions: {
    name: 'latchkey.rbac.decisions',
    kind: 'counter',
    description:
      'RBAC guard decisions, by decision (allow | deny), reason (granted, missing-scope, missing-permission, revoked, …) and source (cache | api | none: no permission decision was needed)',
    labels: ['decision', 'reason', 'source'],
  },
  consumerLag: {
    name: 'latchkey.consumer.lag',
    kind: 'gauge',
    description: 'Messages not yet handled by a consumer group, per topic and partition (as of its last fetch)',
    labels: ['group', 'topic', 'partition'],
  },
  outboxBacklog: {
    name: 'latchkey.outbox.backlog',
    kind: 'gauge',
    description: 'Outbox rows written but not yet published, per service schema',
    labels: ['schema'],
  },
  outboxOldestAge: {
    name: 'latchkey.outbox.oldest_age',
    kind: 'gauge',
    unit: 'ms',
    description: 'Age of the oldest unpublished outbox row, per service schema (0 when none waits)',
    labels: ['schema'],
  },
  deadLetters: {
    name: 'latchkey.dead_letters',
    kind: 'counter',
    description: 'Messages a consumer could not handle and dead-lettered, by topic, consumer group and reason code',
    labels: ['topic', 'group', 'code'],
  },
  abuseAlerts: {
    name: 'latchkey.abuse.alerts',
    kind: 'counter',
    description: 'Abuse findings recorded (a new alert or one more occurrence of an open one), by rule and severity',
    labels: ['rule', 'severity'],
  },
  revocationsIssued: {
    name: 'latchkey.revocations.issued',
    kind: 'counter',
    description: 'Revocations and reinstatements written to access.revocation, by subject kind, action and origin (automatic | operator | isv)',
    labels: ['kind', 'action', 'origin'],
  },
  revocationPropagation: {
    name: 'latchkey.revocation.propagation',
    kind: 'histogram',
    unit: 'ms',
    description: 'From an access.revocation event’s time to its application by a verifier, by service',
    labels: ['service'],
  },
  breakGlassUses: {
    name: 'latchkey.break_glass.uses',
    kind: 'counter',
    description: 'Admin requests let in by a service’s break-glass operator key rather than an operator’s token, by service',
    labels: ['service'],
  },
  jwksRefreshes: {
    name: 'latchkey.jwks.refreshes',
    kind: 'counter',
    description: 'Fetches of a signing key set (issuer, exchange or Entra JWKS), by source and outcome (ok | failed)',
    labels: ['source', 'outcome'],
  },
  shedRequests: {
    name: 'latchkey.http.shed_requests',
    kind: 'counter',
    description:
      'Requests refused with 503 before any work because the instance was overloaded (early load shedding), by reason (in-flight | event-loop-delay | event-loop-utilization)',
    labels: ['reason'],
  },
});

export type MetricKey = keyof typeof METRICS;

/**
 * The name Prometheus shows for a metric, as the OpenTelemetry Prometheus
 * exporter writes it: dots become underscores and counters get `_total`
 * (histograms then add `_bucket`, `_count` and `_sum`).
 */
export function prometheusName(definition: MetricDefinition): string {
  const base = definition.name.replace(/[^a-zA-Z0-9_:]/g, '_');
  return definition.kind === 'counter' ? `${base}_total` : base;
}

/** The platform's meter: one instrumentation scope for every metric of the catalogue. */
export function latchkeyMeter(): Meter {
  return metrics.getMeter('@latchkey/platform');
}

type ByKind<K extends MetricDefinition['kind']> = { [P in MetricKey]: (typeof METRICS)[P]['kind'] extends K ? P : never }[MetricKey];

/**
 * A counter of the catalogue. Create instruments where Nest providers are
 * constructed (a class field), never at module load: before the SDK starts
 * the metrics API hands out no-op instruments, and they stay no-op. Every
 * service imports `@latchkey/telemetry/register` before anything else.
 */
export function catalogueCounter(key: ByKind<'counter'>): Counter {
  const definition: MetricDefinition = METRICS[key];
  return latchkeyMeter().createCounter(definition.name, { description: definition.description });
}

/**
 * Bucket bounds of every histogram (ms): finer than OpenTelemetry's default (0, 5, 10, 25, …) below
 * 10 ms, where the targets are (an exchange cache hit under 2 ms, a miss under 10 ms, issuance under
 * 25 ms), and up to a minute for revocation propagation under a stalled feed.
 */
export const LATENCY_BUCKETS_MS: readonly number[] = [0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000];

/** A histogram of the catalogue (milliseconds, {@link LATENCY_BUCKETS_MS}). */
export function catalogueHistogram(key: ByKind<'histogram'>): Histogram {
  const definition: MetricDefinition = METRICS[key];
  return latchkeyMeter().createHistogram(definition.name, {
    description: definition.description,
    unit: definition.unit,
    advice: { explicitBucketBoundaries: [...LATENCY_BUCKETS_MS] },
  });
}

/** An observable gauge of the catalogue; add a callback that observes the current values. */
export function catalogueGauge(key: ByKind<'gauge'>): ObservableGauge {
  const definition: MetricDefinition = METRICS[key];
  return latchkeyMeter().createObservableGauge(definition.name, { description: definition.description, unit: definition.unit });
}
