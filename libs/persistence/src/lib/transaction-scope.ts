import { AsyncLocalStorage } from 'node:async_hooks';
import { PersistenceError } from './persistence.errors';

interface ScopeState {
  active: boolean;
}

/**
 * Knows whether the current async context is inside a transaction callback
 * of one database instance, to turn the re-entrancy deadlock (see
 * `Database`) into an immediate error. The flag is cleared when the
 * transaction settles, so work merely *started* in the callback and run
 * after it is not refused.
 */
export class TransactionScope {
  private readonly storage = new AsyncLocalStorage<ScopeState>();

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const state: ScopeState = { active: true };
    try {
      // `await fn()` inside the context: drizzle queries are lazy thenables that
      // start when awaited, so a callback returning one un-awaited must still
      // be awaited within the transaction's context.
      return await this.storage.run(state, async () => await fn());
    } finally {
      state.active = false;
    }
  }

  assertOutside(operation: string): void {
    if (this.storage.getStore()?.active) {
      throw new PersistenceError(
        'PERSISTENCE.OUTER_HANDLE_IN_TRANSACTION',
        `${operation} on the database handle inside one of its transactions; use the tx handle`,
        { operation },
      );
    }
  }
}

/**
 * A view of `target` whose listed methods run `check` first. Methods are
 * bound to the real object (PGlite uses private fields, which a Proxy
 * receiver cannot reach); prototype and `instanceof` are the target's, which
 * drizzle relies on to tell a pg Pool from a client.
 */
export function guardMethods<T extends object>(target: T, methods: readonly string[], check: () => void): T {
  return new Proxy(target, {
    get(t, property) {
      const value: unknown = Reflect.get(t, property, t);
      if (typeof value !== 'function') return value;
      const bound = (value as (...args: unknown[]) => unknown).bind(t);
      if (typeof property !== 'string' || !methods.includes(property)) return bound;
      return (...args: unknown[]) => {
        check();
        return bound(...args);
      };
    },
  });
}
