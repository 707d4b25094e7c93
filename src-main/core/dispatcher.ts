// Transport-independent entry for every contract call: validates the input at the boundary, checks the caller's
// role from the contract table, audits access to personal data, then runs the handler. HTTP and Electron IPC
// both go through here, so neither transport can skip a check.
import { contract } from '../../src-contract/api.ts';
import type { Contract, MethodName, MethodOutput } from '../../src-contract/api.ts';
import type { Role } from '../../src-contract/schemas.ts';
import { VigilError, fromZodError } from '../../src-contract/errors.ts';
import type { z } from 'zod';
import { requireAccess, requireMethodScope } from './access.ts';
import { runInAuditScope } from './audit-scope.ts';

export interface Caller {
  user: { id: string; username: string; role: Role } | null;
  /** API-token scopes when the call came with a token instead of a console session. */
  tokenScopes?: ReadonlyArray<'read' | 'write' | 'frames'>;
  /** Id of that API token (async frame jobs belong to the token, not to every token of the same admin). */
  tokenId?: string;
  /** Where the call came from (ip, "ipc", "cli"), for the audit trail. */
  origin: string;
  sessionId?: string;
}

export type Handler<M extends MethodName> = (input: z.output<Contract[M]['input']>, caller: Caller) => Promise<MethodOutput<M>> | MethodOutput<M>;
export type Handlers = { [M in MethodName]?: Handler<M> };

/** Hook the audit module installs: called for every personal-data call, every call that changes something
 * (any method that is not a read), and every denial. `output` is the handler's result on success (the audit
 * record of "viewed detection X" names the person the detection showed). */
export type AuditHook = (entry: { caller: Caller; method: MethodName; input: unknown; result: 'success' | 'denied' | 'error'; reason?: string; output?: unknown }) => void;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

/** Methods that only read (for token scope checks). */
const READ_PREFIXES = ['.list', '.get', '.status', '.latest', '.day', '.range', '.statistics', '.verify'];
export function isReadMethod(method: MethodName): boolean {
  return READ_PREFIXES.some((suffix) => method.endsWith(suffix));
}

export class Dispatcher {
  private readonly handlers: Handlers = {};
  private audit: AuditHook | null = null;

  register(handlers: Handlers): void {
    for (const [name, fn] of Object.entries(handlers)) {
      if (!isMethodName(name)) throw new Error(`no contract method named ${name}`);
      if ((this.handlers as Record<string, unknown>)[name]) throw new Error(`handler for ${name} registered twice`);
      (this.handlers as Record<string, unknown>)[name] = fn;
    }
  }

  setAuditHook(hook: AuditHook): void {
    this.audit = hook;
  }

  /** Methods of the contract that have no handler yet (the host checks this at start-up). */
  missing(): MethodName[] {
    return (Object.keys(contract) as MethodName[]).filter((m) => !this.handlers[m]);
  }

  authorize(method: MethodName, caller: Caller): void {
    const roles = contract[method].roles as readonly Role[] | null;
    if (roles === null) return;
    requireAccess(caller, roles, `call ${method}`, isReadMethod(method) ? 'read' : 'write');
    requireMethodScope(caller, method);
  }

  async dispatch(method: string, rawInput: unknown, caller: Caller): Promise<unknown> {
    if (!isMethodName(method)) throw new VigilError('NOT_FOUND', `unknown method ${String(method).slice(0, 80)}`);
    const spec = contract[method];
    try {
      this.authorize(method, caller);
    } catch (err) {
      if (caller.user) this.audit?.({ caller, method, input: undefined, result: 'denied', reason: (err as Error).message });
      throw err;
    }
    const parsed = spec.input.safeParse(rawInput ?? {});
    if (!parsed.success) throw fromZodError(parsed.error);
    // Unknown keys are refused, not dropped: a misspelt patch field must not answer 200 and be audited as a change.
    const unknown = unknownKeys(rawInput ?? {}, parsed.data);
    if (unknown.length > 0) {
      throw new VigilError('INVALID_REQUEST', `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}`, { field: unknown[0], details: { unknown_keys: unknown } });
    }
    const handler = this.handlers[method] as Handler<typeof method> | undefined;
    if (!handler) throw new VigilError('INTERNAL', `${method} is not available in this build`);
    const audited = spec.personal || !isReadMethod(method);
    if (!audited) return handler(parsed.data as never, caller);
    // The success row is written inside the transaction that commits the change (see audit-scope.ts), so a
    // failing audit insert rolls the change back; handlers that never commit in the scope are audited after.
    let done = false;
    // Work the handler started (a camera's pipeline, timers) inherits the async context: once the call has
    // returned, its scope is closed, so such later writes never carry this call's audit row.
    let closed = false;
    const scope = {
      get done() { return done || closed; },
      commit: (output: unknown) => {
        if (done || closed) return;
        this.audit?.({ caller, method, input: parsed.data, result: 'success', output: normaliseOutput(output) });
        done = true;
      },
    };
    let out: unknown;
    try {
      // persons.enrolBulk writes one audit row per person from its final output: audited after it returns.
      out = method === 'persons.enrolBulk' ? await handler(parsed.data as never, caller) : await runInAuditScope(scope, () => handler(parsed.data as never, caller));
      closed = true;
    } catch (err) {
      closed = true;
      try {
        this.audit?.({ caller, method, input: parsed.data, result: 'error', reason: (err as Error).message });
      } catch {
        /* the audit store itself failed: the caller gets the original error */
      }
      throw err;
    }
    // Outside the try: if the audit write itself fails, the caller gets that error and not the data.
    if (!done) this.audit?.({ caller, method, input: parsed.data, result: 'success', output: out });
    return out;
  }
}

/** What a write returned, in the shape the audit hook reads (`id` of what was created): repository records name it
 *  `id` or carry it in `config.id` (cameras). */
function normaliseOutput(output: unknown): unknown {
  if (!output || typeof output !== 'object') return output;
  const o = output as { id?: unknown; config?: { id?: unknown } };
  return o.id === undefined && o.config?.id !== undefined ? { ...o, id: o.config.id } : output;
}

/**
 * Keys of the raw input that the schema dropped (zod strips keys an object schema does not declare): found by
 * walking the raw input beside the parsed value, so every schema of the contract is strict without rewriting it.
 * Defaults may add keys (fine); records keep theirs; transformed values are not walked.
 */
export function unknownKeys(raw: unknown, parsed: unknown, path = '', out: string[] = []): string[] {
  if (out.length >= 20) return out;
  if (Array.isArray(raw) && Array.isArray(parsed)) {
    raw.forEach((r, i) => unknownKeys(r, parsed[i], `${path}[${i}]`, out));
    return out;
  }
  const plain = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
  if (!plain(raw) || !plain(parsed)) return out;
  for (const [k, v] of Object.entries(raw)) {
    const at = path ? `${path}.${k}` : k;
    if (v !== undefined && !Object.prototype.hasOwnProperty.call(parsed, k)) out.push(at);
    else unknownKeys(v, parsed[k], at, out);
  }
  return out;
}
