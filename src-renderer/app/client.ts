// The contract client the stores use. Set once at start-up (main.tsx picks the transport); the UI never knows which.
import type { VigilClient } from '../../src-contract/api.ts';

let current: VigilClient | null = null;

export function setClient(client: VigilClient): void {
  current = client;
}

export function api(): VigilClient {
  if (!current) throw new Error('client not initialised');
  return current;
}
