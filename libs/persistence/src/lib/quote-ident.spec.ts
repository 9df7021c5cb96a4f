import fc from 'fast-check';
import { IDENTIFIER_PATTERN, qualifiedName, quoteIdent } from './quote-ident';

describe(quoteIdent.name, () => {
  it('quotes plain lower-case identifiers', () => {
    expect(quoteIdent('issuer')).toBe('"issuer"');
    expect(quoteIdent('abuse_detector')).toBe('"abuse_detector"');
    expect(quoteIdent(`a${'b'.repeat(62)}`)).toBe(`"a${'b'.repeat(62)}"`);
  });

  it.each([
    ['a quote breaking out', 'x"; DROP TABLE users; --'],
    ['a statement separator', 'issuer;drop'],
    ['a comment', 'issuer--'],
    ['a space', 'issuer x'],
    ['upper case (would need quoting to keep)', 'Issuer'],
    ['a leading digit', '1issuer'],
    ['a leading underscore', '_issuer'],
    ['a hyphen', 'face-api'],
    ['a dot (qualified name)', 'public.users'],
    ['empty', ''],
    ['longer than 63 bytes', `a${'b'.repeat(63)}`],
    ['a NUL byte', 'issuer\u0000'],
    ['a trailing newline', 'issuer\n'],
    ['a look-alike letter', 'іssuer'],
  ])('rejects %s', (_, name) => {
    expect(() => quoteIdent(name)).toThrow(expect.objectContaining({ code: 'PERSISTENCE.INVALID_IDENTIFIER' }));
  });

  it('accepts exactly the identifiers of the pattern, and their quoted form cannot contain a quote', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 70, unit: 'binary' }), (name) => {
        if (IDENTIFIER_PATTERN.test(name)) {
          const quoted = quoteIdent(name);
          expect(quoted).toBe(`"${name}"`);
          expect(quoted.slice(1, -1)).not.toMatch(/["\\\s;]/);
        } else {
          expect(() => quoteIdent(name)).toThrow();
        }
      }),
    );
  });

  it('accepts generated valid identifiers', () => {
    const identifier = fc.stringMatching(/^[a-z][a-z0-9_]{0,62}$/);
    fc.assert(fc.property(identifier, (name) => quoteIdent(name) === `"${name}"`));
  });
});

describe(qualifiedName.name, () => {
  it('qualifies a table with its schema, allowing a leading underscore in the table only', () => {
    expect(qualifiedName('issuer', 'outbox')).toBe('"issuer"."outbox"');
    expect(qualifiedName('issuer', '__drizzle_migrations')).toBe('"issuer"."__drizzle_migrations"');
    expect(() => qualifiedName('_issuer', 'outbox')).toThrow();
    expect(() => qualifiedName('issuer', 'outbox" x')).toThrow();
  });
});
