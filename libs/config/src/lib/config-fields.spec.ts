import { z } from 'zod';
import { envJson, recordedFormat } from './config-fields';

describe(envJson.name, () => {
  const field = envJson(z.array(z.strictObject({ id: z.string() })), 'JSON array of {id}');

  it('parses and checks the document', () => {
    expect(field.parse('[{"id":"a"}]')).toEqual([{ id: 'a' }]);
    expect(recordedFormat(field)).toBe('JSON array of {id}');
  });

  it('refuses text that is not JSON with the expected shape, never the value', () => {
    const result = field.safeParse('{secret-looking');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('must be JSON array of {id}');
    expect(JSON.stringify(result.error?.issues)).not.toContain('secret-looking');
  });

  it('refuses JSON of the wrong shape through the schema', () => {
    expect(field.safeParse('[{"id":1}]').success).toBe(false);
    expect(field.safeParse('[{"id":"a","extra":true}]').success).toBe(false);
  });
});
