// The desktop EngineLauncher: the engine runs in an Electron utility process (a Chromium-managed Node child that
// is sandbox-aware, shows in the task manager under its service name and dies with the app). The host's
// EngineSupervisor drives it through the same EngineChannel as the headless child_process launcher.
//
// Each launch gets its own service name ("Vigil Engine #n") because `app.on('child-process-gone')` reports no pid:
// the name is how a crash report is matched to its process, also while two engines overlap during a model switch.
// For the supervisor, the exit "signal" carries Electron's reason ('crashed', 'oom', 'killed', 'launch-failed'...)
// when the process did not end cleanly.
import { createInterface } from 'node:readline';
import type { EngineChannel, EngineExitListener, EngineLauncher } from '../engine-host/launcher.ts';
import { ENGINE_PORT_MESSAGE } from './parent-port-shim.ts';
import type { ShellLog } from './shell-log.ts';

/** The UtilityProcess members used (Electron's UtilityProcess fits). */
export interface UtilityProcessLike {
  readonly pid: number | undefined;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  postMessage(message: unknown, transfer?: never[]): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  on(event: 'error', listener: (type: 'FatalError', location: string, report: string) => void): unknown;
  kill(): boolean;
}

export interface UtilityForkOptions {
  serviceName: string;
  stdio: 'pipe';
  env: Record<string, string | undefined>;
  execArgv?: string[];
}

/** What `app.on('child-process-gone', (_e, details) => …)` reports (Electron's Details fits). */
export interface ChildProcessGone {
  type: string;
  reason: string;
  exitCode: number;
  serviceName?: string;
  name?: string;
}

export interface UtilityEngineLauncherDeps {
  /** `(path, args, opts) => utilityProcess.fork(path, args, opts)` */
  fork(modulePath: string, args: string[], options: UtilityForkOptions): UtilityProcessLike;
  /** Registers a child-process-gone listener on the app; returns its removal. */
  onChildProcessGone(listener: (details: ChildProcessGone) => void): () => void;
  /** The bundled engine entry (dist/electron/engine.js). */
  entry: string;
  log: ShellLog;
  /** Written to the crash log when the engine dies abnormally. */
  reportCrash?(record: { process: string; reason: string; exitCode: number; detail?: string }): void;
  env?: Record<string, string>;
  /** How long to wait after 'exit' for Electron's reason before reporting the exit without one. */
  reasonGraceMs?: number;
  /** Service name prefix, numbered per launch (default "Vigil Engine"; the host core uses "Vigil Host"). */
  serviceName?: string;
}

const ABNORMAL = new Set(['abnormal-exit', 'killed', 'crashed', 'oom', 'launch-failed', 'integrity-failure', 'memory-eviction']);

export class UtilityEngineLauncher implements EngineLauncher {
  readonly kind = 'electron-utility';
  #launches = 0;

  constructor(private readonly deps: UtilityEngineLauncherDeps) {}

  /**
   * `port`: the engine talks over this MessagePortMain instead of its parent port (the engine broker hands the
   * other end to the host process, so frames do not pass through main); the channel then carries only exit.
   */
  launch(opts: { port?: unknown; env?: Record<string, string> } = {}): EngineChannel {
    const { deps } = this;
    const serviceName = `${deps.serviceName ?? 'Vigil Engine'} #${++this.#launches}`;
    const child = deps.fork(deps.entry, [], {
      serviceName,
      stdio: 'pipe',
      env: { ...process.env, ...deps.env, ...opts.env, VIGIL_ENGINE_HOST: 'electron-utility' },
    });
    const messageListeners: Array<(msg: unknown) => void> = [];
    const exitListeners: EngineExitListener[] = [];
    let exited = false;
    let exitCode: number | null = null;
    let goneReason: string | null = null;
    let fatalReport: string | undefined;
    let graceTimer: NodeJS.Timeout | undefined;

    for (const [stream, level] of [[child.stdout, 'info'], [child.stderr, 'warn']] as const) {
      if (!stream) continue;
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        if (line) deps.log[level]({ service: serviceName, pid: child.pid, stream: level === 'info' ? 'stdout' : 'stderr' }, line.slice(0, 8192));
      });
    }

    const finish = () => {
      if (exited) return;
      exited = true;
      if (graceTimer) clearTimeout(graceTimer);
      stopWatching();
      const abnormal = goneReason !== null && ABNORMAL.has(goneReason);
      if (abnormal) {
        deps.log.error({ service: serviceName, reason: goneReason, exitCode }, 'utility process gone');
        deps.reportCrash?.({ process: serviceName, reason: goneReason!, exitCode: exitCode ?? -1, detail: fatalReport });
      }
      for (const fn of exitListeners) fn(exitCode, abnormal ? goneReason : null);
    };

    const stopWatching = deps.onChildProcessGone((details) => {
      if (details.type !== 'Utility' || details.serviceName !== serviceName) return;
      goneReason = details.reason;
      exitCode ??= details.exitCode;
      // A process that never started emits no 'exit'.
      if (details.reason === 'launch-failed' || graceTimer) finish();
    });

    if (opts.port) child.postMessage({ type: ENGINE_PORT_MESSAGE }, [opts.port as never]);
    child.on('message', (msg) => {
      for (const fn of messageListeners) fn(msg);
    });
    child.on('error', (type, location, report) => {
      fatalReport = `${type} at ${location}\n${report.slice(0, 16_384)}`;
      deps.log.error({ service: serviceName, type, location }, 'utility process fatal error');
    });
    child.on('exit', (code) => {
      exitCode = code;
      // Electron may report child-process-gone just after 'exit': give it a moment so the reason is known.
      if (goneReason !== null) finish();
      else graceTimer = setTimeout(finish, deps.reasonGraceMs ?? 100);
    });

    return {
      get pid() { return child.pid; },
      postMessage: (msg: unknown, transfer?: unknown[]) => {
        if (!exited) child.postMessage(msg, transfer as never[] | undefined);
      },
      on: ((event: 'message' | 'exit', fn: (...args: never[]) => void) => {
        if (event === 'message') messageListeners.push(fn as (msg: unknown) => void);
        else exitListeners.push(fn as EngineExitListener);
      }) as EngineChannel['on'],
      kill: () => {
        if (!exited) child.kill();
      },
    };
  }
}
