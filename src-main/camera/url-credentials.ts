// Credentials for URL-based sources. The contract keeps username/password in their own fields; a user
// may still paste `rtsp://user:pass@host/…`. Explicit fields win; the URL's own userinfo is the fallback.

export interface UrlCredentials {
  username?: string;
  password?: string;
}

/** The URL without userinfo, plus the credentials it carried (decoded). */
export function splitUrlCredentials(url: string): { url: string } & UrlCredentials {
  const u = new URL(url);
  const username = u.username ? decodeURIComponent(u.username) : undefined;
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  u.username = '';
  u.password = '';
  return { url: u.toString(), username, password };
}

/** Effective credentials for a source: fields first, then the URL's userinfo. */
export function effectiveCredentials(source: { url: string } & UrlCredentials): { url: string } & UrlCredentials {
  const fromUrl = splitUrlCredentials(source.url);
  return {
    url: fromUrl.url,
    username: source.username || fromUrl.username,
    password: source.password || fromUrl.password,
  };
}

/** A URL with the credentials percent-encoded into its userinfo (how ffmpeg takes RTSP credentials). */
export function urlWithCredentials(url: string, creds: UrlCredentials): string {
  const u = new URL(url);
  if (creds.username !== undefined && creds.username !== '') {
    u.username = encodeURIComponent(creds.username);
    if (creds.password !== undefined) u.password = encodeURIComponent(creds.password);
  }
  return u.toString();
}

export function basicAuthHeader(creds: UrlCredentials): string | null {
  if (!creds.username && !creds.password) return null;
  return `Basic ${Buffer.from(`${creds.username ?? ''}:${creds.password ?? ''}`, 'utf8').toString('base64')}`;
}
