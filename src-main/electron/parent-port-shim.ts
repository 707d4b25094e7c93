// Inside an Electron utility process the parent is reached through `process.parentPort`, not through
// `process.send` / `process.on('message')` as in a child_process.fork child. This maps the second onto the
// first, so the engine's one process entry (src-engine/process-main.ts) runs unchanged under both launchers.
// Messages are structured clones either way (the headless launcher forks with serialization 'advanced').
//
// When main hands the engine a port of its own (the engine broker: the host core runs in another utility process
// and talks to the engine directly), messages then travel over that port instead of the parent port.

/** Electron's MessagePortMain, as far as used. */
export interface PortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  postMessage(message: unknown): void;
  start?(): void;
}

/** Electron's ParentPort, as far as used. */
export interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown; ports?: readonly PortLike[] }) => void): unknown;
  postMessage(message: unknown): void;
}

export interface ChildProcessLike {
  send?: (...args: never[]) => boolean;
  emit(event: 'message', message: unknown): boolean;
}

/** The parent's message that carries the engine's own port (utility-engine-launcher.ts sends it). */
export const ENGINE_PORT_MESSAGE = 'vigil:engine-port';

export function adaptParentPort(proc: ChildProcessLike, port: ParentPortLike): void {
  let out: { postMessage(message: unknown): void } = port;
  const send = (message: unknown, ...rest: unknown[]): boolean => {
    out.postMessage(message);
    const callback = rest.find((a) => typeof a === 'function') as ((err: Error | null) => void) | undefined;
    if (callback) queueMicrotask(() => callback(null));
    return true;
  };
  proc.send = send as ChildProcessLike['send'];
  Object.defineProperty(proc, 'connected', { value: true, configurable: true, enumerable: true });
  port.on('message', (event) => {
    const own = event.ports?.[0];
    if (own && (event.data as { type?: unknown } | null)?.type === ENGINE_PORT_MESSAGE) {
      out = own;
      own.on('message', (e) => proc.emit('message', e.data));
      own.start?.();
      return;
    }
    proc.emit('message', event.data);
  });
}
