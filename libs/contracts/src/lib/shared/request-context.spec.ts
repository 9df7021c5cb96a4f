import { ClientIp, Operation, TraceId } from './request-context';

describe('ClientIp', () => {
  it.each(['203.0.113.7', '::1', '2001:db8::1', '::ffff:192.0.2.1'])('accepts %s', (ip) => {
    expect(ClientIp.safeParse(ip).success).toBe(true);
  });

  it.each(['localhost', '256.0.0.1', '203.0.113.7, 10.0.0.1', ''])('rejects %j', (ip) => {
    expect(ClientIp.safeParse(ip).success).toBe(false);
  });
});

describe('TraceId', () => {
  it('rejects the all-zero trace id and upper-case hex', () => {
    expect(TraceId.safeParse('0'.repeat(32)).success).toBe(false);
    expect(TraceId.safeParse('0AF7651916CD43DD8448EB211C80319C').success).toBe(false);
    expect(TraceId.safeParse('0af7651916cd43dd8448eb211c80319c').success).toBe(true);
  });
});

describe('Operation', () => {
  it('accepts a dotted operation and rejects a route', () => {
    expect(Operation.safeParse('face.identify').success).toBe(true);
    expect(Operation.safeParse('/face/v1.0/identify').success).toBe(false);
  });
});
