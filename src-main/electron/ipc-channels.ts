// Names and message shapes shared by the main process and the preload. Kept free of Electron and zod imports so
// the sandboxed preload bundle stays small; main validates every inbound message with the schemas in
// ./port-messages.ts and the contract's own input schemas.
import type { ErrorBody } from '../../src-contract/errors.ts';

/** The only origin allowed to talk to main: the renderer served by our `app://` protocol. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'vigil';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** One invoke channel per contract method: main registers exactly these, so an unknown name has no handler. */
export const RPC_CHANNEL_PREFIX = 'vigil:rpc:';
export const rpcChannel = (method: string): string => `${RPC_CHANNEL_PREFIX}${method}`;

/** Renderer → main: "give me a port" (sent by the preload once per page load). Main → renderer: the port. */
export const PORT_REQUEST_CHANNEL = 'vigil:port-request';
export const PORT_CHANNEL = 'vigil:port';

/** Topics whose messages are flow-controlled by credits (high rate; a stalled window must not grow a queue in main). */
export const CREDITED_TOPICS: ReadonlySet<string> = new Set(['live.frame']);
/** Messages main may send on one credited subscription before the renderer acknowledges. */
export const PORT_CREDIT_WINDOW = 6;
/** The preload acknowledges every this many delivered messages (one ack message per batch). */
export const PORT_ACK_EVERY = 2;

/** Renderer → main messages on the port. */
export type PortClientMessage =
  | { t: 'sub'; id: string; topic: string; filter: unknown }
  | { t: 'unsub'; id: string }
  | { t: 'ack'; id: string; n: number };

/** Main → renderer messages on the port. */
export type PortServerMessage =
  | { t: 'event'; id: string; payload: unknown }
  | { t: 'sub-error'; id: string; error: ErrorBody };
