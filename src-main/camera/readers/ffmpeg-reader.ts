// One ffmpeg child process for one camera connection (RTSP, USB, file). Detection frames arrive as rgb24 with an
// exact size learned from ffmpeg's own output description; the live view arrives on extra pipes. Why the
// connection ended is read from ffmpeg's stderr.
// Detection frames: on Linux/macOS ffmpeg listens on a Unix socket in a private folder and the host connects with
// `onread`, so the kernel copies each frame straight into a pooled frame buffer (no per-read chunk, no copy).
// Windows (ffmpeg has no unix: output there) and VIGIL_FFMPEG_RAW=stdout read stdout as before, copying the
// chunks into pooled frame buffers.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import {
  classifyFfmpegError,
  FfmpegStreamInfoParser,
  isDecodeErrorLine,
  moreSpecific,
  parseLogLine,
  type FfmpegFailure,
} from '../../ffmpeg/ffmpeg-stderr.ts';
import { CameraError } from '../camera-error.ts';
import { FramePools, type FrameLease } from '../frame-pool.ts';
import { Mp4FragmentParser } from '../mp4-fragments.ts';
import { MultipartParser } from '../multipart-parser.ts';
import { redactText } from '../redact.ts';
import { buildFfmpegCommand, type FfmpegSource } from './ffmpeg-args.ts';
import type { ReaderFrame, ReaderPlan, ReaderSink, SourceReader } from './source-reader.ts';

export interface FfmpegReaderOptions {
  ffmpegPath: string;
  source: FfmpegSource;
  plan: ReaderPlan;
  sink: ReaderSink;
  /** Strings to scrub from everything ffmpeg prints (passwords in its echoed URL). */
  secrets: readonly string[];
  decodeThreads?: number;
  /** The camera's frame buffers (kept across reconnections); a private set when absent. */
  pools?: FramePools;
  /** Where the detection frames come from (default: rawOutputMode()). */
  rawOutput?: RawOutputMode;
}

export type RawOutputMode = 'socket' | 'stdout';

/** Troubleshooting switch: VIGIL_FFMPEG_RAW=stdout reads detection frames from ffmpeg's stdout everywhere. */
export const FFMPEG_RAW_ENV = 'VIGIL_FFMPEG_RAW';

export function rawOutputMode(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): RawOutputMode {
  if (platform === 'win32' || (env[FFMPEG_RAW_ENV] ?? '').toLowerCase() === 'stdout') return 'stdout';
  return 'socket';
}

/** ffmpeg binaries seen refusing the unix: output (a build without it): their readers use stdout. */
const NO_RAW_SOCKET = new Set<string>();
const MAX_SOCKET_PATH_BYTES = 100;
const RAW_SOCKET_REFUSED_RE = /Protocol not found|Option not found|Invalid argument|Address family not supported/i;

/** Waits between attempts to reach ffmpeg's socket (it listens once its input is open: probing takes a while). */
const CONNECT_RETRY_MS = [5, 10, 20, 40, 80, 100];

/** showinfo's line for one frame: its presentation time in seconds. */
const SHOWINFO_RE = /^\[Parsed_showinfo_\d+ @ [^\]]+\]\s*(?:\[\w+\]\s*)?(.*)$/;
const PTS_TIME_RE = /\bn:\s*(\d+)\s+pts:\s*-?\d+\s+pts_time:(-?[\d.]+)/;
/**
 * Frames held for their media time (stderr and stdout are separate pipes, and the first fMP4 fragment, which
 * fixes the timeline, comes up to ~0.5 s after the first frame); beyond this many they go on without one.
 */
const MAX_WAITING_FRAMES = 12;

/** Raw output that may arrive before stderr has told us the frame size (separate pipes, no ordering). */
const MAX_EARLY_BYTES = 64 * 1024 * 1024;

export class FfmpegReader implements SourceReader {
  private child: ChildProcess | null = null;
  private stopped = false;
  private finished = false;
  private frameWidth = 0;
  private frameHeight = 0;
  private frameBytes = 0;
  private early: Buffer[] = [];
  private earlyBytes = 0;
  private current: FrameLease | null = null;
  private fill = 0;
  private readonly pools: FramePools;
  private mode: RawOutputMode = 'stdout';
  private socketDir: string | null = null;
  private socket: net.Socket | null = null;
  private connectTimer: NodeJS.Timeout | null = null;
  private connectAttempt = 0;
  /** Socket mode: ffmpeg exited but frames may still be in the socket; the end is reported once it closes. */
  private exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private socketClosed = false;
  /** Reads before the frame size is known land here and are kept as copies. */
  private scratch: Buffer | null = null;
  private failure: FfmpegFailure | null = null;
  private lastError = '';
  private readonly tail: string[] = [];
  private inputSeen = false;
  private readonly infoParser = new FfmpegStreamInfoParser();
  private mediaTimes = false;
  /** Media times from showinfo by output frame number (n:), and decoded frames not yet paired with theirs. */
  private readonly pts = new Map<number, number>();
  private readonly waiting: ReaderFrame[] = [];
  /** Output frame number of waiting[0] (frames leave stdout in showinfo's order, numbered from 0). */
  private nextIndex = 0;
  /**
   * The decoder's timeline and the copied fMP4's differ by the shift the mp4 muxer applies (B-frame reorder delay):
   * learned once as (first fMP4 presentation time − first decoded frame's time); media times wait for it.
   */
  private firstDecodedS: number | null = null;
  private firstLiveS: number | null = null;

