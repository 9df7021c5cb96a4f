import { context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { RedactingSpanProcessor } from './redacting-span-processor';
import { redactUrl } from './sensitive-request-parts';

describe(RedactingSpanProcessor.name, () => {
  it('scrubs credential query parameters from URL attributes before export', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [new RedactingSpanProcessor(), new SimpleSpanProcessor(exporter)],
    });
    provider
      .getTracer('spec')
      .startSpan(
        'HelloController.hello',
        {
          attributes: {
            'url.full': '/hello?subscription-key=qs-secret&view=1',
            'url.query': 'access_token=tok-secret',
            'http.route': '/hello',
          },
        },
        context.active(),
      )
      .end();
    await provider.forceFlush();
    const [span] = exporter.getFinishedSpans();
    expect(span.attributes).toEqual({
      'url.full': '/hello?subscription-key=REDACTED&view=1',
      'url.query': 'access_token=REDACTED',
      'http.route': '/hello',
    });
    await provider.shutdown();
    trace.disable();
  });
});

describe(redactUrl.name, () => {
  it('replaces credential values whatever the case of their name and keeps the rest', () => {
    expect(redactUrl('/face/v1.0/detect?Subscription-Key=abc&returnFaceId=true')).toBe(
      '/face/v1.0/detect?Subscription-Key=%5BRedacted%5D&returnFaceId=true',
    );
    expect(redactUrl('https://h/x?code=c1&state=s', 'REDACTED')).toBe('https://h/x?code=REDACTED&state=s');
  });

  it('leaves URLs without credentials untouched', () => {
    expect(redactUrl('/sts/v1.0/issueToken?expiredTime=3600')).toBe('/sts/v1.0/issueToken?expiredTime=3600');
    expect(redactUrl('/healthz')).toBe('/healthz');
  });
});
