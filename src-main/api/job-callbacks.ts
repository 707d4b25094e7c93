// Delivers an async job's result to its callback_url: POST JSON, signed with HMAC-SHA256 so the receiver can
// check it came from this Vigil and was not replayed long after. Retries on network errors, 5xx and 429 with
// exponential backoff; a 4xx other than 429 is final (the receiver refused it).
//   X-Vigil-Timestamp: <unix seconds>
//   X-Vigil-Signature: sha256=<hex HMAC-SHA256(key, `${timestamp}.${body}`)>
// The key is the API token the job was submitted with (the receiver already has it; Vigil keeps only its hash,
// so the key lives in memory for the job's lifetime and is never stored).
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { guardedLookup } from './callback-guard.ts';

export interface CallbackOptions {
  attempts: number;
  baseDelayMs: number;
  timeoutMs: number;
  /** Hosts allowed although not public (settings.api.callback_private_hosts); every connect re-checks. */
  privateHosts?: () => readonly string[];
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
      const status = await post(state.url, body, {
        'content-type': 'application/json', 'x-vigil-job-id': jobId, 'x-vigil-timestamp': timestamp, 'x-vigil-signature': signBody(key, timestamp, body),
      }, opts, AbortSignal.any([stop, AbortSignal.timeout(opts.timeoutMs)]));
      state.lastStatus = status;
      if (status >= 200 && status < 300) {
        state.delivered = true;
        return;
      }
      if (status < 500 && status !== 429) return;
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

/** One POST over node:http(s) whose lookup refuses non-public addresses at connect time (no redirects followed). */
function post(url: string, body: string, headers: Record<string, string>, opts: CallbackOptions, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(u, {
      method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, signal,
      lookup: guardedLookup({ privateHosts: opts.privateHosts ?? (() => []) }) as never,
    }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end(body);
  });
}
