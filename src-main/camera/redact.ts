// Nothing that leaves the camera layer (logs, errors, events, stats) may carry a camera password.
// ffmpeg echoes its input URL (userinfo included) in its messages, so every stderr line is redacted.
import { REDACTED_SECRET, splitSourceSecrets, splitStreamSecrets, type CameraConfig, type CameraSource } from './camera-config.ts';

export const REDACTED = REDACTED_SECRET;

/** Replaces the password in a URL's userinfo: `rtsp://admin:***@host/…`. Non-URLs come back unchanged. */
export function redactUrl(url: string): string {
  // Up to the LAST "@" before the path: an unencoded "@" inside the password is still password.
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:\s]*):[^/\s]*@/i, `$1:${REDACTED}@`);
}

/** Every secret a source config holds, in the forms it may appear in text (raw, URL-encoded, base64 basic auth). */
export function secretsOf(source: CameraSource): string[] {
  const out = new Set<string>();
  const add = (s: string | undefined) => {
    if (!s || s.length < 2) return; // a one-character "secret" would redact half the log
    out.add(s);
    out.add(encodeURIComponent(s));
  };
  if ('password' in source) add(source.password);
  if ('url' in source) {
    try {
      const u = new URL(source.url);
      if (u.password) {
        add(u.password);
        add(decodeURIComponent(u.password));
      }
    } catch {
      /* validated elsewhere */
    }
  }
  if ('username' in source && 'password' in source && source.password) {
    add(Buffer.from(`${source.username ?? ''}:${source.password}`).toString('base64'));
  }
  // Every secret the contract declares: header values, sensitive query parameters (raw and decoded).
  const { secrets } = splitSourceSecrets(source);
  for (const v of Object.values(secrets.headers ?? {})) add(v);
  for (const v of Object.values(secrets.query ?? {})) {
    add(v);
    try { add(decodeURIComponent(v)); } catch { /* raw only */ }
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/** Every secret of a camera: its source's (secretsOf) and its detect stream's (userinfo password, query tokens). */
export function cameraSecretsOf(config: Pick<CameraConfig, 'source' | 'detection'>): string[] {
  const out = new Set(secretsOf(config.source));
  const stream = config.detection?.detect_stream;
  if (stream) {
    const { secrets } = splitStreamSecrets(stream, config.source);
    for (const v of [secrets.password, ...Object.values(secrets.query ?? {})]) {
      if (!v || v.length < 2) continue;
      out.add(v);
      out.add(encodeURIComponent(v));
      try { out.add(decodeURIComponent(v)); } catch { /* raw only */ }
    }
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/** A detect stream safe to log or show (userinfo password and sensitive query values replaced). */
export function redactStreamForLog(stream: string, source: CameraSource): string {
  return splitStreamSecrets(stream, source).stream;
}

/** Redacts URL userinfo passwords and every listed secret from free text. */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/[^/@:\s'"]*):[^/\s'"]*@/gi, `$1:${REDACTED}@`);
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

/** A copy of a source safe to log or show: every declared secret replaced (the contract's splitSourceSecrets),
 *  URL userinfo redacted. */
export function redactSourceForLog(source: CameraSource): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...splitSourceSecrets(source).source };
  if ('password' in source && source.password) copy.password = REDACTED;
  if ('url' in copy && typeof copy.url === 'string') copy.url = redactUrl(copy.url);
  return copy;
}
