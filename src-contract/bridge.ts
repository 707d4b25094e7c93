// The preload bridge Electron exposes to the renderer as `window.vigil` (contextBridge.exposeInMainWorld('vigil', …)).
// It carries the same contract as the HTTP/WebSocket transport; only the envelope differs. Results come back as an
// envelope rather than a rejected promise because Electron's ipcRenderer.invoke flattens thrown errors into a string.
import type { MethodName, SubscriptionFilter, TopicName } from './api.ts';
import type { ErrorBody } from './errors.ts';

export type BridgeResult =
  | { status: 'ok'; result: unknown }
  | { status: 'error'; error: ErrorBody };

export interface VigilBridge {
  /** Invokes a contract method in the host (input validated and role-checked there). Never rejects for host errors. */
  call(method: MethodName, input: unknown): Promise<BridgeResult>;
  /** Subscribes to a contract topic; `onEvent` gets each payload. Returns the unsubscribe function. */
  subscribe(topic: TopicName, filter: SubscriptionFilter, onEvent: (payload: unknown) => void): () => void;
  /** URL usable in <img>/<video> for a MediaRef (e.g. a custom protocol served by the main process). */
  mediaUrl(ref: string): string;
  /** URL of a camera's live stream: chunked fragmented MP4 (`fmp4`) or multipart MJPEG (`mjpeg`). */
  liveUrl(cameraId: string, transport: 'fmp4' | 'mjpeg'): string;
  /** Optional: host connection state (the host process restarting, etc.). Returns the unregister function. */
  onConnectionChange?(cb: (connected: boolean) => void): () => void;
}

/** Name of the global the preload exposes. */
export const BRIDGE_GLOBAL = 'vigil';
