// Local camera enumeration for the "add USB camera" form: v4l2 nodes on Linux (from /dev and sysfs),
// DirectShow on Windows and AVFoundation on macOS (from ffmpeg's device listing, which it prints on
// stderr and then exits non-zero by design).
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { defaultFfmpegPath } from '../ffmpeg/resolve-ffmpeg.ts';

export interface VideoDevice {
  /** The value for the USB source's `device` field. */
  device: string;
  name: string;
  backend: 'v4l2' | 'dshow' | 'avfoundation';
}

/** v4l2 capture nodes. A UVC camera also exposes a metadata node; sysfs `index` 0 is the capture one. */
export function listV4l2Devices(devDir = '/dev', sysDir = '/sys/class/video4linux'): VideoDevice[] {
  let names: string[];
  try {
    names = readdirSync(devDir).filter((n) => /^video\d+$/.test(n));
  } catch {
    return [];
  }
  const read = (n: string, f: string) => {
    try {
      return readFileSync(path.join(sysDir, n, f), 'utf8').trim();
    } catch {
      return null;
    }
  };
  return names
    .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))
    .filter((n) => (read(n, 'index') ?? '0') === '0')
    .map((n) => ({ device: path.join(devDir, n), name: read(n, 'name') ?? n, backend: 'v4l2' as const }));
}

/** Parses `ffmpeg -list_devices true -f dshow -i dummy` (both the ffmpeg ≥5 and the older layout). */
export function parseDshowDevices(text: string): VideoDevice[] {
  const out: VideoDevice[] = [];
  let section: 'video' | 'audio' | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\[[^\]]*\]\s?/, '');
    if (/DirectShow video devices/i.test(line)) section = 'video';
    else if (/DirectShow audio devices/i.test(line)) section = 'audio';
    const m = /^\s*"([^"]+)"(?:\s+\((video|audio|none)\))?\s*$/.exec(line);
    if (!m) continue;
    const kind = m[2] ?? section;
    if (kind === 'video') out.push({ device: m[1], name: m[1], backend: 'dshow' });
  }
  return out;
}

/** Parses `ffmpeg -f avfoundation -list_devices true -i ""`; screens are not cameras. */
export function parseAvfoundationDevices(text: string): VideoDevice[] {
  const out: VideoDevice[] = [];
  let video = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\[[^\]]*\]\s?/, '');
    if (/AVFoundation video devices/i.test(line)) video = true;
    else if (/AVFoundation audio devices/i.test(line)) video = false;
    const m = /^\s*\[(\d+)\]\s+(.+?)\s*$/.exec(line);
    if (video && m && !/^Capture screen/i.test(m[2])) out.push({ device: m[1], name: m[2], backend: 'avfoundation' });
  }
  return out;
}

function ffmpegListing(ffmpeg: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(ffmpeg, ['-hide_banner', ...args], { timeout: 10_000, windowsHide: true }, (_err, _stdout, stderr) => resolve(String(stderr)));
  });
}

/** `devDir` / `sysDir`: where Linux keeps the device nodes and their sysfs entries (another root in tests). */
export async function listVideoDevices(o: { ffmpegPath?: string | (() => string); platform?: NodeJS.Platform; devDir?: string; sysDir?: string } = {}): Promise<VideoDevice[]> {
  const platform = o.platform ?? process.platform;
  if (platform === 'linux') return listV4l2Devices(o.devDir, o.sysDir);
  const ffmpeg = typeof o.ffmpegPath === 'function' ? o.ffmpegPath() : o.ffmpegPath ?? defaultFfmpegPath();
  if (platform === 'win32') return parseDshowDevices(await ffmpegListing(ffmpeg, ['-list_devices', 'true', '-f', 'dshow', '-i', 'dummy']));
  if (platform === 'darwin') return parseAvfoundationDevices(await ffmpegListing(ffmpeg, ['-f', 'avfoundation', '-list_devices', 'true', '-i', '']));
  return [];
}
