// One connection attempt made exactly like the app makes them (same readers, same supervision, no
// retry), for `vigil camera-test` and the UI's "Test connection" button.
import sharp from 'sharp';
import { VigilError } from '../../src-contract/errors.ts';
import { publicCode, type CameraTestErrorCode } from './camera-error.ts';
import type { CameraFrame } from './camera-frame.ts';
import type { CameraErrorEvent } from './camera-events.ts';
import { CameraSession, type CameraSessionOptions } from './camera-session.ts';
import { cameraTestConfig } from './camera-test-input.ts';
import { parseCameraConfig } from './parse-camera-config.ts';

export type CameraTestResult =
  | {
      ok: true;
      /** Detection frames received during the test window. */
      frames: number;
      /** Detection frames per second in steady state (median interval: the burst of frames buffered while
       *  ffmpeg probes an RTSP stream does not inflate it). The camera's fps_limit caps it (default 5). */
      fps: number;
      /** Same as `fps`, named for what it is (the frames the detector gets), beside `source_fps`. */
      analysed_fps?: number;
      /** The source's own picture size and codec. */
      width: number;
      height: number;
      codec: string;
      /** From starting the connection to the first decoded frame. */
      first_frame_ms: number;
      /** The source's nominal frame rate when known. */
      source_fps?: number | null;
      /** Size of the detection frames (the detect stream's, when the camera names one, scaled to detect_width). */
      detect_width?: number;
      detect_height?: number;
      /** First frame as a JPEG data: URL, when asked for. */
      preview?: string;
    }
  | { ok: false; error: { code: CameraTestErrorCode; message: string; field?: string } };

export interface CameraTestOptions extends Pick<CameraSessionOptions, 'ffmpegPath' | 'logger' | 'decodeThreads'> {
  /** Time allowed to the first frame; default the source's timeout + 5 s. */
  connectTimeoutMs?: number;
  /** How long to receive after the first frame (default 4 s). */
  seconds?: number;
  /** Include the first frame as a JPEG data URL (default false). */
  preview?: boolean;
  /** Test with this detect stream (substream URL or file path) in place of the config's. */
  detectStream?: string;
  signal?: AbortSignal;
}

async function previewOf(frame: CameraFrame): Promise<string> {
  const jpeg = await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } }).jpeg({ quality: 80 }).toBuffer();
  return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
}

/** Frames per second from the median inter-arrival time (0 with fewer than two frames). */
export function steadyFps(arrivalsMs: number[]): number {
  if (arrivalsMs.length < 2) return 0;
  const gaps = arrivalsMs.slice(1).map((t, i) => t - arrivalsMs[i]).sort((a, b) => a - b);
  const mid = gaps.length >> 1;
  const median = gaps.length % 2 ? gaps[mid] : (gaps[mid - 1] + gaps[mid]) / 2;
  return median > 0 ? Math.round((1000 / median) * 100) / 100 : 0;
}

export async function testCamera(input: unknown, options: CameraTestOptions = {}): Promise<CameraTestResult> {
  let config;
  try {
    config = cameraTestConfig(input);
    if (options.detectStream !== undefined) config = parseCameraConfig({ ...config, detection: { ...config.detection, detect_stream: options.detectStream } });
  } catch (err) {
    if (err instanceof VigilError) return { ok: false, error: { code: 'INVALID_CONFIG', message: err.message, field: err.extra.field } };
    throw err;
  }
  const seconds = Math.min(60, Math.max(0.5, options.seconds ?? 4));
  const session = new CameraSession(
    { ...config, enabled: true, max_retries: 0 },
    { ffmpegPath: options.ffmpegPath, logger: options.logger, decodeThreads: options.decodeThreads, timings: { statsIntervalMs: 60_000, connectTimeoutMs: options.connectTimeoutMs } },
  );
  const started = performance.now();
  let first: CameraFrame | null = null;
  let firstMs = 0;
  let frames = 0;
  const arrivals: number[] = [];
  return new Promise<CameraTestResult>((resolve) => {
    let settled = false;
    let windowTimer: NodeJS.Timeout | null = null;
    const finish = async (result: CameraTestResult | null) => {
      if (settled) return;
      settled = true;
      if (windowTimer) clearTimeout(windowTimer);
      options.signal?.removeEventListener('abort', onAbort);
      session.stop('test finished');
      session.removeAllListeners();
      if (result) return resolve(result);
      const info = session.streamInfo;
      const analysed = steadyFps(arrivals);
      resolve({
        ok: true,
        frames,
        fps: analysed,
        width: info?.width ?? first!.width,
        height: info?.height ?? first!.height,
        codec: info?.codec ?? 'unknown',
        first_frame_ms: Math.round(firstMs),
        // New fields go after the original ones: integrators read the CLI's JSON in this order.
        analysed_fps: analysed,
        source_fps: info?.fps ?? null,
        detect_width: first!.width,
        detect_height: first!.height,
        ...(options.preview && first ? { preview: await previewOf(first) } : {}),
      });
    };
    const onAbort = () => void finish({ ok: false, error: { code: 'TIMEOUT', message: 'test cancelled' } });
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const onFrame = (f: CameraFrame) => {
      frames++;
      const at = performance.now() - started;
      arrivals.push(at);
      if (!first) {
        first = f;
        firstMs = at;
        windowTimer = setTimeout(() => void finish(null), seconds * 1000);
      }
    };
    session.on('event', (e) => {
      if (e.event_type === 'camera_error') {
        const err = (e as CameraErrorEvent).error;
        // A stream that ends after delivering frames (a short file) is a success with what it gave.
        if (first && (err.reason === 'STREAM_ENDED' || err.reason === 'STREAM_UNAVAILABLE')) void finish(null);
        else void finish({ ok: false, error: { code: publicCode(err.reason), message: err.message } });
      } else if (e.event_type === 'camera_connection' && e.status === 'stopped' && !settled) {
        void finish(first ? null : { ok: false, error: { code: 'STREAM_UNAVAILABLE', message: `stream stopped before a frame: ${e.details}` } });
      }
    });
    session.start();
    void (async () => {
      for (let f = await session.nextFrame(); f && !settled; f = await session.nextFrame()) onFrame(f);
    })();
  });
}
