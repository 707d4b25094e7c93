// Helpers for tests that drive real camera sessions: fast supervision timings, event recording and
// polling waits with a message that says what never happened.
import type { CameraEvent } from '../camera-events.ts';
import type { CameraFrame } from '../camera-frame.ts';
import type { CameraSession, SessionTimings } from '../camera-session.ts';

/** Seconds become tenths: the whole supervision cycle fits in a test. */
export const FAST_TIMINGS: Partial<SessionTimings> = {
  backoffInitialMs: 200,
  backoffMaxMs: 1000,
  backoffJitter: 0.1,
  slowRetryMs: 3000,
  healthyResetMs: 2000,
  statsIntervalMs: 500,
  stallTimeoutMs: 1500,
  connectTimeoutMs: 8000,
};

export function recordEvents(source: { on(event: 'event', l: (e: CameraEvent) => void): unknown }): CameraEvent[] {
  const events: CameraEvent[] = [];
  source.on('event', (e) => events.push(e));
  return events;
}

export async function waitFor<T>(check: () => T | undefined | null | false, timeoutMs: number, what: string): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Takes the next `n` frames from a session (the consumer's way: nextFrame). */
export async function nextFrames(session: CameraSession, n: number, timeoutMs: number): Promise<CameraFrame[]> {
  const got: CameraFrame[] = [];
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  try {
    while (got.length < n) {
      const f = await session.nextFrame(ctrl.signal);
      if (f) { got.push(f); continue; }
      if (ctrl.signal.aborted) throw new Error(`timed out after ${timeoutMs} ms with ${got.length}/${n} frames (state ${session.state}, last error ${session.stats().last_error})`);
      await new Promise((r) => setTimeout(r, 25)); // not started yet, or between connections
    }
    return got;
  } finally {
    clearTimeout(timer);
  }
}

export const connectionStatuses = (events: CameraEvent[]) => events.flatMap((e) => (e.event_type === 'camera_connection' ? [e.status] : []));
export const errorReasons = (events: CameraEvent[]) => events.flatMap((e) => (e.event_type === 'camera_error' ? [e.error.reason] : []));