  constructor(private readonly o: FfmpegReaderOptions) {
    this.pools = o.pools ?? new FramePools();
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    this.mode = this.o.rawOutput ?? (NO_RAW_SOCKET.has(this.o.ffmpegPath) ? 'stdout' : rawOutputMode());
    let rawSocketPath: string | undefined;
    if (this.mode === 'socket') {
      try {
        // A private folder (0700 from mkdtemp): only this user can reach the socket before the host connects.
        this.socketDir = mkdtempSync(path.join(tmpdir(), 'vigil-ff-'));
        rawSocketPath = path.join(this.socketDir, 'raw.sock');
        // sun_path holds 104 (macOS) to 108 (Linux) bytes and ffmpeg silently truncates a longer one.
        if (Buffer.byteLength(rawSocketPath) > MAX_SOCKET_PATH_BYTES) throw new Error(`socket path longer than ${MAX_SOCKET_PATH_BYTES} bytes: ${rawSocketPath}`);
      } catch (err) {
        this.removeSocketDir();
        rawSocketPath = undefined;
        this.o.sink.log('warn', `raw frame socket unavailable (${(err as Error).message}): reading ffmpeg's stdout`);
        this.mode = 'stdout';
      }
    }
    const { args, fds, mediaTimes } = buildFfmpegCommand(this.o.source, this.o.plan, { decodeThreads: this.o.decodeThreads, rawSocketPath });
    this.mediaTimes = mediaTimes;
    const extra = Math.max(fds.fmp4 ?? 0, fds.mjpeg ?? 0);
    const stdio: Array<'ignore' | 'pipe'> = ['ignore', this.mode === 'stdout' ? 'pipe' : 'ignore', 'pipe'];
    for (let fd = 3; fd <= extra; fd++) stdio.push('pipe');
    // LC_ALL=C: the failure classes are matched on English system error messages.
    const child = spawn(this.o.ffmpegPath, args, { stdio, windowsHide: true, env: { ...process.env, LC_ALL: 'C' } });
    this.child = child;
    child.on('error', (err: NodeJS.ErrnoException) => {
      this.end(
        err.code === 'ENOENT'
          ? new CameraError('FFMPEG_NOT_FOUND', `ffmpeg could not be started (${this.o.ffmpegPath}): install ffmpeg or set FFMPEG_BIN`)
          : new CameraError('INTERNAL', `ffmpeg could not be started: ${err.message}`),
      );
    });
    child.on('close', (code, signal) => this.onClose(code, signal));
    if (rawSocketPath) this.connectRaw(rawSocketPath);
    else child.stdout!.on('data', (chunk: Buffer) => this.onRaw(chunk));
    this.readLines(child.stderr!);
    if (fds.fmp4 !== null) this.readFmp4(child.stdio[fds.fmp4] as Readable);
    if (fds.mjpeg !== null) this.readMjpeg(child.stdio[fds.mjpeg] as Readable);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    // Nothing to flush: detection frames are ephemeral and the live view restarts with a new init.
    this.child?.kill('SIGKILL');
    this.cleanup();
  }

  /** Gives back every buffer the reader still holds and removes the socket. */
  private cleanup(): void {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = null;
    this.socket?.destroy();
    this.current?.release();
    this.current = null;
    for (const f of this.waiting.splice(0)) f.lease?.release();
    this.removeSocketDir();
  }

  private removeSocketDir(): void {
    if (this.socketDir) rmSync(this.socketDir, { recursive: true, force: true });
    this.socketDir = null;
  }

