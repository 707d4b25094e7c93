// The Electron main process: the one place that imports Electron's runtime modules and hands the few functions
// each part needs to the plain modules beside it (all of which are tested under Node without Electron).
//
// Main owns windows, the tray, the IPC gates and the OS keychain, and supervises the utility processes. The host
// core (cameras, pipeline, SQLite, engine client) runs in a utility process of its own ("Vigil Host"), reached
// through RemoteDesktopHost; engines are utility processes main starts for it, connected to it by a port, so
// frame bytes and database writes never run on the event loop that serves window IPC.
//
// Order matters: privileged scheme and sandbox before 'ready'; single-instance lock before anything touches the
// data directory; crash handlers before the host starts; the protocol, IPC and port handlers before the window
// loads; the window last.
import { BrowserWindow, Menu, MessageChannelMain, Tray, app, crashReporter, ipcMain, protocol, safeStorage, screen, session, shell, utilityProcess } from 'electron';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { FileKeyProvider } from '../security/file-key-provider.ts';
import { resolveFfmpeg } from '../ffmpeg/resolve-ffmpeg.ts';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './app-protocol.ts';
import { CrashLog, describeError, installCrashHandlers } from './crash-log.ts';
import { desktopPaths } from './desktop-paths.ts';
import { installGracefulQuit } from './graceful-quit.ts';
import { EngineBroker } from './engine-broker.ts';
import { utilityHostLauncher } from './host-launcher.ts';
import type { HostKeyInit } from './host-wire.ts';
import { APP_SCHEME } from './ipc-channels.ts';
import { IpcRouter } from './ipc-router.ts';
import { serveKeyBridge, type KeyBridgeServer } from './key-bridge.ts';
import { LivePortServer } from './live-port.ts';
import { RemoteDesktopHost } from './remote-host.ts';
import { createDesktopKeyProvider } from './safe-storage-key-provider.ts';
import { SenderGuard } from './sender-guard.ts';
import { TrayController, type TrayLevel } from './tray-status.ts';
import { UtilityEngineLauncher } from './utility-engine-launcher.ts';
import { APP_START_URL, applySessionPolicy, isExternalLinkAllowed, mainWindowOptions, pinWebContents } from './window-security.ts';
import { fitToDisplays, readWindowState, trackWindowState, writeWindowState } from './window-state.ts';

/** Stops cameras, flushes the database and stops the engine; generous, because a camera may be mid-reconnect. */
const QUIT_DEADLINE_MS = 15_000;

