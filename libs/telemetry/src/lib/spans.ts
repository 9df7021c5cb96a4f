import { SpanStatusCode, trace, type AttributeValue } from '@opentelemetry/api';

const tracer = trace.getTracer('@latchkey/platform');

/**
 * Attribute keys a span of the platform may carry beyond the instrumentations'
 * own: what an SRE filters on. Typed so that a token, a key or a secret has no
 * key to go under (tokens are named by their `jti`, keys by their `kid`).
 */
export interface LatchkeySpanAttributes {
  readonly 'latchkey.isv_id'?: string;
  readonly 'latchkey.resource_id'?: string;
  readonly 'latchkey.jti'?: string;
  readonly 'latchkey.kid'?: string;
  readonly 'latchkey.feature'?: string;
  readonly 'latchkey.operation'?: string;
  readonly 'latchkey.outcome'?: string;
  readonly 'latchkey.reason'?: string;
  readonly 'latchkey.rule_id'?: string;
  readonly 'latchkey.client_id'?: string;
  readonly 'latchkey.jwks_source'?: string;
}

function defined(attributes: LatchkeySpanAttributes): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== undefined)) as Record<string, AttributeValue>;
}

/** Adds attributes to the active span (the handler's, inside a request); nothing happens outside any span. */
export function annotateActiveSpan(attributes: LatchkeySpanAttributes): void {
  trace.getActiveSpan()?.setAttributes(defined(attributes));
}

/**
 * Runs `work` in a span of its own (an internal step worth seeing in a trace:
 * a JWKS fetch, a signature), marked as an error when it throws. The error's
 * name is recorded, never its message: a message may quote what it refused.
 */
export function inSpan<T>(name: string, attributes: LatchkeySpanAttributes, work: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { attributes: defined(attributes) }, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'Error' });
      throw error;
    } finally {
      span.end();
    }
  });
}
