// What `vigil camera-test` and the UI's "Test connection" accept: a URL or path, a source config
// (contract shape), a whole camera config, or a source written with the integrators' field names (
// `stream_type: "RTSP"`, `rtsp_url`, …). Everything ends as a validated CameraConfig.
import { existsSync } from 'node:fs';
import { VigilError } from '../../src-contract/errors.ts';
import type { CameraConfig } from './camera-config.ts';
import { parseCameraConfig } from './parse-camera-config.ts';

const TEST_CAMERA_ID = 'camera-test';

/** A source config from a bare URL or path. */
export function sourceFromUrl(text: string): Record<string, unknown> {
  const s = text.trim();
  if (/^rtsps?:\/\//i.test(s)) return { type: 'rtsp', url: s };
  if (/^https?:\/\//i.test(s)) return { type: 'http_mjpeg', url: s };
  if (/^wss?:\/\//i.test(s)) return { type: 'websocket', url: s };
  const tcp = /^tcp:\/\/([^:/]+|\[[^\]]+\]):(\d+)\/?$/i.exec(s);
  if (tcp) return { type: 'socket', host: tcp[1].replace(/^\[|\]$/g, ''), port: Number(tcp[2]) };
  if (/^\/dev\/video\d+$/.test(s)) return { type: 'usb', device: s };
  const usb = /^usb:(.+)$/i.exec(s);
  if (usb) return { type: 'usb', device: usb[1] };
  if (/^file:\/\//i.test(s)) return { type: 'file', path: new URL(s).pathname, loop: false };
  if (existsSync(s)) return { type: 'file', path: s, loop: false };
  throw new VigilError('INVALID_CONFIG', `not a camera URL or an existing file: ${s.slice(0, 200)}`, { field: 'source' });
}

const SEED_TYPES: Record<string, string> = { RTSP: 'rtsp', USB: 'usb', HTTP_MJPEG: 'http_mjpeg', WEBSOCKET: 'websocket', SOCKET: 'socket', FILE: 'file' };

/** Maps the integrators' field names onto the contract's. */
export function sourceFromSeed(seed: Record<string, unknown>): Record<string, unknown> {
  const type = SEED_TYPES[String(seed.stream_type).toUpperCase()];
  if (!type) throw new VigilError('INVALID_CONFIG', `unknown stream_type ${String(seed.stream_type)}`, { field: 'source.stream_type' });
  const secs = (v: unknown) => (typeof v === 'number' ? Math.round(v * 1000) : undefined);
  const pick = (...keys: string[]) => Object.fromEntries(keys.filter((k) => seed[k] !== undefined).map((k) => [k, seed[k]]));
  switch (type) {
    case 'rtsp':
      return { type, url: seed.rtsp_url ?? seed.url, ...pick('transport', 'username', 'password'), timeout_ms: secs(seed.timeout_seconds) };
    case 'usb': {
      const [w, h] = typeof seed.resolution === 'string' ? seed.resolution.split('x').map(Number) : [];
      return { type, device: String(seed.device_id ?? seed.device ?? '0'), width: w, height: h, framerate: seed.fps };
    }
    case 'http_mjpeg':
      return { type, url: seed.url, ...pick('username', 'password', 'headers') };
    case 'websocket':
      return { type, url: seed.ws_url ?? seed.url, ...pick('protocol'), ping_interval_ms: secs(seed.ping_interval), max_message_bytes: seed.max_message_size };
    case 'socket': {
      const delim = typeof seed.frame_delimiter === 'string' ? seed.frame_delimiter.replace(/\\x|0x|\s/gi, '') : undefined;
      return { type, ...pick('host', 'port'), delimiter_hex: delim };
    }
    default:
      return { type, path: seed.path, ...pick('loop', 'realtime') };
  }
}

/** A validated camera config for a test run from any accepted input. Throws INVALID_CONFIG. */
export function cameraTestConfig(input: unknown): CameraConfig {
  let value = input;
  if (typeof value === 'string') {
    const t = value.trim();
    if (t.startsWith('{')) {
      try {
        value = JSON.parse(t);
      } catch (err) {
        throw new VigilError('INVALID_CONFIG', `config is not valid JSON: ${(err as Error).message}`, { field: 'source' });
      }
    } else {
      value = sourceFromUrl(t);
    }
  }
  if (!value || typeof value !== 'object') throw new VigilError('INVALID_CONFIG', 'expected a camera config, a source config or a URL', { field: 'source' });
  const obj = value as Record<string, unknown>;
  const base = { id: TEST_CAMERA_ID, name: 'Camera test' };
  if ('source' in obj) return parseCameraConfig({ ...base, ...obj, id: typeof obj.id === 'string' ? obj.id : TEST_CAMERA_ID });
  const source = 'stream_type' in obj ? sourceFromSeed(obj) : obj;
  return parseCameraConfig({ ...base, source: Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined)) });
}
