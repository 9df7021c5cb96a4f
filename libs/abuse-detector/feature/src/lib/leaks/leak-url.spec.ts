import { generateApiKey, generateSigningKey, signLimitedAccessToken } from '@latchkey/tokens';
import { describeUrl } from './leak-url';

const RESOURCE = '/subscriptions/dc4d27d9-ea49-4921-938f-7782a774e151/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/face';

async function aToken(): Promise<string> {
  const key = await generateSigningKey('ES256');
  return (
    await signLimitedAccessToken(
      { issuer: 'https://sts.test', isvId: 'isv-a', resourceId: RESOURCE, features: ['Face.Verification'], lifetimeSeconds: 600, now: new Date() },
      key,
    )
  ).token;
}

describe(describeUrl.name, () => {
  it.each([
    ['verbatim', (t: string) => `https://gist.example/raw?t=${t}`],
    ['with its dots percent-encoded', (t: string) => `https://gist.example/${t.replaceAll('.', '%2E')}`],
    ['fully percent-encoded twice', (t: string) => `https://gist.example/${encodeURIComponent(encodeURIComponent(t).replaceAll('.', '%2E'))}`],
    ['beside a malformed escape', (t: string) => `https://gist.example/%E0%A4%A/${t.replaceAll('.', '%2e')}`],
    // A stray % or a Latin-1 escape once left the whole URL undecoded, and an encoded token whole.
    [
      'with one character encoded, beside a stray %',
      (t: string) => `https://github.com/x/y/blob/main/100%-done.txt?a=%${t.charCodeAt(0).toString(16)}${t.slice(1)}`,
    ],
    [
      'fully encoded, beside a Latin-1 escape',
      (t: string) => `https://gist.example/caf%E9.txt?t=${[...t].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('')}`,
    ],
  ])('never carries the reported token %s', async (_how, spell) => {
    const token = await aToken();
    const described = describeUrl(spell(token), token);
    for (const part of token.split('.')) expect(described).not.toContain(part);
    expect(described).toMatch(/\[token\]|\[redacted:jwt\]/);
  });

  it('hides another token of the same report and a key in the URL too', async () => {
    const [reported, other] = [await aToken(), await aToken()];
    const key = generateApiKey('isv');
    const described = describeUrl(`https://paste.example/${reported}/${other}?k=${key}`, reported);
    expect(described).toBe('https://paste.example/[token]/[redacted:jwt]?k=[redacted:api-key]');
  });

  it('keeps an ordinary URL readable, and says when there is none', () => {
    expect(describeUrl('https://github.com/acme/app/blob/main/.env#L3', 'x.y.z')).toBe('https://github.com/acme/app/blob/main/.env#L3');
    expect(describeUrl('', 'x.y.z')).toBe('(no URL given)');
  });
});
