import { z } from 'zod';
import { fieldDescription, schemaLayers, type ConfigSlice } from './config-slice';
import { recordedFormat } from './config-fields';

/**
 * Renders the markdown table of docs/CONFIG.md: one row per variable, in the
 * order of `slices` and of each shape. A variable declared by two different
 * slices is a design error (one owner per variable) and throws.
 */
export function renderConfigDocs(slices: readonly ConfigSlice[]): string {
  const owners = new Map<string, string>();
  const rows = [...new Set(slices)].flatMap((slice) =>
    Object.entries(slice.shape).map(([variable, schema]) => {
      const owner = owners.get(variable);
      if (owner !== undefined) {
        throw new Error(`${variable} is declared by both the "${owner}" and "${slice.name}" config slices`);
      }
      owners.set(variable, slice.name);
      return [`\`${variable}\``, formatOf(schema), defaultOf(schema), fieldDescription(schema) ?? '', slice.name];
    }),
  );
  const header = ['Variable', 'Type / format', 'Default', 'Description', 'Slice'];
  return [header, header.map(() => '---'), ...rows.map((row) => row.map(cell))]
    .map((row) => `| ${row.join(' | ')} |`)
    .join('\n')
    .concat('\n');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function formatOf(schema: z.ZodType): string {
  for (const layer of schemaLayers(schema)) {
    const format = recordedFormat(layer);
    if (format !== undefined) return format;
  }
  const inner = [...schemaLayers(schema)].pop() ?? schema;
  if (inner instanceof z.ZodEnum) return inner.options.join(' | ');
  return inner.def.type;
}

/** A list of plain values as the variable spells it (comma-separated); anything structured as JSON. */
function renderDefault(value: unknown): string {
  if (Array.isArray(value) && value.every((item) => typeof item !== 'object')) return value.join(',');
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

function defaultOf(schema: z.ZodType): string {
  for (const layer of schemaLayers(schema)) {
    if (layer instanceof z.ZodDefault) {
      const value: unknown = layer.def.defaultValue;
      return `\`${renderDefault(value)}\``;
    }
    if (layer instanceof z.ZodOptional) return '*unset*';
  }
  return '*required*';
}
