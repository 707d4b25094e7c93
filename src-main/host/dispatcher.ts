// Transport-independent entry for every contract call: validates the input at the boundary, checks the caller's
// role from the contract table, audits access to personal data, then runs the handler. HTTP and Electron IPC
// both go through here, so neither transport can skip a check.
import { contract, topics, SubscriptionFilterSchema } from '../../src-contract/api.ts';
import type { Contract, MethodName, MethodOutput, SubscriptionFilter, TopicName, TopicPayload } from '../../src-contract/api.ts';
import type { Role } from '../../src-contract/schemas.ts';
import { VigilError, fromZodError } from '../../src-contract/errors.ts';
import type { z } from 'zod';

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
    if (!caller.user) throw new VigilError('UNAUTHENTICATED', 'sign in first');
    if (!roles.includes(caller.user.role)) throw new VigilError('FORBIDDEN', `${caller.user.role} may not call ${method}`);
    if (caller.tokenScopes) {
      const needed = isReadMethod(method) ? 'read' : 'write';
      if (!caller.tokenScopes.includes(needed)) throw new VigilError('FORBIDDEN', `token lacks the "${needed}" scope for ${method}`);
    }
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
    const handler = this.handlers[method] as Handler<typeof method> | undefined;
    if (!handler) throw new VigilError('INTERNAL', `${method} is not available in this build`);
    const audited = spec.personal || !isReadMethod(method);
    let out: unknown;
    try {
      out = await handler(parsed.data as never, caller);
    } catch (err) {
      if (audited) this.audit?.({ caller, method, input: parsed.data, result: 'error', reason: (err as Error).message });
      throw err;
    }
    // Outside the try: if the audit write itself fails, the caller gets that error and not the data.
    if (audited) this.audit?.({ caller, method, input: parsed.data, result: 'success', output: out });
    return out;
  }
}

/** In-process pub/sub for contract topics (the desktop stand-in for Redis pub/sub, spec §9.1.2). */
export type TopicListener<T extends TopicName> = (payload: TopicPayload<T>) => void;

export class TopicBus {
  private readonly listeners = new Map<TopicName, Set<{ filter: SubscriptionFilter; fn: (p: unknown) => void }>>();

  subscribe<T extends TopicName>(topic: T, filter: SubscriptionFilter, fn: TopicListener<T>): () => void {
    const parsed = SubscriptionFilterSchema.parse(filter);
    let set = this.listeners.get(topic);
    if (!set) this.listeners.set(topic, (set = new Set()));
    const entry = { filter: parsed, fn: fn as (p: unknown) => void };
    set.add(entry);
    return () => set.delete(entry);
  }

  publish<T extends TopicName>(topic: T, payload: TopicPayload<T>): void {
    const set = this.listeners.get(topic);
    if (!set) return;
    for (const { filter, fn } of set) {
      const filtered = applyFilter(topic, payload, filter);
      if (filtered !== undefined) fn(filtered);
    }
  }

  rolesFor(topic: TopicName): readonly Role[] {
    return topics[topic].roles;
  }
}

/** Applies spec §9.1.2 filters; returns undefined when nothing is left to deliver. */
export function applyFilter<T extends TopicName>(topic: T, payload: TopicPayload<T>, f: SubscriptionFilter): TopicPayload<T> | undefined {
  const p = payload as Record<string, unknown>;
  const cameraId = (p.camera_id ?? (p.event as { camera_id?: string } | undefined)?.camera_id) as string | undefined;
  if (f.camera_id && cameraId !== undefined && cameraId !== f.camera_id) return undefined;
  if (topic === 'live.frame') {
    const frame = payload as TopicPayload<'live.frame'>;
    if (!f.min_confidence && !f.person_ids) return payload;
    const faces = frame.faces.filter((face) =>
      (f.min_confidence === undefined || face.score >= f.min_confidence) &&
      (!f.person_ids || (face.person_id !== null && f.person_ids.includes(face.person_id))));
    return { ...frame, faces } as TopicPayload<T>;
  }
  const ev = p.event as { confidence?: number | null; person_id?: string | null } | undefined;
  if (ev) {
    if (f.min_confidence !== undefined && (ev.confidence ?? 0) < f.min_confidence) return undefined;
    if (f.person_ids && (!ev.person_id || !f.person_ids.includes(ev.person_id))) return undefined;
  } else if (f.person_ids && typeof p.person_id === 'string' && !f.person_ids.includes(p.person_id)) {
    return undefined;
  }
  return payload;
}
