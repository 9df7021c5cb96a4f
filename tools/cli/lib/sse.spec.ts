import { readServerSentEvents } from './sse';

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield new TextEncoder().encode(part);
}

async function all(body: AsyncIterable<Uint8Array>) {
  const events = [];
  for await (const event of readServerSentEvents(body)) events.push(event);
  return events;
}

describe('readServerSentEvents', () => {
  it('dispatches events on blank lines, across chunk boundaries, skipping comments and retry', async () => {
    const events = await all(
      chunks(
        'retry: 2000\n\n: alerts\n\nevent: al',
        'ert\ndata: {"id":"a1"}\n',
        '\n: heartbeat\n\nevent: alert\r\ndata: {"id":\ndata: "a2"}\r\n\r\n',
      ),
    );
    expect(events).toEqual([
      { event: 'alert', data: '{"id":"a1"}' },
      { event: 'alert', data: '{"id":\n"a2"}' },
    ]);
  });

  it('names an event without `event:` a message, and drops an undispatched tail', async () => {
    expect(await all(chunks('data: x\n\ndata: never dispatched'))).toEqual([{ event: 'message', data: 'x' }]);
  });
});
