// Crashes go to a local file (userData/logs/crash.log, one JSON object per line) next to the minidumps that
// Electron's crashReporter keeps in app.getPath('crashDumps') with uploading off. Writes are synchronous: the
// process recording its own failure may be about to die. Nothing leaves the machine.
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';

export interface CrashRecord {
  kind: 'uncaught-exception' | 'unhandled-rejection' | 'renderer-gone' | 'child-process-gone' | 'engine-gone' | 'host-gone' | 'quit-timeout';
  [key: string]: unknown;
}

const MAX_BYTES = 5 * 1024 * 1024;

export class CrashLog {
  constructor(readonly file: string, private readonly meta: { version: string; platform: string; arch: string }) {
    mkdirSync(path.dirname(file), { recursive: true });
  }

  record(entry: CrashRecord): void {
    try {
      if ((statSync(this.file, { throwIfNoEntry: false })?.size ?? 0) > MAX_BYTES) renameSync(this.file, `${this.file}.1`);
      appendFileSync(this.file, `${JSON.stringify({ at: new Date().toISOString(), ...this.meta, ...entry })}\n`);
    } catch {
      // Recording a crash must never cause another one.
    }
  }
}

export function describeError(err: unknown): { name?: string; message: string; stack?: string } {
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack };
  return { message: String(err) };
}

/** The process/app events the handlers listen to (Node's process and Electron's app fit). */
export interface CrashSources {
  process: {
    on(event: 'uncaughtException', listener: (err: Error) => void): unknown;
    on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  };
  app: {
    on(event: 'render-process-gone', listener: (event: unknown, webContents: { id: number; reload(): void; isDestroyed(): boolean }, details: { reason: string; exitCode: number }) => void): unknown;
    on(event: 'child-process-gone', listener: (event: unknown, details: { type: string; reason: string; exitCode: number; serviceName?: string; name?: string }) => void): unknown;
  };
}

export interface CrashHandlerOptions {
  crashLog: CrashLog;
  /** Called after an uncaught exception is recorded: the state is unknown, so quit (gracefully, with a deadline). */
  onFatal(): void;
  /** A renderer that crashed is reloaded this many times per minute at most. */
  maxReloadsPerMinute?: number;
  now?: () => number;
}

export function installCrashHandlers(src: CrashSources, opts: CrashHandlerOptions): void {
  const now = opts.now ?? Date.now;
  const reloads: number[] = [];
  src.process.on('uncaughtException', (err) => {
    opts.crashLog.record({ kind: 'uncaught-exception', error: describeError(err) });
    opts.onFatal();
  });
  src.process.on('unhandledRejection', (reason) => {
    opts.crashLog.record({ kind: 'unhandled-rejection', error: describeError(reason) });
  });
  src.app.on('render-process-gone', (_event, contents, details) => {
    opts.crashLog.record({ kind: 'renderer-gone', webContents: contents.id, reason: details.reason, exitCode: details.exitCode });
    if (details.reason === 'clean-exit' || contents.isDestroyed()) return;
    const t = now();
    while (reloads.length && t - reloads[0] > 60_000) reloads.shift();
    if (reloads.length < (opts.maxReloadsPerMinute ?? 3)) {
      reloads.push(t);
      contents.reload();
    }
  });
  src.app.on('child-process-gone', (_event, details) => {
    // Engine processes are reported by their launcher, which knows which one it was.
    if (details.reason === 'clean-exit' || details.serviceName?.startsWith('Vigil Engine')) return;
    opts.crashLog.record({ kind: 'child-process-gone', type: details.type, reason: details.reason, exitCode: details.exitCode, name: details.name ?? details.serviceName });
  });
}
