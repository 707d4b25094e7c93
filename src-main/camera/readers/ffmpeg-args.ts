// ffmpeg command lines for the sources ffmpeg reads itself (RTSP, USB, file). One process per
// camera, up to three outputs from one input connection (cameras often allow few RTSP sessions):
//   pipe:1  detection frames: rate-limited before scaling, rgb24 rawvideo (exact frame sizing)
//   pipe:3  live view, fMP4 with the source's H.264/H.265 copied (no re-encode)
//   pipe:3|4 live view fallback, low-rate JPEG (mpjpeg multipart) when the codec is not playable
// With a detect stream (an NVR substream) the process opens two inputs: the substream is decoded for detection
// (and the JPEG fallback), the main stream is only copied into the fMP4 live view, never decoded. Without a live
// view the main stream is not opened at all.
import type { CameraSource } from '../camera-config.ts';
import { effectiveCredentials, urlWithCredentials } from '../url-credentials.ts';
import type { ReaderPlan } from './source-reader.ts';

export type FfmpegSource = Extract<CameraSource, { type: 'rtsp' | 'usb' | 'file' }>;

export interface FfmpegCommand {
  args: string[];
  /** Extra pipe fds (beyond stdout) the outputs write to. */
  fds: { fmp4: number | null; mjpeg: number | null };
  /** showinfo reports each detection frame's media time (seconds, the fMP4's timeline) on stderr. */
  mediaTimes: boolean;
}

export interface FfmpegArgOptions {
  /** Decoder threads per camera. 1 keeps many cameras cheap and adds no frame-threading delay. */
  decodeThreads?: number;
  platform?: NodeJS.Platform;
  /** Where the detection frames go: default `pipe:1` (stdout); a Unix socket path makes ffmpeg listen there for
   *  the host (ffmpeg-reader's socket mode: reads into pooled frame buffers). */
  rawSocketPath?: string;
}

/**
 * Keeps at most `fps` frames per second without ever duplicating one (unlike the fps filter, which
 * repeats stale frames after a stall). The 10 % slack lets a 25 fps source yield exactly 5 fps.
 */
function rateSelect(fps: number): string {
  const interval = (0.9 / fps).toFixed(4);
  return `select='isnan(prev_selected_t)+gte(t-prev_selected_t\\,${interval})'`;
}

/** Scale to `width` (never up), even dimensions for every pixel format. */
function scaleTo(width: number): string {
  return `scale='trunc(min(${width},iw)/2)*2':-2`;
}

export function inputArgs(source: FfmpegSource, platform: NodeJS.Platform): string[] {
  switch (source.type) {
    case 'rtsp': {
      const creds = effectiveCredentials(source);
      return [
        // Frigate's proven RTSP input flags; -timeout is the socket I/O timeout in microseconds.
        '-rtsp_transport', source.transport,
        '-timeout', String(source.timeout_ms * 1000),
        '-fflags', '+genpts+discardcorrupt',
        '-use_wallclock_as_timestamps', '1',
        '-avoid_negative_ts', 'make_zero',
        '-i', urlWithCredentials(creds.url, creds),
      ];
    }
    case 'file':
      return [...(source.realtime ? ['-re'] : []), ...(source.loop ? ['-stream_loop', '-1'] : []), '-i', source.path];
    case 'usb':
      return usbInputArgs(source, platform);
  }
}

