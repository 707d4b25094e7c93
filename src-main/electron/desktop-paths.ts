// Where the desktop app finds its code and resources and keeps its data. Packaged, code lives in app.asar
// (process.resourcesPath/app.asar), native payloads in app.asar.unpacked, and models/ffmpeg in extraResources;
// in development everything is under the project directory. All user data stays under app.getPath('userData'):
// first run creates folders there and copies nothing anywhere else.
import path from 'node:path';

export interface DesktopPathsInput {
  userData: string;
  /** app.getAppPath(): the project root in development, …/resources/app.asar when packaged. */
  appPath: string;
  isPackaged: boolean;
  /** process.resourcesPath (meaningful when packaged). */
  resourcesPath: string;
}

export interface DesktopPaths {
  dataDir: string;
  logsDir: string;
  mainLog: string;
  /** The host-core process's log (cameras, pipeline, database). */
  hostLog: string;
  crashLog: string;
  windowState: string;
  keyProviderChoice: string;
  keyFile: string;
  rendererDir: string;
  preload: string;
  engineEntry: string;
  /** The host core's utility-process entry. */
  hostEntry: string;
  modelsDir: string;
  iconsDir: string;
  /** Where a packaged ffmpeg sits (resolve-ffmpeg looks in <resourcesPath>/ffmpeg/); null in development. */
  ffmpegResources: string | null;
}

export function desktopPaths(input: DesktopPathsInput): DesktopPaths {
  const dataDir = path.join(input.userData, 'data');
  const logsDir = path.join(input.userData, 'logs');
  const bundle = path.join(input.appPath, 'dist', 'electron');
  return {
    dataDir,
    logsDir,
    mainLog: path.join(logsDir, 'main.log'),
    hostLog: path.join(logsDir, 'host.log'),
    crashLog: path.join(logsDir, 'crash.log'),
    windowState: path.join(input.userData, 'window-state.json'),
    keyProviderChoice: path.join(dataDir, 'key-provider'),
    keyFile: path.join(dataDir, 'secret.key'),
    rendererDir: path.join(input.appPath, 'dist', 'renderer'),
    preload: path.join(bundle, 'preload.cjs'),
    engineEntry: path.join(bundle, 'engine.js'),
    hostEntry: path.join(bundle, 'host.js'),
    modelsDir: input.isPackaged ? path.join(input.resourcesPath, 'models') : path.join(input.appPath, 'models'),
    iconsDir: path.join(input.appPath, 'assets', 'icons'),
    ffmpegResources: input.isPackaged ? input.resourcesPath : null,
  };
}
