// Finds the ffmpeg binary. Order: an explicit path from the caller, FFMPEG_BIN, the binary a packaged
// app ships outside its asar (the caller passes process.resourcesPath: no Electron import here),
// ffmpeg-static's download, then PATH. ffmpeg-static returns a path even when its install-time
// download never happened (offline installs), so every candidate is checked on disk.
import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface ResolveFfmpegOptions {
  /** Use exactly this binary (e.g. from settings). */
  explicitPath?: string;
  /** Packaged app: `process.resourcesPath`; the binary is looked for in `<resourcesPath>/ffmpeg/`. */
  resourcesPath?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

export class FfmpegNotFoundError extends Error {
  readonly code = 'FFMPEG_NOT_FOUND';
  constructor(message: string, readonly looked: string[]) {
    super(message);
    this.name = 'FfmpegNotFoundError';
  }
}

const INSTALL_HINT =
  'install ffmpeg (Debian/Ubuntu: `sudo apt-get install ffmpeg`, macOS: `brew install ffmpeg`, ' +
  'Windows: `winget install Gyan.FFmpeg`) or set FFMPEG_BIN to the full path of an ffmpeg executable';

function isExecutableFile(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    if (platform !== 'win32') accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function exeName(platform: NodeJS.Platform): string {
  return platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg';
}

/** ffmpeg-static's path, moved out of the asar archive when the app is packaged (asarUnpack). */
function ffmpegStaticPath(env: NodeJS.ProcessEnv): string | null {
  if (env.FFMPEG_BIN) return null; // ffmpeg-static would only echo it back
  try {
    const require = createRequire(import.meta.url);
    const p = require('ffmpeg-static') as string | null;
    return p ? p.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`) : null;
  } catch {
    return null;
  }
}

function onPath(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string[] {
  const dirs = (env.PATH ?? env.Path ?? '').split(platform === 'win32' ? ';' : ':').filter(Boolean);
  return dirs.map((d) => path.join(d, exeName(platform)));
}

export function resolveFfmpeg(options: ResolveFfmpegOptions = {}): string {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const looked: string[] = [];
  const pinned = options.explicitPath ?? env.FFMPEG_BIN;
  if (pinned) {
    // A configured path that is wrong is a configuration error, not something to paper over with PATH.
    if (isExecutableFile(pinned, platform)) return pinned;
    const what = options.explicitPath ? 'the configured ffmpeg path' : 'FFMPEG_BIN';
    throw new FfmpegNotFoundError(`ffmpeg not found: ${what} points to ${pinned}, which is not an executable file; ${INSTALL_HINT}`, [pinned]);
  }
  const candidates: string[] = [];
  if (options.resourcesPath) {
    candidates.push(path.join(options.resourcesPath, 'ffmpeg', exeName(platform)), path.join(options.resourcesPath, exeName(platform)));
  }
  const fromStatic = ffmpegStaticPath(env);
  if (fromStatic) candidates.push(fromStatic);
  candidates.push(...onPath(env, platform));
  for (const c of candidates) {
    looked.push(c);
    if (isExecutableFile(c, platform)) return c;
  }
  throw new FfmpegNotFoundError(`ffmpeg not found: ${INSTALL_HINT}`, looked);
}

let cached: string | undefined;
/** resolveFfmpeg() with the process defaults, memoised (the answer does not change while running). */
export function defaultFfmpegPath(): string {
  cached ??= resolveFfmpeg();
  return cached;
}
