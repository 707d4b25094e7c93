// Splits a fragmented-MP4 byte stream (arbitrary fetch chunks) into complete top-level boxes, and reads the codec
// string MSE needs (`avc1.PPCCLL`) from the init segment, so the player can create its SourceBuffer before the first
// media segment and append whole moof+mdat fragments.

export interface Mp4Box { type: string; bytes: Uint8Array<ArrayBuffer> }

const MAX_BOX_BYTES = 64 * 1024 * 1024;

export class Mp4FormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Mp4FormatError';
  }
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) >>> 0) + (b[at + 1] << 16) + (b[at + 2] << 8) + b[at + 3];
}
function fourcc(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);
}

/** Reads one box header at `at`: size in bytes (0 when not enough bytes to know) and header length. */
function header(b: Uint8Array, at: number, end: number): { size: number; headerLen: number; type: string } | null {
  if (end - at < 8) return null;
  let size = u32(b, at);
  const type = fourcc(b, at + 4);
  let headerLen = 8;
  if (size === 1) {
    if (end - at < 16) return null;
    const hi = u32(b, at + 8);
    const lo = u32(b, at + 12);
    size = hi * 2 ** 32 + lo;
    headerLen = 16;
  } else if (size === 0) {
    throw new Mp4FormatError(`box "${type}" runs to end of file; not allowed in a live stream`);
  }
  if (size < headerLen) throw new Mp4FormatError(`box "${type}" has invalid size ${size}`);
  if (size > MAX_BOX_BYTES) throw new Mp4FormatError(`box "${type}" is ${size} bytes; refusing`);
  return { size, headerLen, type };
}

export class Mp4BoxSplitter {
  private buf: Uint8Array<ArrayBuffer> = new Uint8Array(64 * 1024);
  private len = 0;

  /** Adds bytes and returns every box completed by them, in stream order. */
  push(chunk: Uint8Array): Mp4Box[] {
    this.reserve(chunk.length);
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
    const out: Mp4Box[] = [];
    let at = 0;
    for (;;) {
      const h = header(this.buf, at, this.len);
      if (!h || this.len - at < h.size) break;
      out.push({ type: h.type, bytes: this.buf.slice(at, at + h.size) });
      at += h.size;
    }
    if (at > 0) {
      this.buf.copyWithin(0, at, this.len);
      this.len -= at;
    }
    return out;
  }

  get buffered(): number { return this.len; }

  private reserve(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let cap = this.buf.length;
    while (cap < this.len + extra) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
}

/** Child boxes of the box payload between `start` and `end`. */
function* children(b: Uint8Array, start: number, end: number): Generator<{ type: string; start: number; end: number }> {
  let at = start;
  while (at < end) {
    const h = header(b, at, end);
    if (!h || at + h.size > end) return;
    yield { type: h.type, start: at + h.headerLen, end: at + h.size };
    at += h.size;
  }
}
function child(b: Uint8Array, start: number, end: number, type: string) {
  for (const c of children(b, start, end)) if (c.type === type) return c;
  return null;
}
const hex2 = (n: number) => n.toString(16).padStart(2, '0').toUpperCase();

/**
 * The RFC 6381 codecs parameter for an init segment (ftyp + moov), e.g. `avc1.42C01E` or `avc1.640028,mp4a.40.2`.
 * Returns null when the init segment has no track it can describe.
 */
export function codecsFromInit(init: Uint8Array): string | null {
  const codecs: string[] = [];
  const moov = child(init, 0, init.length, 'moov');
  if (!moov) return null;
  for (const trak of children(init, moov.start, moov.end)) {
    if (trak.type !== 'trak') continue;
    const mdia = child(init, trak.start, trak.end, 'mdia');
    const minf = mdia && child(init, mdia.start, mdia.end, 'minf');
    const stbl = minf && child(init, minf.start, minf.end, 'stbl');
    const stsd = stbl && child(init, stbl.start, stbl.end, 'stsd');
    if (!stsd) continue;
    // stsd is a full box: version/flags (4) + entry_count (4), then sample entries.
    for (const entry of children(init, stsd.start + 8, stsd.end)) {
      if (entry.type === 'avc1' || entry.type === 'avc3') {
        // VisualSampleEntry fields take 78 bytes before its child boxes (avcC, pasp, ...).
        const avcC = child(init, entry.start + 78, entry.end, 'avcC');
        if (avcC && avcC.end - avcC.start >= 4) {
          codecs.push(`${entry.type}.${hex2(init[avcC.start + 1])}${hex2(init[avcC.start + 2])}${hex2(init[avcC.start + 3])}`);
        }
      } else if (entry.type === 'hvc1' || entry.type === 'hev1') {
        codecs.push(entry.type); // Profile details omitted: only used to report "unsupported" where HEVC is absent.
      } else if (entry.type === 'mp4a') {
        codecs.push('mp4a.40.2');
      }
    }
  }
  return codecs.length ? codecs.join(',') : null;
}
