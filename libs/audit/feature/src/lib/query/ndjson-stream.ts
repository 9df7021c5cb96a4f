import { Readable } from 'node:stream';
import { StreamableFile } from '@nestjs/common';

/** NDJSON (one JSON document per line); the media type is not registered, this is the name in common use. */
export const NDJSON = 'application/x-ndjson';

/** Lines are sent in chunks of about this size: fewer writes than one per line, and memory stays bounded. */
const CHUNK_BYTES = 64 * 1024;

async function* chunked(first: IteratorResult<string>, rest: AsyncIterator<string>): AsyncGenerator<string> {
  let chunk = '';
  try {
    for (let next = first; next.done !== true; next = await rest.next()) {
      chunk += next.value;
      if (chunk.length >= CHUNK_BYTES) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk !== '') yield chunk;
  } finally {
    // Also when the response is abandoned: the source stops reading the table.
    await rest.return?.();
  }
}

/**
 * Streams `lines` as an NDJSON response. The first line is read before the
 * response starts, so a failure there (the database down) is still answered
 * as an error in the platform's shape; a failure later aborts the response
 * instead of ending it, so a cut export never looks complete. A client that
 * disconnects stops the reads (the generator is returned).
 */
export async function ndjsonResponse(lines: AsyncIterable<string>, filename: string): Promise<StreamableFile> {
  const iterator = lines[Symbol.asyncIterator]();
  const first = await iterator.next();
  const stream = Readable.from(chunked(first, iterator), { objectMode: false });
  return new StreamableFile(stream, { type: NDJSON, disposition: `attachment; filename="${filename}"` });
}