export function runDesktopApp(): void {
  // Before 'ready': our scheme is a secure, standard origin; every renderer is sandboxed.
  protocol.registerSchemesAsPrivileged([{ ...APP_SCHEME_PRIVILEGES, privileges: { ...APP_SCHEME_PRIVILEGES.privileges } }]);
  app.enableSandbox();
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.setAppUserModelId('com.vigil.console');

  const paths = desktopPaths({ userData: app.getPath('userData'), appPath: app.getAppPath(), isPackaged: app.isPackaged, resourcesPath: process.resourcesPath });
  mkdirSync(paths.dataDir, { recursive: true });
  mkdirSync(paths.logsDir, { recursive: true });
  const log = pino({ level: process.env.VIGIL_LOG_LEVEL ?? 'info', base: { app: 'vigil-desktop' } }, pino.destination({ dest: paths.mainLog, sync: false }));
  const crashLog = new CrashLog(paths.crashLog, { version: app.getVersion(), platform: process.platform, arch: process.arch });
  // Minidumps stay in app.getPath('crashDumps'); nothing is uploaded.
  crashReporter.start({ uploadToServer: false, compress: true });
  installCrashHandlers({ process, app }, { crashLog, onFatal: () => app.quit() });

  const guard = new SenderGuard();
  let mainWindow: BrowserWindow | null = null;
  let tray: TrayController | null = null;
  let router: IpcRouter | null = null;
  let ports: LivePortServer<Electron.MessagePortMain> | null = null;
  let host: RemoteDesktopHost | null = null;
  let keyBridge: KeyBridgeServer | null = null;

  const quit = installGracefulQuit({
    app, log, crashLog, deadlineMs: QUIT_DEADLINE_MS,
    steps: [
      { name: 'tray', run: () => tray?.stop() },
      { name: 'host (cameras, database, engine)', run: () => host?.close(QUIT_DEADLINE_MS - 1000) },
      { name: 'key bridge', run: () => keyBridge?.close() },
      { name: 'ipc', run: () => { router?.dispose(); ports?.dispose(); } },
      { name: 'log', run: () => log.flush() },
    ],
  });

  const showWindow = () => {
    if (!mainWindow || mainWindow.isDestroyed()) mainWindow = createWindow();
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  };
  app.on('second-instance', showWindow);
  app.on('activate', showWindow);
  // Closing the window hides it to the tray while cameras keep running; without a tray, closing quits.
  app.on('window-all-closed', () => {
    if (!tray) app.quit();
  });
  // Every webContents (the window, and anything unexpected) is pinned to our origin.
  app.on('web-contents-created', (_event, contents) => {
    // Every kind (window, webview, browserView, backgroundPage, remote, offscreen): none may navigate away or open
    // arbitrary pages; the external-link allow-list is checked again right before shell.openExternal.
    pinWebContents(contents, { openExternal: (url) => { if (isExternalLinkAllowed(url)) void shell.openExternal(url); }, log });
  });

  function createWindow(): BrowserWindow {
    const displays = [screen.getPrimaryDisplay(), ...screen.getAllDisplays().filter((d) => d.id !== screen.getPrimaryDisplay().id)];
    const bounds = fitToDisplays(readWindowState(paths.windowState), displays.map((d) => d.workArea));
    const win = new BrowserWindow(mainWindowOptions({
      preloadPath: paths.preload, bounds, iconPath: path.join(paths.iconsDir, 'icon-256.png'), devTools: !app.isPackaged,
    }));
    if (bounds.maximized) win.maximize();
    trackWindowState(win, (state) => writeWindowState(paths.windowState, state));
    const contentsId = win.webContents.id;
    guard.trust(contentsId);
    win.webContents.once('destroyed', () => {
      ports?.closeFor(contentsId);
      const sessionId = guard.forget(contentsId);
      if (sessionId) host?.endSession?.(sessionId);
    });
    win.on('close', (event) => {
      if (quit.phase() === 'running' && tray) {
        event.preventDefault();
        win.hide();
      }
    });
    win.once('ready-to-show', () => win.show());
    void win.loadURL(APP_START_URL);
    return win;
  }

  void app.whenReady().then(async () => {
    applySessionPolicy(session.defaultSession, log);
    const keyProvider = createDesktopKeyProvider({
      safeStorage, platform: process.platform, choiceFile: paths.keyProviderChoice,
      openKeyFile: () => FileKeyProvider.open(paths.keyFile), log,
    });
    const utility = (entry: string, serviceName: string, kind: 'engine-gone' | 'host-gone') => new UtilityEngineLauncher({
      fork: (modulePath, args, options) => utilityProcess.fork(modulePath, args, options),
      onChildProcessGone: (listener) => {
        const handler = (_event: Electron.Event, details: Electron.Details) => listener(details);
        app.on('child-process-gone', handler);
        return () => app.removeListener('child-process-gone', handler);
      },
      entry, serviceName, log,
      reportCrash: (record) => crashLog.record({ kind, ...record }),
    });
    const engines = utility(paths.engineEntry, 'Vigil Engine', 'engine-gone');
    const broker = new EngineBroker({
      launch: (port, env) => engines.launch({ port, env }),
      createChannel: () => {
        const { port1, port2 } = new MessageChannelMain();
        return { engine: port1, host: port2 };
      },
      log,
    });
    try {
      // The keychain answers in main; the host process reaches it through the key bridge (or opens the key file).
      let key: HostKeyInit;
      if (keyProvider instanceof FileKeyProvider) {
        key = { kind: 'key-file', path: paths.keyFile };
      } else {
        keyBridge = await serveKeyBridge(keyProvider);
        key = { kind: 'bridge', providerKind: keyBridge.providerKind, address: keyBridge.address, token: keyBridge.token };
      }
      const ffmpegPath = resolveFfmpeg(paths.ffmpegResources ? { resourcesPath: paths.ffmpegResources } : {});
      host = new RemoteDesktopHost({
        launcher: utilityHostLauncher(utility(paths.hostEntry, 'Vigil Host', 'host-gone')),
        init: {
          dataDir: paths.dataDir, ffmpegPath, modelsDir: paths.modelsDir, key, engine: 'broker',
          logFile: paths.hostLog, logLevel: process.env.VIGIL_LOG_LEVEL ?? 'info',
          // The demo camera plays a video composed at set-up time in a development checkout; installers ship none.
          demo: false,
        },
        broker, log,
      });
      await host.start();
    } catch (err) {
      crashLog.record({ kind: 'uncaught-exception', phase: 'host start', error: describeError(err) });
      log.fatal({ err: describeError(err) }, 'the host could not start');
      const { dialog } = await import('electron');
      dialog.showErrorBox('Vigil could not start', `${(err as Error).message}\n\nDetails are in ${paths.hostLog} and ${paths.mainLog}`);
      app.exit(1);
      return;
    }
    const liveHost = host;

    protocol.handle(APP_SCHEME, createAppProtocolHandler({
      rendererDir: paths.rendererDir,
      media: liveHost,
      currentSession: () => {
        const sessionId = mainWindow && !mainWindow.isDestroyed() ? guard.sessionOf(mainWindow.webContents.id) : undefined;
        return sessionId ? { origin: 'ipc', sessionId } : null;
      },
      log,
    }));
    ports = new LivePortServer<Electron.MessagePortMain>({
      ipc: ipcMain,
      createChannel: () => {
        const { port1, port2 } = new MessageChannelMain();
        return { local: port1, remote: port2 };
      },
      guard, host: liveHost, log,
    });
    router = new IpcRouter({
      ipc: ipcMain, guard, host: liveHost, log,
      onSessionChanged: (contentsId) => ports?.sessionFor(contentsId)?.clearSubscriptions(),
    });

    try {
      const icon = (level: TrayLevel) => path.join(paths.iconsDir, `tray-${level}.png`);
      tray = new TrayController({
        tray: new Tray(icon('idle')),
        buildMenu: (items) => Menu.buildFromTemplate(items),
        iconFor: icon,
        health: () => liveHost.health(),
        showWindow,
        quit: () => app.quit(),
      });
      tray.start();
    } catch (err) {
      // Some Linux desktops have no status area; the app then quits when its window closes.
      log.warn({ err: describeError(err) }, 'no system tray available');
      tray = null;
    }
    mainWindow = createWindow();
  });
}
