import { z } from 'zod';

/** The most fields a form may hold: a sample, not a store. */
export const MAX_FORM_FIELDS = 64;

/**
 * `POST /testapi`'s body as libs/http parses `application/x-www-form-urlencoded`
 * (a repeated field is an array), bounded; no body is an empty form.
 */
export const TestapiForm = z
  .record(z.string().max(128), z.union([z.string().max(4096), z.array(z.string().max(4096)).max(16)]))
  .refine((form) => Object.keys(form).length <= MAX_FORM_FIELDS, { message: `at most ${MAX_FORM_FIELDS} fields` });

/** A parsed {@link TestapiForm}. */
export type TestapiFormFields = z.output<typeof TestapiForm>;
