import { verify } from 'node:crypto';
import { LeakIntakeError } from './leak-intake.errors';
import type { ReporterKeys } from './reporter-keys';

/** The header naming the reporter key that signed the body (GitHub's secret scanning partner program). */
export const KEY_ID_HEADER = 'github-public-key-identifier';
/** The header carrying the ECDSA P-256 / SHA-256 signature of the raw body: DER, in standard base64. */
export const SIGNATURE_HEADER = 'github-public-key-signature';

/** A DER ECDSA P-256 signature is at most 72 bytes, 96 characters of base64; anything much longer is not one. */
const MAX_SIGNATURE_CHARS = 200;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Request headers as Fastify gives them: a repeated header is an array. */
export type ReportHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

function single(headers: ReportHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * Verifies that `rawBody` (the exact bytes received) was signed by the
 * reporter key its headers name; returns that key identifier. A repeated
 * header counts as missing: which one was meant is ambiguous.
 *
 * @throws LeakIntakeError `ABUSE.LEAK_SIGNATURE_MISSING`, `ABUSE.LEAK_KEY_UNKNOWN`, `ABUSE.LEAK_SIGNATURE_INVALID`,
 *   or `ABUSE.LEAK_VERIFICATION_UNAVAILABLE` from the key source
 */
export async function verifyReportSignature(rawBody: Buffer, headers: ReportHeaders, keys: ReporterKeys): Promise<string> {
  const keyId = single(headers, KEY_ID_HEADER);
  const signature = single(headers, SIGNATURE_HEADER);
  if (keyId === undefined || signature === undefined) {
    throw new LeakIntakeError('ABUSE.LEAK_SIGNATURE_MISSING', `The report must carry the ${KEY_ID_HEADER} and ${SIGNATURE_HEADER} headers.`);
  }
  if (keyId.length > 256) throw new LeakIntakeError('ABUSE.LEAK_KEY_UNKNOWN', 'The report names a key the reporter does not publish.');
  const key = await keys.find(keyId);
  if (key === undefined) {
    throw new LeakIntakeError('ABUSE.LEAK_KEY_UNKNOWN', 'The report names a key the reporter does not publish.', { keyId });
  }
  const invalid = new LeakIntakeError('ABUSE.LEAK_SIGNATURE_INVALID', 'The report’s signature does not verify.', { keyId });
  if (signature.length > MAX_SIGNATURE_CHARS || !BASE64.test(signature)) throw invalid;
  let valid: boolean;
  try {
    valid = verify('sha256', rawBody, { key, dsaEncoding: 'der' }, Buffer.from(signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) throw invalid;
  return keyId;
}
