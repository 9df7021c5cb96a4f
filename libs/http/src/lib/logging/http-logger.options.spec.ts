import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import pinoHttp from 'pino-http';
import { MemoryLog } from '../../../test/demo-app';
import { httpLoggerOptions } from './http-logger.options';

function createLogger() {
  const log = new MemoryLog();
  const { logger } = pinoHttp(httpLoggerOptions({ name: 'issuer', level: 'info' }), log.stream);
  return { log, logger };
}

describe(httpLoggerOptions.name, () => {
  it('censors credential headers of a logged request', () => {
    const { log, logger } = createLogger();
    logger.info(
      {
        req: {
          headers: {
            authorization: 'Bearer entra-jwt',
            limitedaccesstoken: 'Bearer lat-jwt',
            dpop: 'eyJ0eXAiOiJkcG9wK2p3dCJ9.proof.sig',
            'ocp-apim-subscription-key': 'apim-key',
            cookie: 'sid=cookie-value',
            accept: 'application/json',
          },
        },
      },
      'incoming',
    );
    expect(log.lines[0]).toMatchObject({
      req: {
        headers: {
          authorization: '[Redacted]',
          limitedaccesstoken: '[Redacted]',
          dpop: '[Redacted]',
          'ocp-apim-subscription-key': '[Redacted]',
          cookie: '[Redacted]',
          accept: 'application/json',
        },
      },
    });
  });

  it('logs only the values of allow-listed headers: a token under any other name is censored', () => {
    const { log, logger } = createLogger();
    const headers = {
      limited_access_token: 'Bearer eyJhbGciOiJFZERTQSJ9.payload.sig',
      'x-api-key': 'secret-key',
      'user-agent': 'isv-backend/1.0',
      'content-type': 'application/json',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    };
    logger.info({ req: { headers } }, 'incoming');
    expect(log.lines[0]).toMatchObject({
      req: {
        headers: {
          limited_access_token: '[Redacted]',
          'x-api-key': '[Redacted]',
          'user-agent': 'isv-backend/1.0',
          'content-type': 'application/json',
          traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        },
      },
    });
    expect(JSON.stringify(log.lines[0])).not.toContain('secret-key');
    // The request's own headers are untouched.
    expect(headers['x-api-key']).toBe('secret-key');
  });

  it('censors credential-named fields at the top level and one level down', () => {
    const { log, logger } = createLogger();
    logger.info(
      {
        token: 'top-token',
        body: { subject_token: 'st', client_secret: 'cs', password: 'pw', key: 'k', secret: 's', token: 't', jti: 'id-1' },
      },
      'exchange',
    );
    expect(log.lines[0]).toMatchObject({
      token: '[Redacted]',
      body: {
        subject_token: '[Redacted]',
        client_secret: '[Redacted]',
        password: '[Redacted]',
        key: '[Redacted]',
        secret: '[Redacted]',
        token: '[Redacted]',
        jti: 'id-1',
      },
    });
  });

  it('writes JSON lines with the service name, a textual level and an ISO time', () => {
    const { log, logger } = createLogger();
    logger.warn('hello');
    expect(log.lines[0]).toMatchObject({ name: 'issuer', level: 'warn', msg: 'hello', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });

  describe('with an active span', () => {
    const manager = new AsyncLocalStorageContextManager();
    beforeAll(() => context.setGlobalContextManager(manager.enable()));
    afterAll(() => context.disable());

    it('adds trace_id and span_id of the active span', () => {
      const { log, logger } = createLogger();
      const spanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };
      context.with(trace.setSpanContext(context.active(), spanContext), () => logger.info('inside'));
      logger.info('outside');
      expect(log.lines[0]).toMatchObject({ trace_id: spanContext.traceId, span_id: spanContext.spanId });
      expect(log.lines[1]).not.toHaveProperty('trace_id');
    });
  });
});
