// Validates a call's input against the contract before it leaves the renderer: the user gets the same typed
// INVALID_REQUEST (with the offending field) the host would answer, without a round trip, and zod fills defaults.
import { contract } from '../../src-contract/api.ts';
import type { MethodInput, MethodName } from '../../src-contract/api.ts';
import { VigilError, fromZodError } from '../../src-contract/errors.ts';

export function parseInput<M extends MethodName>(method: M, input: MethodInput<M>): unknown {
  const spec = contract[method];
  if (!spec) throw new VigilError('INVALID_REQUEST', `unknown method ${String(method)}`);
  const result = spec.input.safeParse(input);
  if (!result.success) throw fromZodError(result.error);
  return result.data;
}