  /** Connects to ffmpeg's raw-frame socket, retrying until ffmpeg listens (or exits, or the reader stops). */
  private connectRaw(socketPath: string): void {
    if (this.stopped || this.finished || this.exit) return;
    const s = net.connect({
      path: socketPath,
      onread: { buffer: () => this.readTarget(), callback: (n: number, buf: Uint8Array) => this.onRead(n, buf) },
    });
    let connected = false;
    s.on('connect', () => {
      if (this.stopped || this.finished) { s.destroy(); return; }
      connected = true;
      this.socket = s;
      this.removeSocketDir(); // ffmpeg accepts one connection; the path is of no further use
    });
    s.on('error', (err: NodeJS.ErrnoException) => {
      if (connected) return; // 'close' follows; ffmpeg's exit says why
      s.destroy();
      if (this.stopped || this.finished || this.exit) return;
      if (err.code !== 'ENOENT' && err.code !== 'ECONNREFUSED') this.o.sink.log('debug', `raw frame socket: ${err.message}`);
      const wait = CONNECT_RETRY_MS[Math.min(this.connectAttempt++, CONNECT_RETRY_MS.length - 1)];
      this.connectTimer = setTimeout(() => this.connectRaw(socketPath), wait);
    });
    s.on('close', () => {
      if (!connected) return;
      this.socketClosed = true;
      if (this.exit) this.onClose(this.exit.code, this.exit.signal);
    });
  }

  /** Where the next socket read goes: the rest of the frame being filled (pooled), or scratch before the size is known. */
  private readTarget(): Uint8Array {
    if (this.frameBytes === 0 || this.stopped) return (this.scratch ??= Buffer.allocUnsafeSlow(64 * 1024));
    if (!this.current) {
      this.current = this.pools.forSize(this.frameBytes).acquire();
      this.fill = 0;
    }
    return this.current.data.subarray(this.fill);
  }

  /** onread's callback (true: keep reading; ffmpeg waits on the socket while the host is busy, as on a pipe). */
  private onRead(n: number, buf: Uint8Array): boolean {
    if (this.stopped || n <= 0) return true;
    if (this.current && buf.buffer === this.current.data.buffer) {
      this.fill += n;
      if (this.fill === this.frameBytes) this.completeFrame();
      return true;
    }
    // Read into scratch: the frame size was not known yet (or became known during the read).
    this.onRaw(Buffer.from(buf.subarray(0, n)));
    return true;
  }

  private end(err: CameraError): void {
    if (this.stopped || this.finished) return;
    this.finished = true;
    this.o.sink.ended(err);
  }

