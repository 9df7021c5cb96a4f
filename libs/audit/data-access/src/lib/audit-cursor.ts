import { z } from 'zod';

/** The direction a query pages in, over `seq` (the chain order). */
export type AuditOrder = 'asc' | 'desc';

/** Where a page ends: the next page starts after `seq`, in `order`. */
export interface AuditCursor {
  readonly seq: number;
  readonly order: AuditOrder;
}

/** Far above any cursor we issue; bounds the work of decoding a hostile one. */
const MAX_CURSOR_LENGTH = 128;

const CursorJson = z.strictObject({
  v: z.literal(1),
  s: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  o: z.enum(['a', 'd']),
});

/**
 * An opaque page token: base64url of a small versioned JSON. Opaque so that
 * clients pass it back rather than build one, versioned so the format can change.
 */
export function encodeAuditCursor(cursor: AuditCursor): string {
  return Buffer.from(JSON.stringify({ v: 1, s: cursor.seq, o: cursor.order === 'asc' ? 'a' : 'd' }), 'utf8').toString('base64url');
}

/** The cursor `text` stands for, or undefined when it is not one this service issued (any shape, any length). */
export function decodeAuditCursor(text: string): AuditCursor | undefined {
  if (text.length === 0 || text.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = CursorJson.safeParse(json);
  if (!parsed.success) return undefined;
  return { seq: parsed.data.s, order: parsed.data.o === 'a' ? 'asc' : 'desc' };
}
