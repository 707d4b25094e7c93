// Composes a video of people "walking" across a scene: pre-rendered head-and-shoulders sprites (RGBA) move along
// straight paths over a background and the frames are piped raw to ffmpeg (libx264). Blitting is done on typed
// arrays (a background copy plus a few alpha-blended rectangles per frame), so a 25 s 720p video takes seconds.
// Used by `npm run setup` for the demo camera and by the integration tests and the host benchmark.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import sharp from 'sharp';

export interface Sprite {
  width: number;
  height: number;
  /** RGBA, row-major. */
  rgba: Uint8Array;
}

export interface Walker {
  sprite: Sprite;
  /** Seconds from the start of the video. */
  start: number;
  end: number;
  /** Top-left of the sprite at `start` and at `end`, in output pixels. */
  from: [number, number];
  to: [number, number];
  /** Vertical bob of a walking gait, pixels (0 = glide). */
  bob?: number;
}

export interface WalkVideoOptions {
  out: string;
  width: number;
  height: number;
  fps: number;
  seconds: number;
  background: Uint8Array; // RGB, width × height
  walkers: Walker[];
  ffmpegPath: string;
  /** Constant-quality factor for libx264 (lower = better); default 23. */
  crf?: number;
}

/** Alpha-blends `s` onto the RGB `frame` with its top-left at (x, y), clipped to the frame. */
export function blit(frame: Uint8Array, fw: number, fh: number, s: Sprite, x: number, y: number): void {
  const x0 = Math.max(0, x);
  const y0 = Math.max(0, y);
  const x1 = Math.min(fw, x + s.width);
  const y1 = Math.min(fh, y + s.height);
  for (let yy = y0; yy < y1; yy++) {
    let si = ((yy - y) * s.width + (x0 - x)) * 4;
    let di = (yy * fw + x0) * 3;
    for (let xx = x0; xx < x1; xx++, si += 4, di += 3) {
      const a = s.rgba[si + 3];
      if (a === 0) continue;
      if (a === 255) {
        frame[di] = s.rgba[si];
        frame[di + 1] = s.rgba[si + 1];
        frame[di + 2] = s.rgba[si + 2];
      } else {
        const b = 255 - a;
        frame[di] = (s.rgba[si] * a + frame[di] * b + 127) / 255;
        frame[di + 1] = (s.rgba[si + 1] * a + frame[di + 1] * b + 127) / 255;
        frame[di + 2] = (s.rgba[si + 2] * a + frame[di + 2] * b + 127) / 255;
      }
    }
  }
}

/** Where a walker's sprite is at time t (seconds), or null when it is off stage. */
export function walkerPosition(w: Walker, t: number): [number, number] | null {
  if (t < w.start || t >= w.end) return null;
  const k = (t - w.start) / (w.end - w.start);
  const x = w.from[0] + (w.to[0] - w.from[0]) * k;
  const bob = (w.bob ?? 0) * Math.abs(Math.sin(k * Math.PI * 8));
  const y = w.from[1] + (w.to[1] - w.from[1]) * k - bob;
  return [Math.round(x), Math.round(y)];
}

export async function composeWalkVideo(o: WalkVideoOptions): Promise<{ frames: number; ms: number }> {
  if (o.background.length !== o.width * o.height * 3) throw new RangeError('background must be RGB of the output size');
  if (o.width % 2 || o.height % 2) throw new RangeError('width and height must be even (yuv420p)');
  mkdirSync(dirname(o.out), { recursive: true });
  const t0 = performance.now();
  const ff = spawn(o.ffmpegPath, [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${o.width}x${o.height}`, '-r', String(o.fps), '-i', 'pipe:0',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(o.crf ?? 23), '-pix_fmt', 'yuv420p',
    '-g', String(o.fps * 2), '-movflags', '+faststart', o.out,
  ], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  ff.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const done = new Promise<void>((resolve, reject) => {
    ff.on('error', reject);
    ff.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${code}: ${stderr.trim().slice(-500)}`))));
  });
  const frames = Math.round(o.seconds * o.fps);
  for (let i = 0; i < frames; i++) {
    const frame = Buffer.from(o.background); // fresh buffer per frame: ffmpeg's stdin may still hold the last one
    const t = i / o.fps;
    for (const w of o.walkers) {
      const p = walkerPosition(w, t);
      if (p) blit(frame, o.width, o.height, w.sprite, p[0], p[1]);
    }
    if (!ff.stdin!.write(frame)) await new Promise<void>((r) => ff.stdin!.once('drain', () => r()));
  }
  ff.stdin!.end();
  await done;
  return { frames, ms: performance.now() - t0 };
}

/** A plain, face-free scene (wall, doors, floor) rendered from SVG, as RGB. */
export async function corridorBackground(width: number, height: number): Promise<Uint8Array> {
  const floorY = Math.round(height * 0.78);
  const doors = [0.12, 0.42, 0.72].map((fx) => {
    const x = Math.round(width * fx);
    const w = Math.round(width * 0.13);
    const top = Math.round(height * 0.22);
    return `<rect x="${x}" y="${top}" width="${w}" height="${floorY - top}" fill="#4a3b2f" stroke="#2b221b" stroke-width="6"/>` +
      `<circle cx="${x + w - 18}" cy="${Math.round((top + floorY) / 2)}" r="6" fill="#c9b27c"/>`;
  }).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="wall" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#8d96a0"/><stop offset="1" stop-color="#6d757e"/></linearGradient>
    <linearGradient id="floor" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#5a5047"/><stop offset="1" stop-color="#3a332d"/></linearGradient></defs>
    <rect width="${width}" height="${floorY}" fill="url(#wall)"/>
    <rect y="${floorY}" width="${width}" height="${height - floorY}" fill="url(#floor)"/>
    ${doors}
    <rect x="0" y="${Math.round(height * 0.06)}" width="${width}" height="10" fill="#a8b0b8"/>
  </svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.width !== width || info.height !== height || info.channels !== 3) throw new Error('background render has the wrong size');
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}
