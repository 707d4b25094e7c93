// How the host starts the engine process. One small interface with two implementations: Electron's
// `utilityProcess.fork` in the desktop app (src-main/electron) and `child_process.fork` headless (below).
// The supervisor only sees an EngineChannel, so it runs unchanged under both.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openFrameChannel } from './frame-channel-host.ts';

export type EngineExitListener = (code: number | null, signal: string | null) => void;

export interface EngineChannel {
  /** OS process id, when known (for kill -9 tests and CPU sampling). */
  readonly pid: number | undefined;
  postMessage(msg: unknown): void;
  on(event: 'message', fn: (msg: unknown) => void): void;
  on(event: 'exit', fn: EngineExitListener): void;
  /** Forceful stop (SIGKILL or the platform's equivalent); 'exit' follows. */
  kill(): void;
  /** The binary side channel for frames (frame-channel-host.ts), when one was opened for this process. */
  readonly frames?: FrameSink | null;
}

/** What the engine instance uses of a frame side channel (FrameChannelHost fits). */
export interface FrameSink {
  readonly open: boolean;
  readonly congested: boolean;
  /** False: not sent (channel not open); send it by postMessage instead. */
  send(id: number, frame: { width: number; height: number; channels: number; data: Uint8Array }, options: unknown): boolean;
  on(event: 'drain' | 'close', fn: () => void): unknown;
  close(): void;
}

export interface EngineLauncher {
  readonly kind: string;
  launch(): EngineChannel;
}

/** The engine's child-process entry (written by the engine module). */
export const ENGINE_ENTRY = fileURLToPath(new URL('../../src-engine/process-main.ts', import.meta.url));

export interface ForkLauncherOptions {
  entry?: string;
  /** Node flags for the child; default loads tsx so the TypeScript entry runs as is. */
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
  /** Where the child's stdout/stderr go (default: inherited, so its logs join the host's). */
  stdio?: 'inherit' | 'pipe' | 'ignore';
}

/**
 * Headless launcher: `child_process.fork` with the structured-clone ('advanced') serializer so Buffers and typed
 * arrays cross as bytes, not as JSON arrays. Frames go by a side channel (a Unix socket / named pipe, see
 * frame-channel-host.ts) when it opens, which costs the host a fraction of what IPC does per frame
 * (`npm run bench:frame-transport`); everything else, and frames when the channel is missing or broken, by IPC.
 */
export class ForkEngineLauncher implements EngineLauncher {
  readonly kind = 'child_process';
  readonly #o: ForkLauncherOptions;

  constructor(opts: ForkLauncherOptions = {}) {
    this.#o = opts;
  }

  launch(): EngineChannel {
    const entry = this.#o.entry ?? ENGINE_ENTRY;
    if (!existsSync(entry)) throw new Error(`engine entry not found: ${entry}`);
    const stdio = this.#o.stdio ?? 'inherit';
    const env = { ...process.env, ...this.#o.env };
    const frames = openFrameChannel(env);
    let child: ChildProcess;
    try {
      child = fork(entry, [], {
        serialization: 'advanced',
        execArgv: this.#o.execArgv ?? (entry.endsWith('.ts') ? ['--import', 'tsx'] : []),
        env: { ...env, ...frames?.env },
        stdio: [stdio === 'pipe' ? 'pipe' : 'ignore', stdio, stdio, 'ipc'],
        // Own process group: a terminal's Ctrl-C (or a supervisor's group kill) reaches the host, which stops the
        // engine in order; an engine whose host died exits on its own when the IPC channel closes.
        detached: true,
      });
    } catch (err) {
      frames?.close();
      throw err;
    }
    // A failed send after the child died surfaces as 'error' on the process; the 'exit' handler deals with it.
    child.on('error', () => {});
    child.on('exit', () => frames?.close());
    return {
      get pid() { return child.pid; },
      frames,
      postMessage: (msg) => {
        if (child.connected) child.send(msg as never, (err) => { void err; });
      },
      on: (event: 'message' | 'exit', fn: (...args: never[]) => void) => {
        child.on(event, fn as (...args: unknown[]) => void);
      },
      kill: () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      },
    } as EngineChannel;
  }
}
