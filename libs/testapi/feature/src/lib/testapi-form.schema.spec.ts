import { MAX_FORM_FIELDS, TestapiForm } from './testapi-form.schema';

describe('TestapiForm', () => {
  it('takes the seed example’s form, repeated fields as arrays', () => {
    expect(TestapiForm.parse({ name: 'John', role: ['admin', 'reader'] })).toEqual({ name: 'John', role: ['admin', 'reader'] });
  });

  it('refuses more fields than a sample needs, and oversized values', () => {
    const tooMany = Object.fromEntries(Array.from({ length: MAX_FORM_FIELDS + 1 }, (_, i) => [`f${i}`, 'x']));
    expect(TestapiForm.safeParse(tooMany).success).toBe(false);
    expect(TestapiForm.safeParse({ name: 'x'.repeat(4097) }).success).toBe(false);
    expect(TestapiForm.safeParse({ name: Array.from({ length: 17 }, () => 'x') }).success).toBe(false);
    expect(TestapiForm.safeParse({ name: 42 }).success).toBe(false);
  });
});
