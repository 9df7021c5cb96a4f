import { hasNonUtf8Charset, mediaTypeOf } from './content-type';

describe(mediaTypeOf.name, () => {
  it('keeps the type and subtype, lower-cased, without parameters', () => {
    expect(mediaTypeOf(' Application/JSON ; charset=utf-8')).toBe('application/json');
    expect(mediaTypeOf('text/plain')).toBe('text/plain');
    expect(mediaTypeOf(undefined)).toBeUndefined();
  });
});

describe(hasNonUtf8Charset.name, () => {
  it.each([
    ['no content type', undefined],
    ['no parameter', 'application/json'],
    ['utf-8', 'application/json; charset=utf-8'],
    ['UTF-8 in capitals, no space', 'application/json;charset=UTF-8'],
    ['a quoted utf-8', 'application/json; charset="utf-8"'],
    ['an escaped character in the quotes', 'application/json; charset="utf\\-8"'],
    ['another label of UTF-8 (WHATWG Encoding)', 'application/json; charset=utf8'],
    ['utf-8 beside other parameters', 'application/x-www-form-urlencoded; foo=bar; Charset=Utf-8; q="a;b"'],
    ['a parameter without a value', 'application/json; charset'],
  ])('accepts %s', (_what, contentType) => {
    expect(hasNonUtf8Charset(contentType)).toBe(false);
  });

  it.each([
    ['utf-16', 'application/json; charset=utf-16'],
    ['UTF-16LE in capitals', 'application/json; charset=UTF-16LE'],
    ['a quoted iso-8859-1', 'application/x-www-form-urlencoded; charset="iso-8859-1"'],
    ['us-ascii (not a label of UTF-8)', 'application/json; charset=us-ascii'],
    ['an empty charset', 'application/json; charset='],
    ['spaces around the equals sign', 'application/json; charset = utf-16'],
    ['an unclosed quote', 'application/json; charset="utf-8'],
    ['a second charset after a UTF-8 one', 'application/json; charset=utf-8; charset=utf-16'],
    ['a charset after a quoted value holding a semicolon', 'application/json; q="a;charset=utf-8"; charset=utf-32'],
  ])('refuses %s', (_what, contentType) => {
    expect(hasNonUtf8Charset(contentType)).toBe(true);
  });
});
