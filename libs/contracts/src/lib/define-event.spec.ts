import { z } from 'zod';
import { defineEvent } from './define-event';
import { Topics } from './topics';

const data = z.object({ id: z.string() });
const define = (type: string) =>
  defineEvent({ type, topic: Topics.LatIssued, data, key: (d) => d.id, subject: (d) => d.id });

describe(defineEvent.name, () => {
  it.each([
    ['the namespace is not com.latchkey', 'com.example.lat.issued.v1'],
    ['the version is missing', 'com.latchkey.lat.issued'],
    ['the version is v0', 'com.latchkey.lat.issued.v0'],
    ['there is no name after the area', 'com.latchkey.lat.v1'],
    ['a segment has upper case', 'com.latchkey.lat.Issued.v1'],
    ['a segment has an underscore', 'com.latchkey.lat.issue_denied.v1'],
    ['the version is not at the end', 'com.latchkey.lat.v1.issued'],
    ['the type is empty', ''],
    ['the type is longer than an envelope allows', `com.latchkey.${'a'.repeat(120)}.b.v1`],
  ])('rejects the type when %s', (_why, type) => {
    expect(() => define(type)).toThrow(/is not com\.latchkey/);
  });

  it.each(['com.latchkey.lat.issued.v1', 'com.latchkey.lat.issue-denied.v12', 'com.latchkey.a.b.c.v2'])(
    'accepts %s',
    (type) => {
      expect(define(type).type).toBe(type);
    },
  );

  it('freezes the definition so a contract cannot be changed at run time', () => {
    const definition = define('com.latchkey.lat.issued.v1');
    expect(Object.isFrozen(definition)).toBe(true);
  });
});
