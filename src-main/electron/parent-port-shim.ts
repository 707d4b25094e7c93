// Inside an Electron utility process the parent is reached through `process.parentPort`, not through
// `process.send` / `process.on('message')` as in a child_process.fork child. This maps the second onto the
// first, so the engine's one process entry (src-engine/process-main.ts) runs unchanged under both launchers.
// Messages are structured clones either way (the headless launcher forks with serialization 'advanced').

/** Electron's ParentPort, as far as used. */
export interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  postMessage(message: unknown): void;
}

export interface ChildProcessLike {
  send?: (...args: never[]) => boolean;
  emit(event: 'message', message: unknown): boolean;
}

export function adaptParentPort(proc: ChildProcessLike, port: ParentPortLike): void {
  const send = (message: unknown, ...rest: unknown[]): boolean => {
    port.postMessage(message);
    const callback = rest.find((a) => typeof a === 'function') as ((err: Error | null) => void) | undefined;
    if (callback) queueMicrotask(() => callback(null));
    return true;
  };
  proc.send = send as ChildProcessLike['send'];
  Object.defineProperty(proc, 'connected', { value: true, configurable: true, enumerable: true });
  port.on('message', (event) => proc.emit('message', event.data));
}
