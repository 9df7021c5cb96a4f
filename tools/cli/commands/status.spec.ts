import { FakePlatform, json } from '../test/fake-platform';

const METRICS = [
  '# TYPE latchkey_consumer_lag gauge',
  'latchkey_consumer_lag{group="audit.events",topic="lat.issued",partition="0"} 4',
  'latchkey_consumer_lag{group="audit.events",topic="lat.issued",partition="1"} 1',
  '# TYPE latchkey_outbox_backlog gauge',
  'latchkey_outbox_backlog{schema="issuer"} 7',
].join('\n');

describe('latchkey status', () => {
  const env = { LATCHKEY_ISSUER_URL: 'http://issuer.test', LATCHKEY_AUDIT_URL: 'http://audit.test' };

  it('reports readiness, consumer lag per group/partition and outbox backlog; exit 0 when all are ready', async () => {
    const platform = new FakePlatform()
      .on('GET', '/readyz', () => json(200, { status: 'ok' }))
      .on('GET', '/metrics', () => new Response(METRICS, { status: 200 }));
    const run = await platform.run(['status', '--json'], env);
    expect(run.code).toBe(0);
    const { services } = JSON.parse(run.stdout);
    expect(services.map((s: { service: string }) => s.service)).toEqual(['issuer', 'audit']);
    expect(services[0]).toEqual({
      service: 'issuer',
      url: 'http://issuer.test',
      ready: true,
      problems: [],
      consumerLag: [
        { group: 'audit.events', topic: 'lat.issued', partition: '0', lag: 4 },
        { group: 'audit.events', topic: 'lat.issued', partition: '1', lag: 1 },
      ],
      outboxBacklog: [{ schema: 'issuer', rows: 7 }],
    });
    const human = await platform.run(['status'], env);
    expect(human.stdout).toMatch(/│ issuer\s+│ http:\/\/issuer.test\s+│ yes\s+│ 5\s+│ 7/);
    expect(human.stdout).toMatch(/│ audit.events\s+│ lat.issued\s+│ 0\s+│ 4/);
    // Both services report the same group (one process, one meter provider): listed once.
    expect(human.stdout.match(/│ audit.events /g)).toHaveLength(2);
  });

  it('exits 1 and names the failing checks when a service is not ready or unreachable', async () => {
    const platform = new FakePlatform()
      .on('GET', '/readyz', (r) =>
        r.url.hostname === 'audit.test' ? json(503, { status: 'error', error: { database: { status: 'down' } } }) : json(200, {}),
      )
      .on('GET', '/metrics', () => new Response('', { status: 200 }));
    const run = await platform.run(['status', '--json'], { ...env, LATCHKEY_ABUSE_DETECTOR_URL: 'http://down.invalid' });
    expect(run.code).toBe(1);
    const { services } = JSON.parse(run.stdout);
    expect(services.map((s: { ready: boolean; problems: string[] }) => [s.ready, s.problems])).toEqual([
      [true, []],
      [false, ['database']],
      [false, ['unreachable (ECONNREFUSED)']],
    ]);
  });

  it('exits 2 when it knows no service', async () => {
    expect(await new FakePlatform().run(['status'])).toMatchObject({ code: 2, stderr: expect.stringContaining('no service URLs') });
  });
});
