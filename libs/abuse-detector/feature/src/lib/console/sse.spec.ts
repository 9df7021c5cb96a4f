import { sseComment, sseEvent, sseRetry } from './sse';

/** Parses a stream the way a browser does (only the fields we write), one object per dispatched event. */
function parse(stream: string): { event: string; data: string }[] {
  const events: { event: string; data: string }[] = [];
  for (const block of stream.split('\n\n')) {
    if (block === '') continue;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const [field, ...rest] = line.split(':');
      const value = rest.join(':').replace(/^ /, '');
      if (field === 'event') event = value;
      if (field === 'data') data.push(value);
    }
    if (data.length > 0) events.push({ event, data: data.join('\n') });
  }
  return events;
}

describe(sseEvent.name, () => {
  it('writes a named event with its JSON data, ended by a blank line', () => {
    expect(sseEvent('alert', { id: 'a1', count: 2 })).toBe('event: alert\ndata: {"id":"a1","count":2}\n\n');
  });

  it('round-trips data whose strings hold line breaks and field-like text, as one event', () => {
    const data = { explanation: 'line one\nevent: forged\n\ndata: {"id":"x"}\r\nend' };

    const events = parse(sseEvent('alert', data) + sseEvent('alert', { id: 'next' }));

    expect(events).toHaveLength(2);
    expect(events[0]).toEqual({ event: 'alert', data: JSON.stringify(data) });
    expect(JSON.parse(events[0]?.data ?? '')).toEqual(data);
  });

  it.each(['', 'alert\nevent: other', 'with space', '1starts-with-digit'])('refuses the event name %j', (name) => {
    expect(() => sseEvent(name, {})).toThrow(/event name/);
  });
});

describe(sseComment.name, () => {
  it('writes a comment that no client dispatches, even with line breaks in it', () => {
    const comment = sseComment('heartbeat\ndata: injected');

    expect(comment).toBe(': heartbeat data: injected\n\n');
    expect(parse(comment)).toEqual([]);
  });
});

describe(sseRetry.name, () => {
  it('writes the reconnection delay in whole milliseconds', () => {
    expect(sseRetry(2500.7)).toBe('retry: 2500\n\n');
  });
});
