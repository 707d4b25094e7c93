// One client, two transports: the Electron preload bridge when it is present, otherwise HTTP + WebSocket to
// the origin that served the page (`vigil serve`).
import type { VigilClient } from '../../src-contract/api.ts';
import { BRIDGE_GLOBAL } from '../../src-contract/bridge.ts';
import type { VigilBridge } from '../../src-contract/bridge.ts';
import { createHttpClient } from './http-client.ts';
import { createIpcClient } from './ipc-client.ts';

export function pickTransport(scope: object = globalThis): { client: VigilClient; transport: 'ipc' | 'http' } {
  const bridge = (scope as Record<string, unknown>)[BRIDGE_GLOBAL] as VigilBridge | undefined;
  if (bridge && typeof bridge.call === 'function' && typeof bridge.subscribe === 'function') {
    return { client: createIpcClient(bridge), transport: 'ipc' };
  }
  return { client: createHttpClient(), transport: 'http' };
}
