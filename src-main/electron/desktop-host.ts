// What the Electron shell needs from the host core. The host is plain Node (it also runs headless under
// `vigil serve`); the shell only sees this interface. In the app it is RemoteDesktopHost (remote-host.ts: the host
// core in its own utility process); in tests also the in-process adapter (host-adapter.ts) it wraps.
import type { MethodName, SubscriptionFilter, TopicName } from '../../src-contract/api.ts';

/**
 * Who is calling, as far as the shell can tell. `sessionId` is minted by main per window (never by the renderer);
 * the host binds `auth.login` to it and resolves the user from it on later calls, as the HTTP transport does
 * with its session cookie.
 */
export interface IpcCallContext {
  origin: 'ipc';
  sessionId: string;
}

export interface ContractDispatcher {
  /** Runs a contract method; the input was already validated against the contract by the IPC router. */
  dispatch(method: MethodName, input: unknown, ctx: IpcCallContext): Promise<unknown>;
  /**
   * Subscribes to a topic with the caller's rights; throws a VigilError (UNAUTHENTICATED/FORBIDDEN) when refused.
   * A host in another process answers later: it calls `onError` instead (refused, or the host restarted), after
   * which the subscription is over.
   */
  subscribe(topic: TopicName, filter: SubscriptionFilter, ctx: IpcCallContext, onEvent: (payload: unknown) => void, onError?: (err: unknown) => void): () => void;
  /** Forgets a window's session when the window goes away. */
  endSession?(sessionId: string): void;
}

/** A body for the `app://` protocol: a web stream so Chromium reads it with back-pressure. */
export interface MediaBody {
  body: ReadableStream<Uint8Array>;
  mime: string;
  size?: number;
}

export interface MediaSource {
  /** A snapshot or template photo by MediaRef; resolves null when absent. Role checks happen in the host. */
  openMedia(ref: string, ctx: IpcCallContext): Promise<MediaBody | null>;
  /** A camera's live stream (fragmented MP4 or multipart MJPEG); ends when `signal` aborts. */
  openLive(cameraId: string, transport: 'fmp4' | 'mjpeg', ctx: IpcCallContext, signal: AbortSignal): Promise<MediaBody | null>;
}

/** The `/healthz` shape of the headless host, used for the tray status. */
export interface HostHealth {
  engine: { ready: boolean };
  cameras: Array<{ id: string; name: string; state: string; fps: number }>;
}

export interface DesktopHost extends ContractDispatcher, MediaSource {
  health(): HostHealth | Promise<HostHealth>;
  /** Stops cameras, flushes the database and stops the engine, in that order. */
  close(): Promise<void>;
}
