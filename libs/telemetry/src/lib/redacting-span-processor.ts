import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { redactUrl } from './sensitive-request-parts';

/** Span attributes that hold a URL or its query string. */
const URL_ATTRIBUTES = ['url.full', 'url.query', 'http.url', 'http.target'] as const;

/**
 * Scrubs credential query parameters (`?subscription-key=` …) from URL
 * attributes as spans start. The HTTP instrumentation has its own list, but
 * the Nest instrumentation records the raw `url.full`; both set these
 * attributes at span start, so onStart sees them before any export.
 */
export class RedactingSpanProcessor implements SpanProcessor {
  onStart(span: Span, _parentContext: Context): void {
    for (const key of URL_ATTRIBUTES) {
      const value = span.attributes[key];
      if (typeof value === 'string') {
        const redacted = redactUrl(value, 'REDACTED');
        if (redacted !== value) span.setAttribute(key, redacted);
      }
    }
  }

  onEnd(_span: ReadableSpan): void {
    // Nothing to do: attributes were scrubbed at start.
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
