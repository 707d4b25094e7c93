// Reads what ffmpeg says on stderr (run with `-loglevel level+info`): the input and output stream
// descriptions (codec, size, rate) and the reason it failed. ffmpeg has no machine-readable error
// channel, so the failure classes below are matched on the messages its demuxers print.

export interface FfmpegVideoStream {
  /** `Input #N` or `Output #N` index. */
  file: number;
  direction: 'input' | 'output';
  codec: string;
  /** Codec profile in parentheses, e.g. "High" / "Main"; empty when absent. */
  profile: string;
  width: number;
  height: number;
  /** Nominal frame rate (fps, else tbr); null when ffmpeg does not say. */
  fps: number | null;
}

export type FfmpegFailure =
  | 'AUTH_FAILED'
  | 'STREAM_NOT_FOUND'
  | 'PERMISSION_DENIED'
  | 'STREAM_UNAVAILABLE'
  | 'TIMEOUT'
  | 'UNSUPPORTED';

export interface FfmpegLogLine {
  level: 'fatal' | 'error' | 'warning' | 'info' | 'verbose' | 'debug' | 'other';
  text: string;
}

const LEVELS = new Set(['panic', 'fatal', 'error', 'warning', 'info', 'verbose', 'debug', 'trace']);

/** Splits `[rtsp @ 0x55] [error] method DESCRIBE failed` into level + text (text keeps the component). */
export function parseLogLine(line: string): FfmpegLogLine {
  const m = /^((?:\[[^\]]*@ 0x[0-9a-f]+\] )*)\[(\w+)\] (.*)$/.exec(line);
  if (!m || !LEVELS.has(m[2])) return { level: 'other', text: line };
  const lvl = m[2] === 'panic' ? 'fatal' : m[2] === 'trace' ? 'debug' : (m[2] as FfmpegLogLine['level']);
  return { level: lvl, text: `${m[1]}${m[3]}` };
}

const STREAM_RE = /^\s*Stream #(\d+):\d+(?:\[0x[0-9a-f]+\])?(?:\([^)]*\))?: Video: ([\w-]+)(?: \(([^)]*)\))?.*?, (\d{2,5})x(\d{2,5})/;

/** Tracks Input/Output headers so that a `Stream #…: Video:` line is attributed to the right side. */
export class FfmpegStreamInfoParser {
  private direction: 'input' | 'output' | null = null;

  /** Feed one (level-stripped) line; returns a video stream when the line describes one. */
  push(text: string): FfmpegVideoStream | null {
    const header = /^(Input|Output) #(\d+),/.exec(text);
    if (header) {
      this.direction = header[1] === 'Input' ? 'input' : 'output';
      return null;
    }
    if (text.startsWith('Stream mapping:')) {
      this.direction = null;
      return null;
    }
    if (!this.direction) return null;
    const m = STREAM_RE.exec(text);
    if (!m) return null;
    const fps = /, ([\d.]+)(k?) fps/.exec(text) ?? /, ([\d.]+)(k?) tbr/.exec(text);
    return {
      file: Number(m[1]),
      direction: this.direction,
      codec: m[2],
      profile: m[3] && !m[3].includes(' / ') ? m[3] : '',
      width: Number(m[4]),
      height: Number(m[5]),
      fps: fps ? Number(fps[1]) * (fps[2] === 'k' ? 1000 : 1) : null,
    };
  }
}

// Case-sensitive on purpose: "Decoder (codec x) not found" is UNSUPPORTED, "404 Not Found" is not.
const FAILURES: Array<[RegExp, FfmpegFailure]> = [
  [/\b40[13] (Unauthorized|Forbidden)|authorization failed|\bUnauthorized\b|\bForbidden\b/, 'AUTH_FAILED'],
  [/\b404 Not Found|\bNot Found\b|No such file or directory|No such device\b/, 'STREAM_NOT_FOUND'],
  [/Permission denied/, 'PERMISSION_DENIED'],
  [/[Tt]imed out|[Tt]imeout was reached/, 'TIMEOUT'],
  [
    /Connection refused|No route to host|Network is unreachable|Host is unreachable|Name or service not known|Temporary failure in name resolution|Connection reset|Broken pipe|End of file|Server returned 5\d\d|Input\/output error|Device or resource busy/,
    'STREAM_UNAVAILABLE',
  ],
  [
    /Invalid data found when processing input|not currently supported in container|Decoder \(codec [^)]*\) not found|Could not find codec parameters|Unknown input format|Protocol not found|[Uu]nsupported|Could not write header/,
    'UNSUPPORTED',
  ],
];

/** The failure class an error line announces, or null when it does not look fatal for the stream. */
export function classifyFfmpegError(text: string): FfmpegFailure | null {
  for (const [re, code] of FAILURES) if (re.test(text)) return code;
  return null;
}

/** Severity order: the most specific explanation wins when ffmpeg prints several lines before exiting. */
const RANK: Record<FfmpegFailure, number> = {
  AUTH_FAILED: 6,
  STREAM_NOT_FOUND: 5,
  PERMISSION_DENIED: 4,
  UNSUPPORTED: 3,
  TIMEOUT: 2,
  STREAM_UNAVAILABLE: 1,
};

export function moreSpecific(a: FfmpegFailure | null, b: FfmpegFailure | null): FfmpegFailure | null {
  if (!a) return b;
  if (!b) return a;
  return RANK[b] > RANK[a] ? b : a;
}

/** Decoder complaints about damaged input (lost UDP packets, corrupt slices): counted, not fatal. */
export function isDecodeErrorLine(line: FfmpegLogLine): boolean {
  return line.level === 'error' && /^\[(h264|hevc|mjpeg|mpeg4|rawvideo) @/.test(line.text);
}
