// In the desktop app main stays the supervisor of the engine's utility processes (only main may call
// utilityProcess.fork, and main sees 'child-process-gone'), while the host core runs in a utility process of its
// own. So the host asks main for an engine, main starts one and connects the two with a MessageChannelMain:
// frames and results flow host ⇄ engine directly and never cross main's event loop.
//
//   host process                         main                                   engine process
//   BrokeredEngineLauncher.launch() ─ engine-launch ─▶ EngineBroker ─ fork + port1 ─▶ (parent-port-shim)
//                 ◀──────── engine-port + port2 ────────┘
//                 ◀═════════════════════ frames / results over the port ═══════════════════▶
//                 ◀──────── engine-exit (code, Electron's reason) ── when it ends
import type { EngineChannel, EngineExitListener, EngineLauncher } from '../engine-host/launcher.ts';
import { openFrameChannel } from '../engine-host/frame-channel-host.ts';
import type { HostToMain, MainToHost, ParentLink } from './host-wire.ts';
import type { ShellLog } from './shell-log.ts';

/** The MessagePortMain members used (Electron's MessagePortMain fits). */
export interface EnginePortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  start(): void;
  close(): void;
}

/** Host side: each launch is a request to main; the channel works once main's port arrives. */
export class BrokeredEngineLauncher implements EngineLauncher {
  readonly kind = 'electron-utility';
  #launches = 0;
  readonly #open = new Map<number, { attach(port: EnginePortLike, pid: number | undefined): void; exit(code: number | null, signal: string | null): void }>();

  constructor(private readonly link: ParentLink, onMessage: (fn: (msg: MainToHost, ports: readonly unknown[]) => void) => void) {
    onMessage((msg, ports) => {
      if (msg.t === 'engine-port') {
        const port = ports[0] as EnginePortLike | undefined;
        if (port) this.#open.get(msg.launch)?.attach(port, msg.pid);
      } else if (msg.t === 'engine-exit') {
        this.#open.get(msg.launch)?.exit(msg.code, msg.signal);
        this.#open.delete(msg.launch);
      }
    });
  }

  /** `env`: extra environment for this engine process (main merges it over its own). */
  launch(env?: Record<string, string>): EngineChannel {
    const launch = ++this.#launches;
    const messageListeners: Array<(msg: unknown) => void> = [];
    const exitListeners: EngineExitListener[] = [];
    /** Messages the supervisor sent before the port arrived (init, usually). */
    let queued: unknown[] = [];
    let port: EnginePortLike | null = null;
    let pid: number | undefined;
    let exited = false;
    // Frames by a Unix socket / named pipe opened here, in the process that holds them (frame-channel-host.ts):
    // its path and token reach the engine through the launch message's env; IPC over the port is the fallback.
    const frames = openFrameChannel({ ...process.env, ...env });
    this.#open.set(launch, {
      attach: (p, childPid) => {
        port = p;
        pid = childPid;
        p.on('message', (event) => { for (const fn of messageListeners) fn(event.data); });
        p.start();
        for (const m of queued) p.postMessage(m);
        queued = [];
      },
      exit: (code, signal) => {
        if (exited) return;
        exited = true;
        frames?.close();
        port?.close();
        for (const fn of exitListeners) fn(code, signal);
      },
    });
    const launchEnv = env || frames ? { ...env, ...frames?.env } : undefined;
    this.link.send({ t: 'engine-launch', launch, ...(launchEnv ? { env: launchEnv } : {}) });
    return {
      get pid() { return pid; },
      frames,
      postMessage: (msg) => {
        if (exited) return;
        if (port) port.postMessage(msg);
        else queued.push(msg);
      },
      on: ((event: 'message' | 'exit', fn: (...args: never[]) => void) => {
        if (event === 'message') messageListeners.push(fn as (msg: unknown) => void);
        else exitListeners.push(fn as EngineExitListener);
      }) as EngineChannel['on'],
      kill: () => {
        if (!exited) this.link.send({ t: 'engine-kill', launch });
      },
    };
  }
}

/** An engine started for the broker: its supervision channel plus a way to hand it its end of the port. */
export interface ConnectedEngine {
  readonly pid: number | undefined;
  on(event: 'exit', fn: EngineExitListener): void;
  kill(): void;
}

export interface EngineBrokerDeps {
  /** Starts an engine utility process that talks over `port` (UtilityEngineLauncher.launch({ port })). */
  launch(port: unknown, env?: Record<string, string>): ConnectedEngine;
  /** `() => { const { port1, port2 } = new MessageChannelMain(); return { engine: port1, host: port2 }; }` */
  createChannel(): { engine: unknown; host: unknown };
  log: ShellLog;
}

/** Main side: answers the host process's engine-launch / engine-kill messages. */
export class EngineBroker {
  readonly #engines = new Map<number, ConnectedEngine>();

  constructor(private readonly deps: EngineBrokerDeps) {}

  /** Handles one host message; true when it was an engine message. */
  handle(msg: HostToMain, toHost: (msg: MainToHost, transfer?: unknown[]) => void): boolean {
    if (msg.t === 'engine-launch') {
      const { engine, host } = this.deps.createChannel();
      let child: ConnectedEngine;
      try {
        child = this.deps.launch(engine, msg.env);
      } catch (err) {
        this.deps.log.error({ err: (err as Error).message }, 'engine process could not start');
        toHost({ t: 'engine-exit', launch: msg.launch, code: null, signal: 'launch-failed' });
        return true;
      }
      this.#engines.set(msg.launch, child);
      child.on('exit', (code, signal) => {
        this.#engines.delete(msg.launch);
        toHost({ t: 'engine-exit', launch: msg.launch, code, signal });
      });
      toHost({ t: 'engine-port', launch: msg.launch, pid: child.pid }, [host]);
      return true;
    }
    if (msg.t === 'engine-kill') {
      this.#engines.get(msg.launch)?.kill();
      return true;
    }
    return false;
  }

  /** The host process is gone: its engines go too. */
  killAll(): void {
    for (const e of this.#engines.values()) e.kill();
  }
}
