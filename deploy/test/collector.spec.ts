import { deletesAttribute, headerCaptureProblems, pipelineProblems, SENSITIVE_HEADERS } from './support/collector-checks';
import { readYaml, record } from './support/deploy-files';

const collector = readYaml('otel/collector.yaml');
const root = record(collector);

describe('OpenTelemetry Collector configuration (deploy/otel/collector.yaml)', () => {
  it('has pipelines that use only defined receivers, processors, exporters and extensions', () => {
    expect(pipelineProblems(collector)).toEqual([]);
  });

  it('receives OTLP over HTTP on 4318 (what the services send to) and gRPC on 4317', () => {
    const protocols = record(record(record(root['receivers'])['otlp'])['protocols']);
    expect(record(protocols['http'])['endpoint']).toBe('0.0.0.0:4318');
    expect(record(protocols['grpc'])['endpoint']).toBe('0.0.0.0:4317');
  });

  it('batches traces and exports them to Jaeger over OTLP', () => {
    const traces = record(record(record(root['service'])['pipelines'])['traces']);
    expect(traces['receivers']).toEqual(['otlp']);
    expect(traces['processors']).toEqual(expect.arrayContaining(['batch']));
    // batch last among the processors: it must see spans after the credentials were dropped and limits applied.
    expect((traces['processors'] as string[]).at(-1)).toBe('batch');
    expect(traces['exporters']).toEqual(['otlp/jaeger']);
    expect(record(record(root['exporters'])['otlp/jaeger'])['endpoint']).toBe('jaeger:4317');
  });

  it('never captures a credential header', () => {
    expect(headerCaptureProblems(collector)).toEqual([]);
  });

  it.each([
    ...SENSITIVE_HEADERS.flatMap((h) => [`http.request.header.${h}`, `http.request.header.${h.replace(/-/g, '_')}`, `http.response.header.${h}`]),
    'http.request.header.Authorization',
    'latchkey.subscription.key',
    'isv.api.key',
    'client.secret',
    'messaging.kafka.message.key',
  ])('drops %s from spans before export (second line of defence)', (attribute) => {
    expect(deletesAttribute(collector, 'traces', attribute)).toBe(true);
  });

  it.each([
    'http.route',
    'http.request.method',
    'latchkey.jti',
    'latchkey.isv_id',
    'latchkey.reason',
    'http.request.header.content-type',
    'keys.count',
  ])('keeps %s', (attribute) => {
    expect(deletesAttribute(collector, 'traces', attribute)).toBe(false);
  });

  describe('the checks themselves', () => {
    it('report a pipeline naming an undefined component', () => {
      const broken = {
        ...root,
        service: { pipelines: { traces: { receivers: ['otlp', 'zipkin'], processors: ['batch'], exporters: ['otlp/tempo'] } } },
      };
      expect(pipelineProblems(broken)).toEqual([
        'pipeline traces uses undefined receiver zipkin',
        'pipeline traces uses undefined exporter otlp/tempo',
      ]);
    });

    it('report header capture, a copied header and request metadata', () => {
      expect(headerCaptureProblems({ receivers: { otlp: { protocols: { http: { include_metadata: true } } } } })).toHaveLength(1);
      expect(headerCaptureProblems({ extensions: { x: { headers_to_capture: ['Ocp-Apim-Subscription-Key'] } } })).toHaveLength(1);
      const insert = { processors: { attributes: { actions: [{ key: 'auth', from_context: 'metadata.authorization', action: 'insert' }] } } };
      expect(headerCaptureProblems(insert)).toHaveLength(1);
      const remove = { processors: { attributes: { actions: [{ key: 'http.request.header.authorization', action: 'delete' }] } } };
      expect(headerCaptureProblems(remove)).toEqual([]);
    });
  });
});
