// Security defaults for the console window: isolated, sandboxed renderer without Node; no new windows; navigation
// pinned to app://vigil; no webviews; the renderer may not reach the network; permissions limited to the two the
// console uses (fullscreen for the live wall, copying text). Camera and microphone are never granted: capture
// happens in ffmpeg in the host, not in the page.
import type { BrowserWindowConstructorOptions } from 'electron';
import { APP_HOST, APP_SCHEME } from './ipc-channels.ts';
import { isAppUrl } from './sender-guard.ts';
import type { ShellLog } from './shell-log.ts';

export interface WindowBoundsOption {
  x?: number;
  y?: number;
  width: number;
  height: number;
}

export function mainWindowOptions(opts: { preloadPath: string; bounds: WindowBoundsOption; iconPath?: string; devTools: boolean }): BrowserWindowConstructorOptions {
  return {
    ...opts.bounds,
    minWidth: 960,
    minHeight: 600,
    show: false, // shown on 'ready-to-show' so the window never flashes white
    backgroundColor: '#0f1115',
    title: 'Vigil',
    icon: opts.iconPath,
    autoHideMenuBar: true,
    webPreferences: {
      preload: opts.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: opts.devTools,
    },
  };
}

/** Permissions the console may be granted, and only for its own origin. */
export const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['fullscreen', 'clipboard-sanitized-write']);

export function isPermissionGranted(permission: string, requestingUrl: string | undefined): boolean {
  return GRANTED_PERMISSIONS.has(permission) && requestingUrl !== undefined && isAppUrl(requestingUrl);
}

/** Hosts the console may open in the user's browser. The console links to no outside page today, so none: a
 *  compromised renderer cannot make the shell open an arbitrary (phishing, exploit) page. Add help hosts here. */
export const EXTERNAL_LINK_HOSTS: readonly string[] = [];

/** Links the console may open in the user's browser: https, no credentials, on an allow-listed host. */
export function isExternalLinkAllowed(url: string, hosts: readonly string[] = EXTERNAL_LINK_HOSTS): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.username === '' && u.password === '' && hosts.includes(u.hostname.toLowerCase());
  } catch {
    return false;
  }
}

/** Requests the renderer's session may make: our protocol, in-page data/blob URLs and DevTools. Not the network. */
export function isRequestAllowed(url: string): boolean {
  const scheme = url.slice(0, url.indexOf(':') + 1);
  if (scheme === `${APP_SCHEME}:`) return isAppUrl(url);
  return scheme === 'data:' || scheme === 'blob:' || scheme === 'devtools:' || scheme === 'chrome-extension:';
}

/** The WebContents calls used to pin a window (Electron's WebContents fits). */
export interface WebContentsGuardTarget {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  on(event: 'will-navigate' | 'will-redirect', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  /** Any frame (sub-frames included) about to navigate: `details.url` is the target. */
  on(event: 'will-frame-navigate', listener: (details: { url: string; preventDefault(): void }) => void): unknown;
}

export function pinWebContents(contents: WebContentsGuardTarget, deps: { openExternal(url: string): void; log: ShellLog; externalHosts?: readonly string[] }): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLinkAllowed(url, deps.externalHosts)) deps.openExternal(url);
    else deps.log.warn({ url: url.slice(0, 200) }, 'window.open refused');
    return { action: 'deny' };
  });
  const stayHome = (event: { preventDefault(): void }, url: string) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    deps.log.warn({ url: url.slice(0, 200) }, 'navigation away from the console refused');
  };
  contents.on('will-navigate', stayHome);
  contents.on('will-redirect', stayHome);
  // will-navigate covers the main frame only: an iframe (or a frame an injected script adds) is pinned too.
  contents.on('will-frame-navigate', (details) => stayHome(details, details.url));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** The Session calls used to fence the renderer (Electron's Session fits). */
export interface SessionPolicyTarget {
  setPermissionRequestHandler(handler: (wc: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string }) => void): void;
  setPermissionCheckHandler(handler: (wc: unknown, permission: string, requestingOrigin: string) => boolean): void;
  setDevicePermissionHandler(handler: () => boolean): void;
  webRequest: {
    onBeforeRequest(listener: (details: { url: string }, callback: (response: { cancel?: boolean }) => void) => void): void;
  };
}

export function applySessionPolicy(ses: SessionPolicyTarget, log: ShellLog): void {
  ses.setPermissionRequestHandler((_wc, permission, callback, details) => {
    const granted = isPermissionGranted(permission, details.requestingUrl);
    if (!granted) log.warn({ permission, url: details.requestingUrl?.slice(0, 200) }, 'permission refused');
    callback(granted);
  });
  // Check handlers get an origin ("app://vigil"), not a URL: add a path so isAppUrl can parse it.
  ses.setPermissionCheckHandler((_wc, permission, requestingOrigin) => isPermissionGranted(permission, `${requestingOrigin}/`));
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isRequestAllowed(details.url);
    if (!allowed) log.warn({ url: details.url.slice(0, 200) }, 'renderer network request blocked');
    callback({ cancel: !allowed });
  });
}

export const APP_START_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;
