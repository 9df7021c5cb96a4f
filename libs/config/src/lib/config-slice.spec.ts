import { z } from 'zod';
import { defineConfigSlice, pickConfigSlice } from './config-slice';
import { envString } from './config-fields';
import { loadConfig } from './load-config';

describe(defineConfigSlice.name, () => {
  it('rejects a field without a description', () => {
    expect(() => defineConfigSlice('bad', { LATCHKEY_BAD_NAME: envString() })).toThrow(/needs a \.describe/);
  });

  it('accepts a description on any wrapper of the field', () => {
    expect(() =>
      defineConfigSlice('wrapped', { LATCHKEY_WRAPPED_NAME: z.string().describe('inner').optional() }),
    ).not.toThrow();
  });

  it('rejects a key that is not an UPPER_SNAKE_CASE variable name', () => {
    expect(() => defineConfigSlice('bad', { latchkeyName: envString().describe('x') })).toThrow(/UPPER_SNAKE_CASE/);
  });

  it('gives every slice its own token, even under the same name', () => {
    const shape = { LATCHKEY_X_NAME: envString().describe('x') };
    expect(defineConfigSlice('same', shape).token).not.toBe(defineConfigSlice('same', shape).token);
  });
});

describe(pickConfigSlice.name, () => {
  it('validates only the picked variables', () => {
    const slice = defineConfigSlice('full', {
      LATCHKEY_FULL_A: envString().describe('a'),
      LATCHKEY_FULL_B: envString().describe('b'),
    });
    expect(loadConfig(pickConfigSlice(slice, ['LATCHKEY_FULL_B']), { LATCHKEY_FULL_B: 'b' })).toEqual({ LATCHKEY_FULL_B: 'b' });
  });
});
