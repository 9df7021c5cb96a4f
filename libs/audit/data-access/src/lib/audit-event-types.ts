import { ALL_EVENTS } from '@latchkey/contracts';

/** The event names a query may use, each with the CloudEvents types it stands for. */
const TYPES_BY_NAME: ReadonlyMap<string, readonly string[]> = (() => {
  const byName = new Map<string, string[]>();
  const add = (name: string, type: string) => byName.set(name, [...(byName.get(name) ?? []), type]);
  for (const definition of ALL_EVENTS) {
    add(definition.type, definition.type);
    // The topic is the short name (`lat.used`): it names every version of the event.
    add(definition.topic, definition.type);
  }
  return byName;
})();

/** The outcome of {@link resolveAuditEventTypes}. */
export type ResolvedEventTypes =
  | { readonly ok: true; readonly types: readonly string[] }
  | { readonly ok: false; readonly unknown: readonly string[] };

/**
 * The CloudEvents types named by `names`, each either a short name (the
 * topic, `lat.used`: every version) or a full type
 * (`com.latchkey.lat.used.v1`). Any name that is neither is returned as
 * unknown rather than ignored, so a typo cannot silently widen or empty a query.
 */
export function resolveAuditEventTypes(names: readonly string[]): ResolvedEventTypes {
  const unknown = names.filter((name) => !TYPES_BY_NAME.has(name));
  if (unknown.length > 0) return { ok: false, unknown };
  return { ok: true, types: [...new Set(names.flatMap((name) => TYPES_BY_NAME.get(name) ?? []))] };
}

/** Every name {@link resolveAuditEventTypes} accepts, short names first (for documentation and error messages). */
export const AUDIT_EVENT_NAMES: readonly string[] = [...new Set(ALL_EVENTS.map((e) => e.topic)), ...ALL_EVENTS.map((e) => e.type)];
