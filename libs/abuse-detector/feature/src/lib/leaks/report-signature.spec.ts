import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { KEY_ID_HEADER, SIGNATURE_HEADER, verifyReportSignature, type ReportHeaders } from './report-signature';
import { DisabledReporterKeys, parseReporterKeys, StaticReporterKeys } from './reporter-keys';

function keyPair(): { publicPem: string; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKey };
}

const reporter = keyPair();
const stranger = keyPair();
const KEY_ID = 'bcb53661c06b4728e59d897fb6165d5c9cda0fd9cdf9d09ead458168deb7518c';
const keys = new StaticReporterKeys(
  parseReporterKeys(JSON.stringify({ public_keys: [{ key_identifier: KEY_ID, key: reporter.publicPem, is_current: true }] })),
);
const body = Buffer.from('[{"source":"commit","token":"some_token","type":"some_type","url":"https://example.com/base-repo-url/"}]');

const signed = (payload: Buffer, privateKey: KeyObject = reporter.privateKey) =>
  sign('sha256', payload, { key: privateKey, dsaEncoding: 'der' }).toString('base64');
const headers = (signature: string, keyId = KEY_ID): ReportHeaders => ({ [KEY_ID_HEADER]: keyId, [SIGNATURE_HEADER]: signature });
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'verified',
    (error: { code?: string }) => error.code,
  );

describe(verifyReportSignature.name, () => {
  it('accepts the reporter’s DER signature of the exact body and names its key', async () => {
    await expect(verifyReportSignature(body, headers(signed(body)), keys)).resolves.toBe(KEY_ID);
  });

  it('refuses a signature made with another key', async () => {
    expect(await codeOf(verifyReportSignature(body, headers(signed(body, stranger.privateKey)), keys))).toBe('ABUSE.LEAK_SIGNATURE_INVALID');
  });

  it('refuses a key identifier the reporter does not publish', async () => {
    expect(await codeOf(verifyReportSignature(body, headers(signed(body), 'not-a-published-key'), keys))).toBe('ABUSE.LEAK_KEY_UNKNOWN');
  });

  it('refuses a body changed after signing, even by one byte of whitespace', async () => {
    const signature = signed(body);
    const tampered = Buffer.from(body.toString('utf8').replace('some_token', 'other_token'));
    const respaced = Buffer.from(`${body.toString('utf8')}\n`);
    expect(await codeOf(verifyReportSignature(tampered, headers(signature), keys))).toBe('ABUSE.LEAK_SIGNATURE_INVALID');
    expect(await codeOf(verifyReportSignature(respaced, headers(signature), keys))).toBe('ABUSE.LEAK_SIGNATURE_INVALID');
  });

  it('refuses a signature that is not DER in base64 (raw r||s, garbage, too long)', async () => {
    const raw = sign('sha256', body, { key: reporter.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64');
    for (const signature of [raw, 'not base64!', 'A'.repeat(400)]) {
      expect({ signature, code: await codeOf(verifyReportSignature(body, headers(signature), keys)) }).toEqual({
        signature,
        code: 'ABUSE.LEAK_SIGNATURE_INVALID',
      });
    }
  });

  it.each([
    ['no headers', {}],
    ['no signature', { [KEY_ID_HEADER]: KEY_ID }],
    ['no key identifier', { [SIGNATURE_HEADER]: 'MEQCIA==' }],
    ['an empty signature', { [KEY_ID_HEADER]: KEY_ID, [SIGNATURE_HEADER]: '' }],
    ['a repeated signature header', { [KEY_ID_HEADER]: KEY_ID, [SIGNATURE_HEADER]: ['MEQCIA==', 'MEQCIA=='] }],
  ] as const)('refuses a report with %s as unsigned', async (_, given) => {
    expect(await codeOf(verifyReportSignature(body, given, keys))).toBe('ABUSE.LEAK_SIGNATURE_MISSING');
  });

  it('refuses every signed report while no reporter keys are configured', async () => {
    expect(await codeOf(verifyReportSignature(body, headers(signed(body)), new DisabledReporterKeys()))).toBe('ABUSE.LEAK_INTAKE_DISABLED');
  });
});

describe(parseReporterKeys.name, () => {
  it('refuses a key that is not ECDSA P-256, naming the key but not its bytes', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => parseReporterKeys(JSON.stringify({ public_keys: [{ key_identifier: 'k384', key: pem }] }))).toThrow(
      'reporter key k384 is not an ECDSA P-256 key',
    );
  });

  it('refuses a document that is not the format', () => {
    expect(() => parseReporterKeys('{"keys": []}')).toThrow('not { public_keys');
    expect(() => parseReporterKeys('[')).toThrow('not JSON');
  });
});
