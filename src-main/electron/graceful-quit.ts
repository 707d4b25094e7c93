// Quitting stops the host in order (cameras, then a database flush, then the engine) before Electron exits.
// The first 'before-quit' is held back while that runs; a deadline guarantees the app still exits when a
// camera or the engine hangs, and records that in the crash log.
import type { CrashLog } from './crash-log.ts';
import type { ShellLog } from './shell-log.ts';

export interface QuitTarget {
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
  exit(code: number): void;
}

export interface GracefulQuitOptions {
  app: QuitTarget;
  /** Everything to stop, in order; each step is awaited. */
  steps: Array<{ name: string; run(): Promise<void> | void }>;
  deadlineMs: number;
  log: ShellLog;
  crashLog?: CrashLog;
}

export type QuitPhase = 'running' | 'stopping' | 'stopped';

export function installGracefulQuit(opts: GracefulQuitOptions): { phase(): QuitPhase; done: Promise<void> } {
  let phase: QuitPhase = 'running';
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => { resolveDone = r; });

  opts.app.on('before-quit', (event) => {
    if (phase === 'stopped') return; // our own app.quit() after the shutdown: let it through
    event.preventDefault();
    if (phase === 'stopping') return;
    phase = 'stopping';
    let current = 'start';
    const deadline = setTimeout(() => {
      opts.log.error({ step: current, deadlineMs: opts.deadlineMs }, 'shutdown did not finish in time; exiting');
      opts.crashLog?.record({ kind: 'quit-timeout', step: current, deadlineMs: opts.deadlineMs });
      phase = 'stopped';
      resolveDone();
      opts.app.exit(1);
    }, opts.deadlineMs);
    void (async () => {
      for (const step of opts.steps) {
        current = step.name;
        const t0 = Date.now();
        try {
          await step.run();
          opts.log.info({ step: step.name, ms: Date.now() - t0 }, 'shutdown step done');
        } catch (err) {
          opts.log.error({ step: step.name, err: (err as Error).message }, 'shutdown step failed; continuing');
        }
      }
      clearTimeout(deadline);
      if ((phase as QuitPhase) === 'stopped') return; // the deadline already exited
      phase = 'stopped';
      resolveDone();
      opts.app.quit();
    })();
  });

  return { phase: () => phase, done };
}
