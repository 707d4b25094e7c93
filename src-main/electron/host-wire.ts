// The private channel between the desktop shell (Electron main, or the Node process that stands in for it in
// tests and benches) and the host-core process. Main owns windows, the tray and the IPC gates; the host process
// owns cameras, the pipeline, SQLite and the engine client. Everything a window may ask for crosses here as one
// of these messages (structured clones: Buffers and typed arrays travel as bytes under both launchers).
//
// No Electron or zod import: both ends and the bundle for the utility process use this module.
import type { MethodName, SubscriptionFilter, TopicName } from '../../src-contract/api.ts';
import type { ErrorBody } from '../../src-contract/errors.ts';
import type { HostHealth, IpcCallContext } from './desktop-host.ts';

/** How the host process seals secrets: its own key file, or through main's OS keychain (see key-bridge.ts). */
export type HostKeyInit =
  | { kind: 'key-file'; path: string }
  | { kind: 'bridge'; providerKind: string; address: string; token: string };

/** Everything the host process needs to start; sent once, first, by main. */
export interface HostInit {
  dataDir: string;
  ffmpegPath?: string;
  modelsDir?: string;
  key?: HostKeyInit;
  /** 'broker': ask main to start each engine (Electron utility processes, connected by a MessagePort);
   *  'fork' (default): the host process forks the engine itself with child_process, as `vigil serve` does. */
  engine?: 'broker' | 'fork';
  /** Where the host process logs (pino file destination); absent: stdout. */
  logFile?: string;
  logLevel?: string;
  demo?: boolean;
  /** Extra engine options, e.g. { threads: 1 } in tests. */
  engineOptions?: Record<string, unknown>;
  waitForEngineMs?: number;
}

/** Media a window asked for, opened in the host process and streamed over the channel with credits. */
export type MediaRequest =
  | { kind: 'file'; ref: string }
  | { kind: 'live'; cameraId: string; transport: 'fmp4' | 'mjpeg' };

/** Chunks the host may send on one media stream before main acknowledges (bounded memory in main). */
export const MEDIA_CREDIT_WINDOW = 8;

export type MainToHost =
  | { t: 'init'; init: HostInit }
  | { t: 'call'; id: number; method: MethodName; input: unknown; ctx: IpcCallContext }
  | { t: 'health'; id: number }
  | { t: 'sub'; id: number; topic: TopicName; filter: SubscriptionFilter; ctx: IpcCallContext }
  | { t: 'unsub'; id: number }
  | { t: 'end-session'; sessionId: string }
  | { t: 'media'; id: number; req: MediaRequest; ctx: IpcCallContext }
  | { t: 'media-credit'; id: number; n: number }
  | { t: 'media-cancel'; id: number }
  | { t: 'close'; id: number }
  // Engine broker (Electron): the engine `launch` started (its port comes with an 'engine-port' message) or ended.
  | { t: 'engine-port'; launch: number; pid: number | undefined }
  | { t: 'engine-exit'; launch: number; code: number | null; signal: string | null };

export type HostToMain =
  | { t: 'ready'; pid: number }
  | { t: 'init-error'; error: ErrorBody }
  | { t: 'result'; id: number; ok: true; value: unknown }
  | { t: 'result'; id: number; ok: false; error: ErrorBody }
  | { t: 'event'; id: number; payload: unknown }
  | { t: 'sub-error'; id: number; error: ErrorBody }
  | { t: 'media-head'; id: number; mime: string | null; size?: number }
  | { t: 'media-chunk'; id: number; bytes: Uint8Array }
  | { t: 'media-end'; id: number; error?: ErrorBody }
  /** `env`: extra environment for the engine process (e.g. the frame side channel's address and token). */
  | { t: 'engine-launch'; launch: number; env?: Record<string, string> }
  | { t: 'engine-kill'; launch: number };

export type { HostHealth };

/** Main's end of a running host process (child_process.fork under Node, utilityProcess.fork in Electron). */
export interface HostProcessChannel {
  readonly pid: number | undefined;
  /** `transfer`: MessagePorts handed to the host process (Electron only; the Node launcher has none). */
  postMessage(msg: MainToHost, transfer?: unknown[]): void;
  on(event: 'message', fn: (msg: HostToMain) => void): void;
  on(event: 'exit', fn: (code: number | null, reason: string | null) => void): void;
  /** Forceful stop; 'exit' follows. */
  kill(): void;
}

export interface HostProcessLauncher {
  readonly kind: string;
  launch(): HostProcessChannel;
}

/** The host process's end: messages to main, and messages (with any transferred ports) from it. */
export interface ParentLink {
  send(msg: HostToMain): void;
  onMessage(fn: (msg: MainToHost, ports: readonly unknown[]) => void): void;
}