  private onClose(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopped || this.finished) return;
    if (this.mode === 'socket') {
      this.exit ??= { code, signal };
      if (this.connectTimer) clearTimeout(this.connectTimer);
      this.connectTimer = null;
      // Frames ffmpeg wrote before exiting are still in the socket: report the end once they are read.
      if (this.socket && !this.socketClosed) return;
    }
    this.cleanup();
    if (this.failure) {
      this.end(new CameraError(this.failure, this.lastError));
    } else if (code === 0) {
      this.end(new CameraError('STREAM_ENDED', 'end of stream'));
    } else {
      const why = this.lastError || this.tail.slice(-3).join(' | ') || 'no message';
      this.end(new CameraError('STREAM_UNAVAILABLE', `ffmpeg exited (${signal ?? `code ${code}`}): ${why}`));
    }
  }

  private readLines(stream: Readable): void {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (text: string) => {
      const lines = (partial + text).split(/\r?\n|\r/);
      partial = lines.pop() ?? '';
      for (const l of lines) if (l) this.onLine(l);
    });
    stream.on('end', () => {
      if (partial) this.onLine(partial);
    });
  }

  private onLine(raw: string): void {
    if (this.stopped) return;
    if (this.mode === 'socket' && !this.socket && RAW_SOCKET_REFUSED_RE.test(raw) && raw.includes('raw.sock')) {
      // This ffmpeg build has no unix: output (or no listen option): its next connections read stdout.
      NO_RAW_SOCKET.add(this.o.ffmpegPath);
      this.o.sink.log('warn', `ffmpeg cannot write frames to a Unix socket (${raw.trim()}): reading its stdout from the next connection`);
    }
    const info = SHOWINFO_RE.exec(raw);
    if (info) {
      // Per-frame timing lines stay out of the error tail and the stream-info parser.
      const m = PTS_TIME_RE.exec(info[1]);
      if (m && this.mediaTimes) {
        const n = Number(m[1]);
        if (n === 0) this.firstDecodedS = Number(m[2]);
        this.pts.set(n, Number(m[2]));
        this.pair();
      }
      return;
    }
    const line = parseLogLine(redactText(raw, this.o.secrets));
    this.tail.push(line.text);
    if (this.tail.length > 20) this.tail.shift();
    const stream = this.infoParser.push(line.text);
    if (stream?.direction === 'input' && !this.inputSeen) {
      this.inputSeen = true;
      this.o.sink.info({ codec: stream.codec, width: stream.width, height: stream.height, fps: stream.fps });
    } else if (stream?.direction === 'output' && stream.file === 0 && this.frameBytes === 0) {
      this.setFrameSize(stream.width, stream.height);
    }
    if (line.level === 'error' || line.level === 'fatal') {
      if (isDecodeErrorLine(line)) {
        this.o.sink.corrupt(1, line.text);
        return;
      }
      this.failure = moreSpecific(this.failure, classifyFfmpegError(line.text));
      this.lastError = line.text.replace(/^(\[[^\]]*@ 0x[0-9a-f]+\] )+/, '');
      this.o.sink.log('warn', line.text);
    } else if (line.level === 'warning') {
      this.o.sink.log('debug', line.text);
    }
  }

  private setFrameSize(width: number, height: number): void {
    this.frameWidth = width;
    this.frameHeight = height;
    this.frameBytes = width * height * 3;
    const early = this.early;
    this.early = [];
    this.earlyBytes = 0;
    for (const chunk of early) this.onRaw(chunk);
  }

  /** Cuts stdout into frames of exactly width*height*3 bytes: one copy per byte, into the frame's own buffer. */
  private onRaw(chunk: Buffer): void {
    if (this.stopped) return;
    if (this.frameBytes === 0) {
      this.early.push(chunk);
      this.earlyBytes += chunk.length;
      if (this.earlyBytes > MAX_EARLY_BYTES) {
        this.end(new CameraError('INTERNAL', 'ffmpeg produced frames without describing their size'));
        this.stop();
      }
      return;
    }
    let off = 0;
    while (off < chunk.length && !this.stopped) {
      if (!this.current) {
        this.current = this.pools.forSize(this.frameBytes).acquire();
        this.fill = 0;
      }
      const n = Math.min(chunk.length - off, this.frameBytes - this.fill);
      chunk.copy(this.current.data, this.fill, off, off + n);
      this.fill += n;
      off += n;
      if (this.fill === this.frameBytes) this.completeFrame();
    }
  }

  /** The frame being filled is complete: it goes to the session with its lease (the reader's reference). */
  private completeFrame(): void {
    const lease = this.current!;
    this.current = null;
    this.fill = 0;
    const frame: ReaderFrame = { data: lease.data, lease, width: this.frameWidth, height: this.frameHeight, cameraTimestamp: null, mediaTimeS: null };
    if (!this.mediaTimes) this.o.sink.frame(frame);
    else {
      this.waiting.push(frame);
      this.pair();
    }
  }

  /** Gives waiting frames their media times in order; frames whose time does not come go on without one. */
  private pair(): void {
    const known = () => this.pts.has(this.nextIndex) && this.firstDecodedS !== null && this.firstLiveS !== null;
    while (this.waiting.length > 0 && (known() || this.waiting.length > MAX_WAITING_FRAMES)) {
      const frame = this.waiting.shift()!;
      const t = this.pts.get(this.nextIndex);
      this.pts.delete(this.nextIndex);
      this.nextIndex++;
      const shift = this.firstDecodedS !== null && this.firstLiveS !== null ? this.firstLiveS - this.firstDecodedS : null;
      frame.mediaTimeS = t !== undefined && Number.isFinite(t) && shift !== null ? Math.round((t + shift) * 1e6) / 1e6 : null;
      if (this.stopped) {
        frame.lease?.release();
        return;
      }
      this.o.sink.frame(frame);
    }
    // Times for frames already sent without one are of no further use.
    for (const n of this.pts.keys()) if (n < this.nextIndex) this.pts.delete(n);
  }

  private readFmp4(stream: Readable): void {
    const parser = new Mp4FragmentParser();
    let broken = false;
    stream.on('data', (chunk: Buffer) => {
      if (broken || this.stopped) return;
      try {
        for (const c of parser.push(chunk)) {
          if (c.kind === 'init') {
            this.o.sink.liveInit(c.data, c.mime, c.codec);
          } else {
            if (this.firstLiveS === null && c.startS !== undefined && c.startS !== null) {
              this.firstLiveS = c.startS;
              this.pair();
            }
            this.o.sink.received(c.data.length, c.samples);
            this.o.sink.liveSegment(c.data, c.keyframe, c.samples);
          }
        }
      } catch (err) {
        // The live view breaks, detection carries on; the next connection starts a fresh parser.
        broken = true;
        this.o.sink.log('warn', `live view stream unreadable: ${(err as Error).message}`);
      }
    });
    stream.on('error', () => {});
  }

  private readMjpeg(stream: Readable): void {
    const parser = new MultipartParser('ffmpeg');
    stream.on('data', (chunk: Buffer) => {
      if (this.stopped) return;
      for (const part of parser.push(chunk)) this.o.sink.liveJpeg(part.body);
    });
    stream.on('error', () => {});
  }
}
