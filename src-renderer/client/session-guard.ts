// Wraps a client so any UNAUTHENTICATED answer (expired or revoked session) sends the UI back to the login screen,
// whichever screen made the call. auth.* calls are exempt: they report their own failures.
import type { MethodInput, MethodName, MethodOutput, VigilClient } from '../../src-contract/api.ts';
import { VigilError } from '../../src-contract/errors.ts';

export function withSessionGuard(client: VigilClient, onUnauthenticated: () => void): VigilClient {
  return {
    ...client,
    subscribe: client.subscribe.bind(client),
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      try {
        return await client.call(method, input);
      } catch (err) {
        if (err instanceof VigilError && err.code === 'UNAUTHENTICATED' && !method.startsWith('auth.')) onUnauthenticated();
        throw err;
      }
    },
  };
}
