// How main starts the host-core process. Two launchers behind one HostProcessLauncher: `child_process.fork` under
// plain Node (tests, benches; the desktop seam runs here without Electron) and Electron's `utilityProcess.fork` in
// the app (utility-engine-launcher.ts, with the host's service name). RemoteDesktopHost sees only the channel.
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { HostProcessChannel, HostProcessLauncher, HostToMain, MainToHost } from './host-wire.ts';
import type { UtilityEngineLauncher } from './utility-engine-launcher.ts';

/** The host process's entry in a source checkout (the app bundles it to dist/electron/host.js). */
export const HOST_PROCESS_ENTRY = fileURLToPath(new URL('./host-process-main.ts', import.meta.url));

export interface ForkHostLauncherOptions {
  entry?: string;
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
  stdio?: 'inherit' | 'ignore';
}

/** Headless stand-in for utilityProcess.fork: structured-clone IPC, so media chunks travel as bytes. */
export class ForkHostLauncher implements HostProcessLauncher {
  readonly kind = 'child_process';

  constructor(private readonly o: ForkHostLauncherOptions = {}) {}

  launch(): HostProcessChannel {
    const entry = this.o.entry ?? HOST_PROCESS_ENTRY;
    if (!existsSync(entry)) throw new Error(`host process entry not found: ${entry}`);
    const stdio = this.o.stdio ?? 'inherit';
    const child = fork(entry, [], {
      serialization: 'advanced',
      execArgv: this.o.execArgv ?? (entry.endsWith('.ts') ? ['--import', 'tsx'] : []),
      env: { ...process.env, ...this.o.env },
      stdio: ['ignore', stdio, stdio, 'ipc'],
    });
    child.on('error', () => {});
    return {
      get pid() { return child.pid; },
      postMessage: (msg: MainToHost, transfer?: unknown[]) => {
        if (transfer?.length) throw new Error('a forked host process cannot receive MessagePorts');
        if (child.connected) child.send(msg as never, (err) => { void err; });
      },
      on: ((event: 'message' | 'exit', fn: (...args: never[]) => void) => {
        if (event === 'message') child.on('message', fn as (m: HostToMain) => void);
        else child.on('exit', (code, signal) => (fn as (c: number | null, r: string | null) => void)(code, signal));
      }) as HostProcessChannel['on'],
      kill: () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      },
    };
  }
}

/** The app's launcher: the host in an Electron utility process ("Vigil Host #n"), supervised like the engine. */
export function utilityHostLauncher(utility: UtilityEngineLauncher): HostProcessLauncher {
  return {
    kind: 'electron-utility',
    launch: () => utility.launch() as unknown as HostProcessChannel,
  };
}
