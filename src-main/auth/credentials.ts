// Pulls the caller's credential out of raw request headers: `Authorization: Bearer <token>` first, then the
// session cookie. Transports hand over headers as they came; nothing else parses them.
import { SESSION_COOKIE } from '../../src-contract/http-transport.ts';

export interface RequestCredentials {
  /** Raw `Cookie` header. */
  cookie?: string | undefined;
  /** Raw `Authorization` header. */
  authorization?: string | undefined;
  /** Token given another way (WebSocket query string, where browsers cannot set headers). */
  token?: string | undefined;
  /** ip address, "ipc" or "cli", for the audit trail and login throttling. */
  origin: string;
  /** Re-check only (an open stream asking whether its caller is still allowed): does not refresh the session's
   * idle timer or the token's last use, so an open stream alone does not keep a session alive. */
  peek?: boolean;
}

export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const v = part.slice(eq + 1).trim();
      return v.length > 0 && v.length <= 200 ? v : null;
    }
  }
  return null;
}

export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S{1,300})\s*$/i.exec(header);
  return m ? m[1] : null;
}

export function sessionCookie(header: string | undefined): string | null {
  return cookieValue(header, SESSION_COOKIE);
}
