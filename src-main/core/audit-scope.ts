// The audit row of a change must commit in the same transaction as the change (if the audit insert fails, the
// change rolls back). The Dispatcher opens a scope per audited call; the code that commits the change calls
// `commitAudit(output)` inside its transaction — the store's write queue does it for every queued write, and
// handlers that write directly (accounts, tokens) do it in their own transaction. A call whose handler never
// committed inside a scope is audited after it returns, as before.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface AuditScope {
  /** Writes the success row now (inside the caller's open transaction). Idempotent per call. */
  commit(output: unknown): void;
  readonly done: boolean;
}

const scopes = new AsyncLocalStorage<AuditScope>();

export function runInAuditScope<T>(scope: AuditScope, fn: () => T): T {
  return scopes.run(scope, fn);
}

/** The scope of the contract call running now, if any (captured at the time a write is queued). */
export function currentAuditScope(): AuditScope | undefined {
  return scopes.getStore();
}

/** Records the running call's audit row inside the current transaction (no-op outside a scope). */
export function commitAudit(output: unknown): void {
  scopes.getStore()?.commit(output);
}
