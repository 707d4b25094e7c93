// The contract over Electron IPC. One invoke channel per contract method is registered — the allowlist is the
// contract itself — and every call passes three gates before the host sees it: the sender is one of our windows
// showing an app:// page, there is exactly one argument, and it parses with the method's zod input schema.
// Results travel as the BridgeResult envelope because ipcRenderer.invoke flattens thrown errors to a string.
import { contract } from '../../src-contract/api.ts';
import type { MethodName } from '../../src-contract/api.ts';
import type { BridgeResult } from '../../src-contract/bridge.ts';
import { fromZodError } from '../../src-contract/errors.ts';
import type { ContractDispatcher } from './desktop-host.ts';
import { toErrorBody } from './error-body.ts';
import { rpcChannel } from './ipc-channels.ts';
import type { IpcEventLike, SenderGuard } from './sender-guard.ts';
import type { ShellLog } from './shell-log.ts';

/** The two ipcMain functions the router uses (Electron's `ipcMain.handle` / `ipcMain.removeHandler` fit). */
export interface IpcHandleRegistry {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => Promise<BridgeResult>): void;
  removeHandler(channel: string): void;
}

/** Methods whose result carries a session token: the token stays in main, the window is bound by its session id. */
const TOKEN_METHODS: ReadonlySet<MethodName> = new Set(['auth.login', 'auth.setup']);
/** Methods after which the caller's rights may differ. */
const SESSION_CHANGING: ReadonlySet<MethodName> = new Set(['auth.login', 'auth.setup', 'auth.logout']);

export const contractMethods = (): MethodName[] => Object.keys(contract) as MethodName[];

export interface IpcRouterOptions {
  ipc: IpcHandleRegistry;
  guard: SenderGuard;
  host: ContractDispatcher;
  log: ShellLog;
  /** Called after a window's session changed (login, setup, logout) so its live subscriptions are re-checked. */
  onSessionChanged?: (webContentsId: number) => void;
}

export class IpcRouter {
  readonly channels: readonly string[];
  readonly #opts: IpcRouterOptions;

  constructor(opts: IpcRouterOptions) {
    this.#opts = opts;
    const methods = contractMethods();
    this.channels = methods.map(rpcChannel);
    for (const method of methods) {
      opts.ipc.handle(rpcChannel(method), (event, ...args) => this.invoke(method, event, args));
    }
  }

  /** One call, start to finish; never throws (the renderer always gets an envelope). */
  async invoke(method: MethodName, event: IpcEventLike, args: unknown[]): Promise<BridgeResult> {
    const { guard, host, log } = this.#opts;
    const verdict = guard.check(event);
    if (!verdict.ok) {
      log.warn({ method, sender: event.sender.id, reason: verdict.reason }, 'IPC call refused');
      return { status: 'error', error: { code: 'FORBIDDEN', message: 'this window may not call the host' } };
    }
    if (args.length !== 1) {
      return { status: 'error', error: { code: 'INVALID_REQUEST', message: `${method} takes exactly one argument, got ${args.length}` } };
    }
    const parsed = contract[method].input.safeParse(args[0] ?? {});
    if (!parsed.success) return { status: 'error', error: fromZodError(parsed.error).toBody() };
    try {
      let result = await host.dispatch(method, parsed.data, { origin: 'ipc', sessionId: verdict.sessionId });
      if (TOKEN_METHODS.has(method)) result = withoutToken(result);
      if (SESSION_CHANGING.has(method)) this.#opts.onSessionChanged?.(event.sender.id);
      return { status: 'ok', result };
    } catch (err) {
      return { status: 'error', error: toErrorBody(err, log, { method, sender: event.sender.id }) };
    }
  }

  dispose(): void {
    for (const channel of this.channels) this.#opts.ipc.removeHandler(channel);
  }
}

function withoutToken(result: unknown): unknown {
  if (typeof result !== 'object' || result === null || !('token' in result)) return result;
  const { token: _token, ...rest } = result as Record<string, unknown>;
  return rest;
}
