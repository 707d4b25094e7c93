// Decides whether an IPC message comes from us: the sender must be a webContents main created (our window) and
// the frame that sent it must show a page of our own `app://vigil` origin. Anything else (a navigated-away
// frame, an injected iframe, a destroyed frame) is refused before any payload is looked at.
import { randomUUID } from 'node:crypto';
import { APP_HOST, APP_SCHEME } from './ipc-channels.ts';

/** The fields of Electron's IpcMainEvent / IpcMainInvokeEvent that the checks read. */
export interface IpcEventLike {
  sender: { id: number };
  senderFrame: { url: string } | null;
}

export type SenderVerdict = { ok: true; sessionId: string } | { ok: false; reason: string };

/** True for `app://vigil/...` (WHATWG gives custom schemes an opaque "null" origin, so compare the parts). */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '' && u.port === '';
  } catch {
    return false;
  }
}

export class SenderGuard {
  /** webContents id → the session id main minted for that window. */
  readonly #trusted = new Map<number, string>();

  /** Marks a webContents as ours and returns its session id (stable across reloads of the same window). */
  trust(webContentsId: number): string {
    let sessionId = this.#trusted.get(webContentsId);
    if (!sessionId) {
      sessionId = randomUUID();
      this.#trusted.set(webContentsId, sessionId);
    }
    return sessionId;
  }

  /** The session id of a trusted webContents, or undefined (never creates one). */
  sessionOf(webContentsId: number): string | undefined {
    return this.#trusted.get(webContentsId);
  }

  /** Forgets a webContents (window closed); returns its session id so the host can end it. */
  forget(webContentsId: number): string | undefined {
    const sessionId = this.#trusted.get(webContentsId);
    this.#trusted.delete(webContentsId);
    return sessionId;
  }

  check(event: IpcEventLike): SenderVerdict {
    const sessionId = this.#trusted.get(event.sender.id);
    if (!sessionId) return { ok: false, reason: `webContents ${event.sender.id} is not a Vigil window` };
    const frame = event.senderFrame;
    if (!frame) return { ok: false, reason: 'sender frame is gone (navigated or destroyed)' };
    if (!isAppUrl(frame.url)) return { ok: false, reason: `sender frame is not ${APP_SCHEME}://${APP_HOST}: ${frame.url.slice(0, 120)}` };
    return { ok: true, sessionId };
  }
}
