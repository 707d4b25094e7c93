// Delivers an async job's result to its callback_url: POST JSON, signed with HMAC-SHA256 so the receiver can
// check it came from this Vigil and was not replayed long after. Retries on network errors, 5xx and 429 with
// exponential backoff; a 4xx other than 429 is final (the receiver refused it).
//   X-Vigil-Timestamp: <unix seconds>
//   X-Vigil-Signature: sha256=<hex HMAC-SHA256(key, `${timestamp}.${body}`)>
// The key is the API token the job was submitted with (the receiver already has it; Vigil keeps only its hash,
// so the key lives in memory for the job's lifetime and is never stored).
import { createHmac } from 'node:crypto';

export interface CallbackOptions {
  attempts: number;
  baseDelayMs: number;
  timeoutMs: number;
}

export const DEFAULT_CALLBACK: CallbackOptions = { attempts: 4, baseDelayMs: 500, timeoutMs: 5000 };

export interface DeliveryState {
  url: string;
  attempts: number;
  delivered: boolean;
  lastStatus: number | null;
}

export function signBody(key: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', key).update(`${timestamp}.${body}`).digest('hex')}`;
}

export async function deliverCallback(state: DeliveryState, key: string, payload: unknown, jobId: string, opts: CallbackOptions, stop: AbortSignal): Promise<void> {
  const body = JSON.stringify(payload);
  for (let attempt = 0; attempt < opts.attempts && !stop.aborted; attempt++) {
    if (attempt > 0) await sleep(opts.baseDelayMs * 2 ** (attempt - 1), stop);
    if (stop.aborted) return;
    state.attempts++;
    const timestamp = String(Math.floor(Date.now() / 1000));
    try {
      const res = await fetch(state.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-vigil-job-id': jobId, 'x-vigil-timestamp': timestamp, 'x-vigil-signature': signBody(key, timestamp, body) },
        body,
        redirect: 'error',
        signal: AbortSignal.any([stop, AbortSignal.timeout(opts.timeoutMs)]),
      });
      state.lastStatus = res.status;
      await res.body?.cancel();
      if (res.ok) {
        state.delivered = true;
        return;
      }
      if (res.status < 500 && res.status !== 429) return;
    } catch {
      state.lastStatus = null;
    }
  }
}

function sleep(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      stop.removeEventListener('abort', done);
      resolve();
    }
    stop.addEventListener('abort', done, { once: true });
  });
}
