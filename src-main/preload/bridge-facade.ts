// The `window.vigil` object, built from the contract's method names and two transports the preload is given:
// ipcRenderer.invoke for calls and a MessagePort from main for subscriptions. No Electron import here, so the
// logic runs under plain Node in tests; preload.ts binds it to ipcRenderer and contextBridge.
import type { MethodName, SubscriptionFilter, TopicName } from '../../src-contract/api.ts';
import type { BridgeResult, VigilBridge } from '../../src-contract/bridge.ts';
import { APP_ORIGIN, CREDITED_TOPICS, PORT_ACK_EVERY, rpcChannel } from '../electron/ipc-channels.ts';
import type { PortClientMessage, PortServerMessage } from '../electron/ipc-channels.ts';

/** The DOM MessagePort subset used (node:worker_threads ports have it too, which the benchmark relies on). */
export interface BridgePort {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: () => void): void;
  start(): void;
}

export interface BridgeTransport {
  invoke(channel: string, input: unknown): Promise<unknown>;
  /** Asks main for a live port; `onPort` below receives it (again after every request). */
  requestPort(): void;
  onPort(listener: (port: BridgePort) => void): void;
  warn(message: string): void;
}

interface ClientSub {
  topic: TopicName;
  filter: SubscriptionFilter;
  onEvent: (payload: unknown) => void;
  /** Id of the current subscription in main; renewed on every (re)subscribe so late replies to an old one are ignored. */
  wireId: string;
  unacked: number;
}

/** Calls after which main has dropped the window's subscriptions (rights are checked again on re-subscribe). */
const SESSION_CHANGING: ReadonlySet<string> = new Set(['auth.login', 'auth.setup', 'auth.logout']);

function isEnvelope(value: unknown): value is BridgeResult {
  if (typeof value !== 'object' || value === null) return false;
  const status = (value as { status?: unknown }).status;
  return status === 'ok' || (status === 'error' && typeof (value as { error?: unknown }).error === 'object');
}

export function createBridge(methods: readonly string[], transport: BridgeTransport): VigilBridge {
  const allowed = new Set(methods);
  const subs = new Set<ClientSub>();
  const byWire = new Map<string, ClientSub>();
  const connectionListeners = new Set<(connected: boolean) => void>();
  let port: BridgePort | null = null;
  let nextWire = 1;

  const post = (message: PortClientMessage) => port?.postMessage(message);
  /** (Re)subscribes under a fresh wire id. Refusals for lack of rights keep the subscription for the next login. */
  const sendSub = (sub: ClientSub) => {
    // Ports are FIFO: ending the previous wire id first means main never holds two copies of one subscription,
    // even when a re-subscribe overtakes the answer to the previous one.
    if (byWire.delete(sub.wireId)) post({ t: 'unsub', id: sub.wireId });
    sub.wireId = `s${nextWire++}`;
    sub.unacked = 0;
    byWire.set(sub.wireId, sub);
    post({ t: 'sub', id: sub.wireId, topic: sub.topic, filter: sub.filter });
  };
  const resubscribeAll = () => {
    for (const sub of subs) sendSub(sub);
  };
  const setConnected = (connected: boolean) => {
    for (const cb of connectionListeners) cb(connected);
  };

  transport.onPort((next) => {
    port = next;
    next.addEventListener('message', (event) => onServerMessage(event.data as PortServerMessage));
    next.addEventListener('close', () => {
      if (port === next) {
        port = null;
        setConnected(false);
      }
    });
    next.start();
    resubscribeAll();
    setConnected(true);
  });

  function onServerMessage(msg: PortServerMessage): void {
    const sub = byWire.get(msg?.id);
    if (!sub) return; // an older subscription of this one, or one already ended
    if (msg.t === 'event') {
      if (CREDITED_TOPICS.has(sub.topic) && ++sub.unacked >= PORT_ACK_EVERY) {
        post({ t: 'ack', id: msg.id, n: sub.unacked });
        sub.unacked = 0;
      }
      try {
        sub.onEvent(msg.payload);
      } catch (err) {
        transport.warn(`vigil: ${sub.topic} listener threw: ${String(err)}`);
      }
    } else if (msg.t === 'sub-error') {
      byWire.delete(msg.id);
      if (msg.error.code !== 'UNAUTHENTICATED' && msg.error.code !== 'FORBIDDEN') {
        subs.delete(sub);
        transport.warn(`vigil: subscription to ${sub.topic} refused: ${msg.error.code} ${msg.error.message}`);
      }
    }
  }

  const bridge: VigilBridge = {
    async call(method: MethodName, input: unknown): Promise<BridgeResult> {
      if (typeof method !== 'string' || !allowed.has(method)) {
        return { status: 'error', error: { code: 'NOT_FOUND', message: `unknown method ${String(method).slice(0, 80)}` } };
      }
      let result: unknown;
      try {
        result = await transport.invoke(rpcChannel(method), input);
      } catch (err) {
        return { status: 'error', error: { code: 'INTERNAL', message: `IPC failed: ${err instanceof Error ? err.message : String(err)}` } };
      }
      if (!isEnvelope(result)) return { status: 'error', error: { code: 'INTERNAL', message: 'malformed reply from main' } };
      if (result.status === 'ok' && SESSION_CHANGING.has(method)) resubscribeAll();
      return result;
    },

    subscribe(topic: TopicName, filter: SubscriptionFilter, onEvent: (payload: unknown) => void): () => void {
      const sub: ClientSub = { topic, filter: filter ?? {}, onEvent, wireId: '', unacked: 0 };
      subs.add(sub);
      sendSub(sub);
      return () => {
        if (!subs.delete(sub)) return;
        if (byWire.delete(sub.wireId)) post({ t: 'unsub', id: sub.wireId });
      };
    },

    mediaUrl(ref: string): string {
      return `${APP_ORIGIN}/media/${String(ref).split('/').map(encodeURIComponent).join('/')}`;
    },

    liveUrl(cameraId: string, transportKind: 'fmp4' | 'mjpeg'): string {
      return `${APP_ORIGIN}/live/${encodeURIComponent(cameraId)}.${transportKind === 'fmp4' ? 'mp4' : 'mjpeg'}`;
    },

    onConnectionChange(cb: (connected: boolean) => void): () => void {
      connectionListeners.add(cb);
      if (port) cb(true);
      return () => connectionListeners.delete(cb);
    },
  };
  transport.requestPort();
  return bridge;
}