function usbInputArgs(source: Extract<CameraSource, { type: 'usb' }>, platform: NodeJS.Platform): string[] {
  const size = source.width && source.height ? ['-video_size', `${source.width}x${source.height}`] : [];
  const rate = source.framerate ? ['-framerate', String(source.framerate)] : [];
  const fmt = source.input_format ? [platform === 'win32' ? '-vcodec' : '-input_format', source.input_format] : [];
  if (platform === 'win32') {
    return ['-f', 'dshow', '-rtbufsize', '64M', ...size, ...rate, ...fmt, '-i', `video=${source.device}`];
  }
  if (platform === 'darwin') {
    // avfoundation refuses to open without an explicit rate the device supports; 30 is near universal.
    return ['-f', 'avfoundation', '-framerate', String(source.framerate ?? 30), ...size, ...fmt, '-i', `${source.device}:none`];
  }
  const dev = /^\d+$/.test(source.device) ? `/dev/video${source.device}` : source.device;
  return ['-f', 'v4l2', ...fmt, ...size, ...rate, '-use_wallclock_as_timestamps', '1', '-i', dev];
}

/** The detect stream as a source of the same type: the source's transport, timeouts and credentials, another URL/path. */
export function detectStreamSource(source: FfmpegSource, stream: string): FfmpegSource {
  switch (source.type) {
    case 'rtsp': return { ...source, url: stream };
    case 'file': return { ...source, path: stream };
    case 'usb': throw new Error('a USB device has one stream: detect_stream is for RTSP and file sources');
  }
}

export function buildFfmpegCommand(source: FfmpegSource, plan: ReaderPlan, options: FfmpegArgOptions = {}): FfmpegCommand {
  const platform = options.platform ?? process.platform;
  const threads = String(options.decodeThreads ?? 1);
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'level+info', '-threads', threads, '-filter_threads', threads];
  const split = plan.detectStream !== undefined && plan.detectStream !== '';
  const copyLive = plan.live.includes('fmp4');
  // Input order: the main stream first when it is opened (its codec decides the live format), then the detect stream.
  let main: string | null = null;
  let detect = '0:v:0';
  if (split) {
    if (copyLive) {
      args.push(...inputArgs(source, platform));
      main = '0:v:0';
      detect = '1:v:0';
    }
    args.push(...inputArgs(detectStreamSource(source, plan.detectStream!), platform));
  } else {
    args.push(...inputArgs(source, platform));
    main = '0:v:0';
  }
  // showinfo prints each detection frame's presentation time: with one input, the same timeline (start at 0) as
  // the copied fMP4, so the live view can draw each frame's boxes on the video frame they were found in.
  const mediaTimes = copyLive && !split;
  args.push(
    '-map', detect, '-an', '-sn', '-dn',
    '-vf', `${rateSelect(plan.fpsLimit)},${scaleTo(plan.detectWidth)}${mediaTimes ? ',showinfo' : ''}`,
    '-fps_mode', 'vfr', '-pix_fmt', 'rgb24', '-f', 'rawvideo',
    ...(options.rawSocketPath ? ['-listen', '1', `unix:${options.rawSocketPath}`] : ['pipe:1']),
  );
  let fd = 3;
  const fds: FfmpegCommand['fds'] = { fmp4: null, mjpeg: null };
  if (plan.live.includes('fmp4')) {
    fds.fmp4 = fd++;
    args.push(
      '-map', main ?? '0:v:0', '-an', '-sn', '-dn', '-c:v', 'copy',
      '-f', 'mp4', '-movflags', '+frag_keyframe+empty_moov+default_base_moof',
      // Fragments of at most 0.5 s keep the live view close to real time whatever the GOP length.
      '-frag_duration', '500000', '-flush_packets', '1', `pipe:${fds.fmp4}`,
    );
  }
  if (plan.live.includes('mjpeg')) {
    fds.mjpeg = fd++;
    // From the stream that is decoded anyway (the detect stream when there is one): no second decoder.
    args.push(
      '-map', detect, '-an', '-sn', '-dn',
      '-vf', `${rateSelect(plan.mjpegFps)},${scaleTo(plan.mjpegWidth)}`,
      '-fps_mode', 'vfr', '-c:v', 'mjpeg', '-q:v', '7', '-f', 'mpjpeg', '-flush_packets', '1', `pipe:${fds.mjpeg}`,
    );
  }
  return { args, fds, mediaTimes };
}
