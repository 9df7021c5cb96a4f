import type { Readable } from 'node:stream';
import { NDJSON, ndjsonResponse } from './ndjson-stream';

async function* lines(count: number, failAt?: number): AsyncGenerator<string> {
  for (let i = 0; i < count; i++) {
    if (i === failAt) throw new Error('database went away');
    yield `${JSON.stringify({ i, pad: 'x'.repeat(100) })}\n`;
  }
}

async function read(stream: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

describe(ndjsonResponse.name, () => {
  it('streams every line, in order, as NDJSON', async () => {
    const file = await ndjsonResponse(lines(2000), 'x.ndjson');
    expect(file.getHeaders().type).toBe(NDJSON);
    const text = await read(file.getStream());
    expect(
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { i: number }).i),
    ).toEqual(Array.from({ length: 2000 }, (_, i) => i));
  });

  it('rejects before answering when the first line cannot be read', async () => {
    await expect(ndjsonResponse(lines(5, 0), 'x.ndjson')).rejects.toThrow('database went away');
  });

  it('fails the stream, rather than end it, when a later line cannot be read', async () => {
    const file = await ndjsonResponse(lines(2000, 1500), 'x.ndjson');
    await expect(read(file.getStream())).rejects.toThrow('database went away');
  });

  it('stops reading the source when the response is abandoned', async () => {
    let finished = false;
    async function* source(): AsyncGenerator<string> {
      try {
        for (;;) yield `${'y'.repeat(1000)}\n`;
      } finally {
        finished = true;
      }
    }
    const stream = (await ndjsonResponse(source(), 'x.ndjson')).getStream();
    for await (const chunk of stream) {
      expect(String(chunk).length).toBeGreaterThan(0);
      break;
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(finished).toBe(true);
  });
});
