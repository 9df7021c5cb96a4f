import fc from 'fast-check';
import { decodeBase64urlStrict } from './base64url';

describe(decodeBase64urlStrict.name, () => {
  it('decodes the canonical spelling of any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = Buffer.from(bytes).toString('base64url');
        expect(decodeBase64urlStrict(text)).toEqual(Buffer.from(bytes));
      }),
    );
  });

  it('rejects a last character whose unused bits are set, which Node would decode to the same bytes', () => {
    const canonical = Buffer.from([0xff]).toString('base64url'); // '_w': the last character carries 4 unused bits
    const variant = '_x';
    expect(Buffer.from(variant, 'base64url')).toEqual(Buffer.from(canonical, 'base64url'));
    expect(decodeBase64urlStrict(canonical)).toEqual(Buffer.from([0xff]));
    expect(decodeBase64urlStrict(variant)).toBeUndefined();
  });

  it.each(['ab+c', 'ab/c', 'abc=', 'ab c', 'ab.c', 'abé'])('rejects %j, which is not unpadded base64url', (text) => {
    expect(decodeBase64urlStrict(text)).toBeUndefined();
  });
});
