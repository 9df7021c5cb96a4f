import { FakePlatform, PLATFORM_ENV } from '../test/fake-platform';

const alert = (id: string, severity = 'critical') => ({
  id,
  ruleId: 'foreign-resource',
  severity,
  status: 'open',
  subject: { kind: 'client', id: 'c1' },
  isvId: 'acme',
  resourceId: null,
  count: 2,
  lastSeenAt: '2026-01-01T00:00:00.000Z',
});

function stream(parts: string[], endless = false): Response {
  const encoder = new TextEncoder();
  return new Response(
    new ReadableStream({
      start(controller) {
        for (const part of parts) controller.enqueue(encoder.encode(part));
        if (!endless) controller.close();
      },
    }),
    { status: 200, headers: { 'content-type': 'text/event-stream' } },
  );
}

const sse = (value: unknown) => `event: alert\ndata: ${JSON.stringify(value)}\n\n`;

describe('latchkey alerts tail', () => {
  it('prints one line per alert (NDJSON with --json) and stops after --max', async () => {
    const platform = new FakePlatform().on('GET', '/admin/v1/alerts/stream', () =>
      stream([': alerts\n\n', sse(alert('a1')), ': heartbeat\n\n', sse(alert('a2', 'warning')), sse(alert('a3'))], true),
    );
    const run = await platform.run(['alerts', 'tail', '--json', '--max', '2'], PLATFORM_ENV);
    expect(run.code).toBe(0);
    expect(
      run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).id),
    ).toEqual(['a1', 'a2']);
    expect(platform.seen[0]?.headers).toMatchObject({ authorization: 'Bearer operator-token-secret-value', accept: 'text/event-stream' });
    const human = await platform.run(['alerts', 'tail', '--max', '1'], PLATFORM_ENV);
    expect(human.stdout).toBe('2026-01-01T00:00:00.000Z  CRITICAL  foreign-resource  open  client:c1  isv acme  x2  a1\n');
  });

  it('ends cleanly with exit 0 on Ctrl-C while the stream is quiet', async () => {
    const platform = new FakePlatform().on('GET', '/admin/v1/alerts/stream', () => stream([sse(alert('a1'))], true));
    const interrupt = new AbortController();
    const running = platform.run(['alerts', 'tail'], PLATFORM_ENV, interrupt.signal);
    await new Promise((done) => setTimeout(done, 100));
    interrupt.abort();
    const run = await running;
    expect(run).toMatchObject({ code: 0, stdout: expect.stringContaining('a1') });
  });

  it('exits 3 when the stream refuses the credential, without retrying', async () => {
    const platform = new FakePlatform().on(
      'GET',
      '/admin/v1/alerts/stream',
      () => new Response(JSON.stringify({ error: { code: '401' } }), { status: 401 }),
    );
    const refused = await platform.run(['alerts', 'tail'], PLATFORM_ENV);
    expect(refused).toMatchObject({ code: 3, stderr: expect.stringContaining('401') });
    expect(platform.seen).toHaveLength(1);
  });
});
