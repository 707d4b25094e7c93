// VigilClient over the HTTP + WebSocket transport of `vigil serve` (wire format: src-contract/http-transport.ts).
// Calls are POST /api/rpc/<method> with the session cookie; errors arrive as `{ status: 'error', error }` bodies
// and are rethrown as typed VigilErrors.
import type { MethodInput, MethodName, MethodOutput, SubscriptionFilter, TopicName, TopicPayload, VigilClient } from '../../src-contract/api.ts';
import { LIVE_PREFIX, MEDIA_PREFIX, RPC_PREFIX, WS_PATH } from '../../src-contract/http-transport.ts';
import { ConnectionError, errorFromBody } from './client-errors.ts';
import { parseInput } from './contract-input.ts';
import { WsSubscriptions } from './ws-subscriptions.ts';
import type { WsFactory } from './ws-subscriptions.ts';

export interface HttpClientOptions {
  /** Origin of the host, e.g. "http://127.0.0.1:7070"; empty = the page's own origin. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Opens the subscription socket; defaults to the global WebSocket. */
  openSocket?: WsFactory;
  reconnect?: { minMs?: number; maxMs?: number };
  pingMs?: number;
  onSubscriptionRejected?: (topic: TopicName, error: { code: string; message: string }) => void;
}

export interface HttpVigilClient extends VigilClient {
  onConnectionChange(cb: (connected: boolean) => void): () => void;
  /** Closes the subscription socket for good (tests, page unload). */
  close(): void;
}

export function createHttpClient(opts: HttpClientOptions = {}): HttpVigilClient {
  const base = (opts.baseUrl ?? '').replace(/\/+$/, '');
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const wsUrl = () => {
    if (base) return base.replace(/^http/i, 'ws') + WS_PATH;
    const loc = globalThis.location;
    return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}${WS_PATH}`;
  };
  const openSocket: WsFactory = opts.openSocket ?? ((url) => new WebSocket(url) as unknown as ReturnType<WsFactory>);
  const subs = new WsSubscriptions({
    url: wsUrl, open: openSocket,
    minBackoffMs: opts.reconnect?.minMs, maxBackoffMs: opts.reconnect?.maxMs, pingMs: opts.pingMs,
    onRejected: opts.onSubscriptionRejected,
  });

  async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const body = JSON.stringify(parseInput(method, input));
    let res: Response;
    try {
      res = await doFetch(`${base}${RPC_PREFIX}${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body,
        credentials: base ? 'include' : 'same-origin',
      });
    } catch (err) {
      throw new ConnectionError(`cannot reach the host (${method})`, { cause: err });
    }
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      json = undefined;
    }
    if (!res.ok) throw errorFromBody(json, res.status);
    if (json === undefined) throw errorFromBody(undefined, res.status);
    return json as MethodOutput<M>;
  }

  return {
    call,
    subscribe<T extends TopicName>(topic: T, filter: SubscriptionFilter, onEvent: (payload: TopicPayload<T>) => void) {
      return subs.subscribe(topic, filter, onEvent as (payload: unknown) => void);
    },
    mediaUrl: (ref) => `${base}${MEDIA_PREFIX}${ref.split('/').map(encodeURIComponent).join('/')}`,
    liveUrl: (cameraId, transport) => `${base}${LIVE_PREFIX}${encodeURIComponent(cameraId)}.${transport === 'fmp4' ? 'mp4' : 'mjpeg'}`,
    liveFrames: (cameraId, onFrame, onError) => subs.openLive(cameraId, { onFrame, onError }),
    liveVideo: (cameraId, onChunk, onError) => subs.openLiveVideo(cameraId, { onChunk, onError }),
    onConnectionChange: (cb) => subs.onConnectionChange(cb),
    close: () => subs.close(),
  };
}
