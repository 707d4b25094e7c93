// VigilClient over Electron's preload bridge (`window.vigil`, typed in src-contract/bridge.ts).
import type { MethodInput, MethodName, MethodOutput, SubscriptionFilter, TopicName, TopicPayload, VigilClient } from '../../src-contract/api.ts';
import type { VigilBridge } from '../../src-contract/bridge.ts';
import { ConnectionError, errorFromBody } from './client-errors.ts';
import { parseInput } from './contract-input.ts';

export function createIpcClient(bridge: VigilBridge): VigilClient {
  async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const payload = parseInput(method, input);
    let result: Awaited<ReturnType<VigilBridge['call']>>;
    try {
      result = await bridge.call(method, payload);
    } catch (err) {
      throw new ConnectionError(`the host process did not answer (${method})`, { cause: err });
    }
    if (result?.status === 'ok') return result.result as MethodOutput<M>;
    throw errorFromBody(result);
  }
  const client: VigilClient = {
    call,
    subscribe<T extends TopicName>(topic: T, filter: SubscriptionFilter, onEvent: (payload: TopicPayload<T>) => void) {
      return bridge.subscribe(topic, filter, onEvent as (payload: unknown) => void);
    },
    mediaUrl: (ref) => bridge.mediaUrl(ref),
    liveUrl: (cameraId, transport) => bridge.liveUrl(cameraId, transport),
  };
  if (bridge.onConnectionChange) client.onConnectionChange = (cb) => bridge.onConnectionChange!(cb);
  return client;
}
