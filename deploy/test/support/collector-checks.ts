import { list, record } from './deploy-files';

/** The headers that carry credentials: never captured into telemetry (issue 9, libs/telemetry README). */
export const SENSITIVE_HEADERS = ['authorization', 'limitedaccesstoken', 'ocp-apim-subscription-key'] as const;

// A header name as configuration may spell it: any case, `-` or `_` between the words.
const SENSITIVE_HEADER = /authorization|limitedaccesstoken|ocp[-_]apim[-_]subscription[-_]key/i;

const SECTIONS = { receivers: 'receiver', processors: 'processor', exporters: 'exporter' } as const;

/** Pipeline references to components the configuration does not define, and empty pipelines. */
export function pipelineProblems(config: unknown): string[] {
  const root = record(config);
  const service = record(root['service']);
  const pipelines = record(service['pipelines']);
  const problems: string[] = [];
  if (Object.keys(pipelines).length === 0) problems.push('service.pipelines is empty');
  for (const [name, pipeline] of Object.entries(pipelines)) {
    for (const [section, kind] of Object.entries(SECTIONS)) {
      const defined = record(root[section]);
      const used = list(record(pipeline)[section]);
      if (section !== 'processors' && used.length === 0) problems.push(`pipeline ${name} has no ${section}`);
      for (const component of used) {
        if (typeof component !== 'string' || !Object.hasOwn(defined, component))
          problems.push(`pipeline ${name} uses undefined ${kind} ${String(component)}`);
      }
    }
  }
  const extensions = record(root['extensions']);
  for (const extension of list(service['extensions'])) {
    if (typeof extension !== 'string' || !Object.hasOwn(extensions, extension))
      problems.push(`service uses undefined extension ${String(extension)}`);
  }
  return problems;
}

/** Whether a path into the configuration is a `delete` action of an attributes processor. */
function isDeleteAction(config: Record<string, unknown>, path: readonly (string | number)[]): boolean {
  const [section, processor, actions, index] = path;
  if (section !== 'processors' || typeof processor !== 'string' || actions !== 'actions' || typeof index !== 'number') return false;
  if (processor.split('/')[0] !== 'attributes') return false;
  const action = record(list(record(record(config['processors'])[processor])['actions'])[index]);
  return action['action'] === 'delete' && path.length === 5 && (path[4] === 'key' || path[4] === 'pattern');
}

/**
 * Every place that names a credential header (as a key or a value) other than
 * an attributes processor's `delete` action: a capture list, a `from_context`
 * copy, an insert. Also receivers that copy request metadata into the
 * pipeline (`include_metadata`), which would let a processor read headers.
 */
export function headerCaptureProblems(config: unknown): string[] {
  const root = record(config);
  const problems: string[] = [];
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (Array.isArray(node)) node.forEach((item, i) => walk(item, [...path, i]));
    else if (typeof node === 'object' && node !== null) {
      for (const [key, value] of Object.entries(node)) {
        if (SENSITIVE_HEADER.test(key)) problems.push(`${[...path, key].join('.')} names a credential header`);
        if (key === 'include_metadata' && value === true) problems.push(`${[...path, key].join('.')} copies request headers into the pipeline`);
        walk(value, [...path, key]);
      }
    } else if (typeof node === 'string' && SENSITIVE_HEADER.test(node) && !isDeleteAction(root, path)) {
      problems.push(`${path.join('.')} names a credential header outside a delete action: ${node}`);
    }
  };
  walk(root, []);
  return problems;
}

/** A Go RE2 pattern as a JavaScript RegExp (the collector's patterns use only the leading `(?i)` flag beyond JS syntax). */
export function goPattern(pattern: string): RegExp {
  return pattern.startsWith('(?i)') ? new RegExp(pattern.slice(4), 'i') : new RegExp(pattern);
}

/** Whether the attributes processors of a pipeline delete an attribute of this name. */
export function deletesAttribute(config: unknown, pipeline: string, attribute: string): boolean {
  const root = record(config);
  const processors = list(record(record(record(root['service'])['pipelines'])[pipeline])['processors']);
  return processors.some((name) => {
    if (typeof name !== 'string' || name.split('/')[0] !== 'attributes') return false;
    return list(record(record(root['processors'])[name])['actions'])
      .map(record)
      .filter((action) => action['action'] === 'delete')
      .some((action) =>
        typeof action['key'] === 'string'
          ? action['key'] === attribute
          : typeof action['pattern'] === 'string' && goPattern(action['pattern']).test(attribute),
      );
  });
}
